import Foundation
import JournalModel
import JournalStore
import PDF

/// What `archive build` archives: one period, or a whole year.
enum ArchiveScope: Sendable {
    case period(String)
    case year
}

/// `archive build`: per class the class journal PDF and the summary sheets PDF, each with its
/// detached signature, then the
/// manifest (size, SHA-256, Стрибог-256 when available, record counts, per-course digests,
/// the previous manifest's hash) and the manifest's signature — last, so that a directory
/// with a manifest is complete. With `--copy-to` the same bytes go to a second place.
struct ArchiveBuilder {
    let store: JournalStore
    let fonts: [TrueTypeFont]
    let signer: CMSSigner?
    let today: String

    struct Result {
        var directory: String
        var files: [(name: String, size: Int)] = []
        var manifestSHA256 = ""
    }

    /// The period (or the year as one span) to archive, closed by `today`.
    func resolve(_ scope: ArchiveScope) throws -> ArchivePeriod {
        let periods = try store.archivePeriods()
        switch scope {
        case .period(let name):
            let named = periods.filter { $0.name == name }
            guard !named.isEmpty else {
                let known = Array(Set(periods.map(\.name))).sorted().map { "«\($0)»" }.joined(separator: ", ")
                throw GatewayError.usage(.noPeriod, ["period": name, "periods": known.isEmpty ? "—" : known])
            }
            guard let closed = named.filter({ $0.end < today }).last else {
                throw GatewayError.badInput(.periodOpen, ["period": name, "end": named.last!.end, "today": today])
            }
            return closed
        case .year:
            let years = Dictionary(grouping: periods, by: \.yearName).values.compactMap(\.first).sorted { $0.yearEnd < $1.yearEnd }
            guard let y = years.filter({ $0.yearEnd < today }).last else {
                throw GatewayError.badInput(.noYearEnded, ["today": today])
            }
            return ArchivePeriod(id: "", yearName: y.yearName, yearStart: y.yearStart, yearEnd: y.yearEnd,
                                 name: "год", start: y.yearStart, end: y.yearEnd)
        }
    }

    static func slug(_ s: String) -> String {
        s.split(whereSeparator: { $0 == " " || $0 == "/" || $0 == "\\" }).joined(separator: "-")
    }

    /// `2026-2027_1-четверть` (the directory) and `2026-2027_1-четверть_5А.pdf` (a class's file).
    static func stem(_ p: ArchivePeriod) -> String { slug(p.yearName) + "_" + slug(p.name) }

    /// The class journals of the classes with pupils or lessons, rendered (no file written).
    func journals(for period: ArchivePeriod) throws -> [(journal: ArchiveClassJournal, pdf: Data, name: String)] {
        var out: [(ArchiveClassJournal, Data, String)] = []
        for c in try store.archiveClasses() {
            let j = try store.archiveClassJournal(c, period: period)
            if j.students.isEmpty && j.courses.isEmpty { continue }
            let pdf = try ClassJournalDocument(journal: j, school: store.school.name, fonts: fonts).render()
            out.append((j, pdf, Self.stem(period) + "_" + Self.slug(c.name) + ".pdf"))
        }
        return out
    }

    /// A file of the archive, rendered, with its manifest entry (given whether it is signed).
    struct Document {
        let className: String
        let name: String
        let pdf: Data
        let entry: (_ signed: Bool) -> JSON
    }

    /// Every file of the period in order: per class its journal, then its summary sheets
    /// (`…_5А_сводная-ведомость.pdf`, kind `summary`).
    func documents(for period: ArchivePeriod) throws -> [Document] {
        let journals = try journals(for: period)
        let sheets = try ArchiveSummarySheets.compute(store: store, period: period, classes: journals.map(\.journal.classUnit.name))
        var out: [Document] = []
        for (journal, pdf, name) in journals {
            let c = journal.classUnit.name
            out.append(Document(className: c, name: name, pdf: pdf) {
                ArchiveManifest.entry(name: name, kind: "journal", pdf: pdf, signed: $0, journal: journal)
            })
            guard let s = sheets[c] else { continue }
            let sheetName = ArchiveSummarySheets.fileName(period, className: c)
            let sheetPDF = try s.render(school: store.school.name, period: period, fonts: fonts)
            out.append(Document(className: c, name: sheetName, pdf: sheetPDF) {
                ArchiveManifest.summaryEntry(name: sheetName, pdf: sheetPDF, signed: $0, sheets: s)
            })
        }
        return out
    }

    func build(_ period: ArchivePeriod, out root: String, copyTo: String?, progress: (String) -> Void) throws -> Result {
        let stem = Self.stem(period)
        let dirs = [root] + (copyTo.map { [$0] } ?? [])
        for d in dirs {
            try ArchiveFiles.makeDirectory(d + "/" + stem)
            if FileManager.default.fileExists(atPath: d + "/" + stem + "/manifest.json") {
                throw OutputError(.alreadyArchived, path: d + "/" + stem)
            }
        }
        var result = Result(directory: root + "/" + stem)
        var entries: [JSON] = []
        for document in try documents(for: period) {
            let (pdf, name) = (document.pdf, document.name)
            progress("\(name): \(pdf.count) bytes")
            let sig = try signer?.sign(pdf)
            for d in dirs {
                try ArchiveFiles.write(pdf, to: "\(d)/\(stem)/\(name)")
                if let sig { try ArchiveFiles.write(sig, to: "\(d)/\(stem)/\(name).sig") }
            }
            result.files.append((name, pdf.count))
            entries.append(document.entry(sig != nil))
        }
        let previous = try previousManifest(period, root: root)
        let manifest = ArchiveManifest.document(school: store.school.name, period: period, files: entries,
                                                previous: previous, signer: signer?.subject)
        let bytes = Data((manifest.pretty() + "\n").utf8)
        let sig = try signer?.sign(bytes)
        for d in dirs {
            if let sig { try ArchiveFiles.write(sig, to: "\(d)/\(stem)/manifest.json.sig") }
            try ArchiveFiles.write(bytes, to: "\(d)/\(stem)/manifest.json")
        }
        result.manifestSHA256 = ArchiveHash.sha256(bytes)
        return result
    }

    /// The manifest of the same year's period before this one, if archived under `root`.
    func previousManifest(_ period: ArchivePeriod, root: String) throws -> (name: String, sha256: String)? {
        guard !period.id.isEmpty else {
            // The year's archive chains to the year's last period.
            let last = try store.archivePeriods().filter { $0.yearName == period.yearName }.last
            return last.flatMap { chainLink(Self.stem($0), root: root) }
        }
        let same = try store.archivePeriods().filter { $0.yearName == period.yearName && $0.start < period.start }
        return same.last.flatMap { chainLink(Self.stem($0), root: root) }
    }

    private func chainLink(_ stem: String, root: String) -> (name: String, sha256: String)? {
        guard let data = FileManager.default.contents(atPath: root + "/" + stem + "/manifest.json") else { return nil }
        return (stem + "/manifest.json", ArchiveHash.sha256(data))
    }
}
