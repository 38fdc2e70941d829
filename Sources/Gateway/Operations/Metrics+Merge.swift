import Foundation
import JournalModel

/// Merging a new set of metrics into the file already there: the file holds every step's
/// figures (a night's and those of single commands run since), so a write replaces only what
/// it measured — the steps it names, the families it has — and keeps the rest as read.
extension Metrics {
    /// A family read back from a file this gateway wrote.
    struct Family {
        var name: String
        var help: String
        var samples: [(labels: [(String, String)], value: Double)]
    }

    /// The families of a metrics file (the text format this type writes; other lines are skipped).
    static func parse(_ text: String) -> [Family] {
        var out: [Family] = []
        func index(_ name: String) -> Int {
            if let i = out.firstIndex(where: { $0.name == name }) { return i }
            out.append(Family(name: name, help: "", samples: []))
            return out.count - 1
        }
        for raw in text.split(separator: "\n") {
            let line = String(raw)
            if line.hasPrefix("# HELP ") {
                let rest = line.dropFirst(7)
                guard let sp = rest.firstIndex(of: " ") else { continue }
                out[index(String(rest[..<sp]))].help = String(rest[rest.index(after: sp)...])
                continue
            }
            if line.hasPrefix("#") { continue }
            guard let sp = line.lastIndex(of: " "), let value = Double(line[line.index(after: sp)...]) ?? (line.hasSuffix(" NaN") ? .nan : nil) else { continue }
            let head = line[..<sp]
            var name = String(head)
            var labels: [(String, String)] = []
            if let open = head.firstIndex(of: "{"), head.hasSuffix("}") {
                name = String(head[..<open])
                labels = Self.labels(String(head[head.index(after: open)..<head.index(before: head.endIndex)]))
            }
            out[index(name)].samples.append((labels, value))
        }
        return out
    }

    /// `a="x",b="y \"q\""` → [(a, x), (b, y "q")].
    static func labels(_ s: String) -> [(String, String)] {
        var out: [(String, String)] = []
        var chars = Array(s)[...]
        while let eq = chars.firstIndex(of: "=") {
            let name = String(chars[chars.startIndex..<eq]).trimmingCharacters(in: CharacterSet(charactersIn: ", "))
            var i = eq + 2   // past ="
            var value = ""
            while i < chars.endIndex, chars[i] != "\"" {
                if chars[i] == "\\", i + 1 < chars.endIndex {
                    i += 1
                    value.append(chars[i] == "n" ? "\n" : chars[i])
                } else { value.append(chars[i]) }
                i += 1
            }
            out.append((name, value))
            chars = chars[min(i + 1, chars.endIndex)...]
        }
        return out
    }

    /// The steps these metrics speak about (their `step` labels).
    var steps: Set<String> {
        Set(families.flatMap { $0.samples.compactMap { s in s.labels.first { $0.0 == "step" }?.1 } })
    }

    /// These metrics over `old` (a file's text): a family these metrics have takes their
    /// samples, plus the old samples of steps they do not name; a family they lack is kept.
    func merged(over old: String) -> Metrics {
        let mine = steps
        var out = Metrics()
        let oldFamilies = Self.parse(old)
        for f in families {
            var samples = f.samples
            if let o = oldFamilies.first(where: { $0.name == f.name }) {
                samples += o.samples.filter { s in
                    guard let step = s.labels.first(where: { $0.0 == "step" })?.1 else { return false }
                    return !mine.contains(step)
                }
            }
            out.families.append((f.name, f.help, samples))
        }
        for o in oldFamilies where !families.contains(where: { $0.name == o.name }) {
            out.families.append((o.name, o.help, o.samples))
        }
        return out
    }

    /// The value of `name` (without the `journal_gateway_` prefix) for `step` in a file's text.
    static func value(in text: String, _ name: String, step: String) -> Double? {
        parse(text).first { $0.name == "journal_gateway_" + name }?.samples.first { $0.labels.contains { $0 == ("step", step) } }?.value
    }
}
