import Foundation

extension ContingentReader {
    /// Splits a guardians cell («Зайцева Ульяна Юрьевна; Зайцев Сергей», commas too) and
    /// attaches phones, whether written beside a name or in a separate phone column.
    static func parseGuardians(_ cell: String, phones phoneCell: String) -> ([GuardianEntry], [String]) {
        let read = parseGuardianCell(cell, phones: phoneCell)
        return (read.entries, read.problems + read.dropped.map { "«\($0)» has no first name: guardian left out" })
    }

    /// A guardians cell read: the guardians, problems that cost nothing but a phone, and the
    /// parts that could not be read as a guardian at all (`dropped`: the cell is unreadable).
    struct GuardianCell {
        var entries: [GuardianEntry] = []
        var problems: [String] = []
        var dropped: [String] = []
    }

    static func parseGuardianCell(_ cell: String, phones phoneCell: String) -> GuardianCell {
        var problems: [String] = []
        var dropped: [String] = []
        let separators: Set<Character> = cell.contains(";") ? [";", "\n"] : [",", "\n"]
        var entries: [GuardianEntry] = []
        for part in cell.split(whereSeparator: { separators.contains($0) }) {
            var words: [String] = []
            var phone: String?
            for token in extractPhones(String(part)) {
                switch token {
                case .phone(let p): phone = p
                case .badPhone(let raw): problems.append("«\(raw)» is not a Russian phone number (left out)")
                case .text(let t): words += t.split(whereSeparator: { $0.isWhitespace || $0 == "(" || $0 == ")" }).map(String.init)
                }
            }
            words = words.filter { !["мать", "отец", "мама", "папа", "опекун", "-", "–"].contains($0.lowercased()) }
            if words.isEmpty {
                // A phone on its own belongs to the guardian before it.
                if let phone, !entries.isEmpty, entries[entries.count - 1].phone == nil { entries[entries.count - 1].phone = phone }
                continue
            }
            guard words.count >= 2 else {
                dropped.append(words[0])
                continue
            }
            entries.append(GuardianEntry(surname: words[0], name: words[1],
                                         patronymic: words.count > 2 ? words[2...].joined(separator: " ") : nil, phone: phone))
        }
        // A separate phone column: phones go to the guardians in order.
        var extra: [String] = []
        for token in extractPhones(phoneCell) {
            switch token {
            case .phone(let p): extra.append(p)
            case .badPhone(let raw): problems.append("phone «\(raw)» is not a Russian phone number (left out)")
            case .text: break
            }
        }
        for p in extra where !entries.contains(where: { $0.phone == p }) {
            if let i = entries.firstIndex(where: { $0.phone == nil }) { entries[i].phone = p }
        }
        return GuardianCell(entries: entries, problems: problems, dropped: dropped)
    }

    enum Token { case text(String), phone(String), badPhone(String) }

    /// Cuts runs that look like phone numbers (digits, +, spaces, dashes, brackets with
    /// at least 7 digits) out of a text.
    static func extractPhones(_ s: String) -> [Token] {
        var out: [Token] = []
        var text = ""
        var run = ""
        func flushRun() {
            let digits = run.filter(\.isNumber)
            if digits.count >= 7 {
                if !text.isEmpty { out.append(.text(text)); text = "" }
                out.append(normalizePhone(run).map(Token.phone) ?? .badPhone(run.trimmingCharacters(in: .whitespaces)))
            } else {
                text += run
            }
            run = ""
        }
        for ch in s {
            if ch.isNumber || ch == "+" || ((ch == " " || ch == "-" || ch == "(" || ch == ")") && !run.isEmpty) {
                run.append(ch)
            } else {
                flushRun()
                text.append(ch)
            }
        }
        flushRun()
        if !text.isEmpty { out.append(.text(text)) }
        return out
    }

    /// `8 (927) 123-45-67`, `+7 927 1234567`, `9271234567` → `+79271234567`.
    public static func normalizePhone(_ raw: String) -> String? {
        var d = raw.filter(\.isNumber)
        if d.count == 11, d.first == "8" || d.first == "7" { d.removeFirst() }
        guard d.count == 10, d.first == "9" || d.first == "3" || d.first == "4" || d.first == "8" else { return nil }
        return "+7" + d
    }
}
