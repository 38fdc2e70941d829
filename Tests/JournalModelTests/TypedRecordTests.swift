import Foundation
import JournalModel
import Testing

/// Typed records (docs/architecture.md "Typed records"): values by schema position, fields
/// addressed by typed keys, names from outside resolved once and checked.
struct TypedRecordTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    // MARK: no string-literal field subscripts in Sources

    /// Every field name of every kind, from the schema itself (not a copy of it).
    static let fieldNames: Set<String> = Set(EntityKind.allCases.flatMap { $0.keys.map(\.name) })

    /// A string-literal subscript that reads or writes a record field:
    /// - `(?<=[\w)\]?])` — the `[` follows an expression (a name, `)`, `]` or the `?` of
    ///   optional chaining), so it is a subscript, not an array literal such as `["status"]`
    ///   handed to a function;
    /// - `\["([a-z_]+)"\]` — a snake_case string literal as the only index;
    /// - `(?!\s*(\?|else\b|\.(flatMap|map)\b))` — not followed by `?`, `??`, `else` or an
    ///   Optional's `map`/`flatMap`: JSON objects, dictionaries and TSV rows answer an Optional
    ///   that the code must unwrap there, while a record's field is a plain ``FieldValue``
    ///   (read as `.text`, `.int`, `.isNull`, compared or assigned).
    /// The captured name must also be a field name of some kind (`fieldNames`): `j["id"]`
    /// or `attributes["r"]` are never record fields.
    static let recordSubscript = try! NSRegularExpression(pattern: #"(?<=[\w)\]?])\["([a-z_]+)"\](?!\s*(\?|else\b|\.(flatMap|map)\b))"#)

    static func hits(_ line: String) -> [String] {
        let ns = line as NSString
        return recordSubscript.matches(in: line, range: NSRange(location: 0, length: ns.length)).compactMap { m in
            let name = ns.substring(with: m.range(at: 1))
            return fieldNames.contains(name) ? name : nil
        }
    }

    /// Sources the check skips: the portal emulator subscripts its own JSON objects (portal
    /// field names, not the journal's), and the field declarations themselves.
    static let exempt = ["Sources/PortalEmulator/", "Sources/JournalModel/FieldKeys.swift"]

    @Test func thePatternTellsRecordSubscriptsFromJSONOnes() {
        // What it must find: the ways code once read and wrote fields by name.
        for line in [#"let v = r["value"].text"#, #"record["value"] = .null"#, #"if old?["class"] != s["class"] {"#,
                     #"guard let d = CivilDate(iso: lesson["date"].text ?? "") else"#, #"out.fields["kind"] = .text(found.kind)"#,
                     #"m["student"].text == student"#, #"$0["name"].isNull"#] {
            #expect(!Self.hits(line).isEmpty, "not found: \(line)")
        }
        // What it must leave: JSON, dictionaries, array literals, typed keys.
        for line in [#"guard let id = j["id"]?.string else"#, #"("name", j["name"] ?? .null)"#, #"Command(words: ["status"], summary: "x")"#,
                     #"guard let sheetName = attributes["name"] else {"#, #"pairs["url"].flatMap(URL.init(string:))"#,
                     #"if let name = row["portal_name"], let code = row["portal_code"]"#, #"let v = r[Mark.value].text"#,
                     #"if case .bool(true)? = json["deleted"] {"#] {
            #expect(Self.hits(line).isEmpty, "wrongly found: \(line)")
        }
    }

    @Test func sourcesAddressRecordFieldsByTypedKeys() throws {
        let sources = Self.root.appendingPathComponent("Sources")
        let files = try #require(FileManager.default.enumerator(atPath: sources.path)).compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }
        var found: [String] = []
        var checked = 0
        for file in files.sorted() {
            let relative = "Sources/" + file
            if Self.exempt.contains(where: { relative.hasPrefix($0) }) { continue }
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            checked += 1
            for (n, line) in text.components(separatedBy: "\n").enumerated() where !line.trimmingCharacters(in: .whitespaces).hasPrefix("//") {
                for name in Self.hits(line) { found.append("\(relative):\(n + 1): [\"\(name)\"]: use the typed key (FieldKeys.swift)") }
            }
        }
        #expect(checked > 100, "the walk found the sources")
        #expect(found.isEmpty, "\(found.joined(separator: "\n"))")
    }

    // MARK: misspelt fields

    @Test func namesFromOutsideThatAreNoFieldThrowNamingKindAndField() throws {
        #expect(throws: UnknownFieldError(kind: .mark, name: "valeu")) {
            try Record(.mark, id: "m1", named: ["lesson": .text("l1"), "valeu": .text("5")])
        }
        do {
            _ = try Record(.attendance, id: "a1", named: ["kind": .text("absent"), "reasn": .text("Б")])
            Issue.record("an unknown field was accepted")
        } catch {
            #expect(error.kind == .attendance && error.name == "reasn")
            #expect(error.description.hasPrefix("attendance has no field «reasn»"), "\(error.description)")
        }
        let r = try Record(.mark, id: "m1", named: ["lesson": .text("l1"), "value": .text("5"), "point": .int(0)])
        #expect(r[Mark.value] == .text("5") && r[Mark.lesson] == .text("l1") && r[Mark.weight] == .null)
    }

    /// The message a stopped child process wrote (the precondition names kind and field).
    static func stderr(_ result: ExitTest.Result?) -> String {
        String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
    }

    @Test func aMisspeltNameInCodeStopsTheProgramNamingKindAndField() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Record(.mark, id: "m1", ["valeu": .text("5")])
        }
        #expect(Self.stderr(result).contains("mark has no field «valeu»"), "\(Self.stderr(result))")
    }

    @Test func theStringSubscriptStopsOnANameTheKindDoesNotHave() async {
        let read = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let r = Record(.mark, id: "m1")
            _ = r["valeu"]
        }
        #expect(Self.stderr(read).contains("mark has no field «valeu»"), "\(Self.stderr(read))")
        let write = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var r = Record(.lesson, id: "l1")
            r["valeu"] = .text("5")
        }
        #expect(Self.stderr(write).contains("lesson has no field «valeu»"), "\(Self.stderr(write))")
    }

    @Test func aKeyOfAnotherKindStopsTheProgram() async {
        await #expect(processExitsWith: .failure) {
            let r = Record(.mark, id: "m1")
            _ = r[Lesson.date]
        }
    }

    // MARK: positional values

    @Test func valuesSitAtTheirSchemaPosition() {
        for kind in EntityKind.allCases {
            #expect(kind.keys.enumerated().allSatisfy { $0.offset == $0.element.index && $0.element.kind == kind })
            var v = FieldValues(kind)
            #expect(v.values.count == kind.fieldCount && v.values.allSatisfy(\.isNull))
            for key in kind.keys { v[key] = .text("\(kind.rawValue).\(key.name)") }
            // Read back by position, by key and by name: the same value each way.
            for key in kind.keys {
                #expect(v.values[key.index] == .text("\(kind.rawValue).\(key.name)"))
                #expect(v[key.name] == v[key])
                #expect(kind.key(key.name) == key)
            }
            #expect(kind.keysByName.map(\.name) == kind.keys.map(\.name).sorted())
        }
    }

    @Test func changesAreListedInSchemaOrderWithTheirKeys() {
        let old = Record(.mark, id: "m1", [Mark.lesson: .text("l1"), Mark.value: .text("4"), Mark.weight: .int(1)])
        var new = old
        new[Mark.weight] = .int(2)
        new[Mark.value] = .text("5")
        #expect(new.changes(from: old) == [FieldChange(Mark.value, old: .text("4"), new: .text("5")),
                                           FieldChange(Mark.weight, old: .int(1), new: .int(2))])
        // A new record: every non-null field, a null boolean as 0.
        let created = old.changes(from: nil)
        #expect(created.map(\.name) == ["lesson", "value", "point", "weight"])
        #expect(created.first { $0.key == Mark.point }?.new == .int(0))
    }

    @Test func theJSONFormKeepsEveryFieldUnderItsNameSorted() throws {
        let v = FieldValues(.attendance, [Attendance.lesson: .text("l1"), Attendance.kind: .text("absent")])
        #expect(v.serialized == #"{"kind":"absent","lesson":"l1","reason":null,"student":null}"#)
        #expect(try FieldValues(.attendance, json: JSON.parse(v.serialized)) == v)
        // Text this code did not write: a name that is no field of the kind.
        #expect(throws: UnknownFieldError(kind: .attendance, name: "reasn")) {
            try FieldValues(.attendance, json: JSON.parse(#"{"kind":"absent","reasn":"Б"}"#))
        }
    }
}
