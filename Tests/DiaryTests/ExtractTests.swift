import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Gateway
import JournalModel
import JournalStore
import TestSupport

/// Reads an extract as XML: sections (pages), their text and cells, every attribute.
final class ExtractReader: NSObject, XMLParserDelegate {
    struct Page { var student = ""; var text = ""; var cells: [(cls: String, text: String)] = []; var days: [String] = [] }
    var pages: [Page] = []
    var elements: [String] = []
    var attributes: [(String, String)] = []
    var root: (name: String, namespace: String?)?
    private var cell: (cls: String, text: String)?
    private var dayHeading: String?

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes a: [String: String] = [:]) {
        if root == nil { root = (name, a["xmlns"]) }
        elements.append(name)
        attributes += a.map { ($0.key, $0.value) }
        switch name {
        case "section": pages.append(Page(student: a["data-student"] ?? ""))
        case "td": cell = (a["class"] ?? "", "")
        case "th" where a["colspan"] == "6": dayHeading = ""
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters s: String) {
        guard !pages.isEmpty else { return }
        pages[pages.count - 1].text += s
        cell?.text += s
        dayHeading? += s
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "td", let c = cell { pages[pages.count - 1].cells.append(c); cell = nil }
        if name == "th", let d = dayHeading { pages[pages.count - 1].days.append(d); dayHeading = nil }
    }

    static func read(_ path: String) throws -> ExtractReader {
        let reader = ExtractReader()
        let parser = XMLParser(stream: try #require(InputStream(fileAtPath: path)))
        parser.delegate = reader
        #expect(parser.parse(), "not well-formed XML: \(String(describing: parser.parserError))")
        return reader
    }
}

struct ExtractTests {
    @Test(arguments: StoreBackend.allCases)
    func aClassExtractIsOnePagePerChildWithOnlyThatChildsData(_ backend: StoreBackend) throws {
        let dir = try TempDir(prefix: "jg-diary", tmpfs: true)
        let path = try sampleStore(dir, backend)
        let out = dir.path("5А.html")
        let r = cli(["extract", "weekly", "--class", "5 а", "--week", "2026-W37", "--out", out], store: path)
        #expect(r.code == 0, "\(r.err)")
        let html = try String(contentsOfFile: out, encoding: .utf8)
        let x = try ExtractReader.read(out)
        #expect(x.root?.name == "html" && x.root?.namespace == "http://www.w3.org/1999/xhtml")
        // Self-contained: inline CSS, no scripts, images, links or fonts from elsewhere.
        #expect(x.elements.contains("style"))
        for banned in ["script", "link", "img", "iframe", "object"] { #expect(!x.elements.contains(banned)) }
        #expect(!x.attributes.contains { ["src", "href"].contains($0.0) })
        #expect(!html.contains("url("))
        #expect(html.contains("size: A4"))

        let store = try JournalStore.open(at: path)
        let students = try store.records(.student, where: "class", equals: .text("cls-5А"))
        #expect(x.pages.map(\.student).sorted() == students.map(\.id).sorted())
        for page in x.pages {
            let me = try #require(students.first { $0.id == page.student })
            #expect(page.text.contains(DiaryTexts.fullName(me)))
            #expect(page.text.contains("МБОУ «Школа № 122» г. о. Самара"))
            #expect(page.text.contains("класс 5А"))
            #expect(page.text.contains("Классный руководитель"))
            #expect(page.text.contains("Ковалёва Н. П."))
            #expect(page.days.prefix(5) == ["Понедельник, 7 сентября", "Вторник, 8 сентября", "Среда, 9 сентября",
                                              "Четверг, 10 сентября", "Пятница, 11 сентября"])
            for other in students where other.id != me.id {
                #expect(!page.text.contains(DiaryTexts.fullName(other)), "R8: \(other.id) on \(me.id)'s page")
            }
        }
        // Соколова Варвара: 4 for an answer in Monday's mathematics; her group's English only.
        let varvara = try #require(x.pages.first { $0.student == "stu-05-1008" })
        let marks = varvara.cells.filter { $0.cls == "mk" }.map(\.text)
        #expect(marks.first == "4 (О)")
        #expect(varvara.text.contains("№ 35, 123 (стр. 10)"))
        #expect(!varvara.text.contains("Ex. 207 p. 7"))   // the other English group's homework
    }

    @Test(arguments: StoreBackend.allCases)
    func gradeOneHasNoMarksOrHomework(_ backend: StoreBackend) throws {
        let dir = try TempDir(prefix: "jg-diary", tmpfs: true)
        let path = try sampleStore(dir, backend)
        let out = dir.path("one.html")
        #expect(cli(["extract", "weekly", "--student", "stu-01-1003", "--week", "2026-W37", "--out", out], store: path).code == 0)
        let x = try ExtractReader.read(out)
        let page = try #require(x.pages.first)
        #expect(x.pages.count == 1)
        #expect(page.cells.filter { $0.cls == "mk" || $0.cls == "hw" }.allSatisfy { $0.text.isEmpty })
        #expect(page.cells.contains { $0.cls == "ab" && $0.text == "Н" })
        #expect(page.text.contains("безотметочное"))
    }

    @Test(arguments: StoreBackend.allCases)
    func badArgumentsAreUsageErrors(_ backend: StoreBackend) throws {
        let dir = try TempDir(prefix: "jg-diary", tmpfs: true)
        let path = try sampleStore(dir, backend)
        #expect(cli(["extract", "weekly", "--class", "5А", "--week", "2026-37", "--out", dir.path("x.html")], store: path).code == ExitCode.usage)
        #expect(cli(["extract", "weekly", "--class", "7В", "--week", "2026-W37", "--out", dir.path("x.html")], store: path).code == ExitCode.usage)
        #expect(cli(["extract", "weekly", "--week", "2026-W37", "--out", dir.path("x.html")], store: path).code == ExitCode.usage)
    }
}
