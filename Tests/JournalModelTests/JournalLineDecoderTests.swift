import Testing
@testable import JournalModel

/// The direct decoder of journal lines agrees with the general path (JSON tree, then
/// JournalLine.decode) on every line it takes, and leaves every other line to it.
struct JournalLineDecoderTests {
    private func general(_ text: String) -> JournalLine? {
        guard let json = try? JSON.parse(bytes: Array(text.utf8)), case .success(let l) = JournalLine.decode(json) else { return nil }
        return l
    }

    private func same(_ a: JournalLine, _ b: JournalLine) -> Bool {
        switch (a, b) {
        case (.record(let x), .record(let y)): return x == y
        case (.deletion(let k1, let i1), .deletion(let k2, let i2)): return k1 == k2 && i1 == i2
        default: return false
        }
    }

    @Test(arguments: [
        #"{"type":"mark","id":"M1","lesson":"L22","student":"stu-02-10001","work_type":"wt-self","value":"4","point":false,"weight":1}"#,
        #"{"type":"mark","id":"M2","lesson":"L22","student":"s","work_type":"w","value":null,"point":true,"weight":-12}"#,
        #"{"type":"attendance","id":"A1-77","lesson":"L1","student":"stu-01-10077","kind":"absent","reason":"УП"}"#,
        #"{"type":"lesson","id":"L1","class":"cls-1А","subject":"sub-math","date":"2025-09-01","number":1,"teacher":"t-40","topic":"Тема урока 1"}"#,
        #"  { "type" : "teacher" , "id" : " t-1 ", "surname":"Иванова","name":"Ёлка" , "deleted": false }  "#,
        #"{"type":"mark","id":"M3","lesson":"L22","student":"s","work_type":"w","value":"5","weight":007}"#,
    ])
    func agreesWithTheGeneralPath(_ text: String) throws {
        let fast = try #require(JournalLineDecoder.decode(Array(text.utf8)))
        let slow = try #require(general(text))
        #expect(same(fast, slow))
        #expect(fast.encoded() == slow.encoded())
    }

    @Test(arguments: [
        #"{"type":"mark","id":"M1","value":"4","value":"5"}"#,            // a key twice
        #"{"id":"M1","type":"mark","value":"4"}"#,                          // fields before type are fine here: id is not a field
        #"{"lesson":"L1","type":"mark","id":"M1"}"#,                        // a field before type
        #"{"type":"mark","id":"M1","value":"4\n"}"#,                        // an escape
        #"{"type":"mark","id":"M1","weight":1.0}"#,                         // not a whole number
        #"{"type":"mark","id":"M1","weight":1e2}"#,
        #"{"type":"mark","id":"M1","weight":99999999999999999999}"#,        // too large
        #"{"type":"mark","id":"M1","weight":"1"}"#,                         // a string for a number
        #"{"type":"mark","id":"M1","point":1}"#,                            // a number for a flag
        #"{"type":"mark","id":"M1","value":4}"#,                            // a number for a string
        #"{"type":"mark","id":"M1","nope":"x"}"#,                           // an unknown field
        #"{"type":"marks","id":"M1"}"#,                                     // an unknown type
        #"{"type":"mark","id":"  "}"#,                                      // a blank id
        #"{"type":"mark","id":"M1","deleted":true}"#,                       // a deletion
        #"{"type":"mark","id":"M1"} x"#,                                    // text after the object
        #"{"type":"mark","id":"M1","#,                                      // cut short
        #"[{"type":"mark","id":"M1"}]"#,                                    // not an object
        #"{"type":"mark"}"#,                                                // no id
        #"{"type":"mark","id":"M1","value":"a\u{0}b"}"#,                    // a raw NUL
        #"{"type":"mark","id":"M1","tags":[1]}"#,
    ])
    func leavesTheRestToTheGeneralPath(_ text: String) {
        if text.hasPrefix(#"{"id":"M1","type""#) {
            // id before type is plain: taken, and the same as the general path.
            #expect(JournalLineDecoder.decode(Array(text.utf8)).map { l in general(text).map { same(l, $0) } ?? false } == true)
        } else {
            #expect(JournalLineDecoder.decode(Array(text.utf8)) == nil)
        }
    }

    @Test func refusesInvalidUTF8() {
        var bytes = Array(#"{"type":"teacher","id":"t1","surname":"X"}"#.utf8)
        #expect(JournalLineDecoder.decode(bytes) != nil)
        bytes[bytes.count - 3] = 0xC0   // an overlong form's first byte
        #expect(JournalLineDecoder.decode(bytes) == nil)
        var cp1251 = Array(#"{"type":"teacher","id":"t1","surname":"Иванов долгий текст"}"#.utf8)
        cp1251[34] = 0xC8
        #expect(JournalLineDecoder.decode(cp1251) == nil)
        #expect(Array("ascii only, longer than eight bytes".utf8).withUnsafeBufferPointer { JournalLineDecoder.isValidUTF8($0) })
        #expect(!(Array("ascii, then a lone continuation byte".utf8) + [0x80]).withUnsafeBufferPointer { JournalLineDecoder.isValidUTF8($0) })
    }

    @Test func sniffsTheKindOnlyWhenTypeComesFirst() {
        #expect(JournalLineDecoder.leadingKind(Array(#"{"type":"mark","id":"M1","value":"5"}"#.utf8)) == .mark)
        #expect(JournalLineDecoder.leadingKind(Array(#"  { "type" : "work_type" , broken"#.utf8)) == .workType, "reads no further than the type")
        #expect(JournalLineDecoder.leadingKind(Array(#"{"id":"M1","type":"mark"}"#.utf8)) == nil, "type not first")
        #expect(JournalLineDecoder.leadingKind(Array(#"{"type":"ma\u0072k","id":"M1"}"#.utf8)) == nil, "an escape")
        #expect(JournalLineDecoder.leadingKind(Array(#"{"type":"lessons","id":"L1"}"#.utf8)) == nil, "no such kind")
        #expect(JournalLineDecoder.leadingKind(Array(#"["type","mark"]"#.utf8)) == nil)
    }
}
