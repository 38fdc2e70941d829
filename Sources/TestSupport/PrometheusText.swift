import Foundation

/// A checker of the Prometheus text exposition format (version 0.0.4), written from its
/// specification for tests (`promtool` is not packaged for Debian's test machines):
/// `# HELP name text` and `# TYPE name type` at most once per family and before its samples,
/// a family's samples together, metric and label names by their grammar, label values quoted
/// with only `\\`, `\"` and `\n` escapes, values Go-style floats (`NaN`, `+Inf`, `-Inf`), an
/// optional integer timestamp, no series twice, the text ending with a newline.
public enum PrometheusText {
    public struct Sample: Sendable, Equatable {
        public let name: String
        public let labels: [String: String]
        public let value: Double
    }

    public struct Problem: Error, CustomStringConvertible {
        public let line: Int
        public let message: String
        public var description: String { "line \(line): \(message)" }
    }

    static func isMetricName(_ s: Substring) -> Bool {
        guard let f = s.first, f.isASCII, f.isLetter || f == "_" || f == ":" else { return false }
        return s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == ":") }
    }

    static func isLabelName(_ s: Substring) -> Bool {
        guard let f = s.first, f.isASCII, f.isLetter || f == "_" else { return false }
        return s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    }

    static func value(_ s: Substring) -> Double? {
        switch s {
        case "NaN": return .nan
        case "+Inf", "Inf": return .infinity
        case "-Inf": return -.infinity
        default:
            guard s.allSatisfy({ $0.isNumber || "+-.eE".contains($0) }) else { return nil }
            return Double(s)
        }
    }

    /// The samples of `text`, or the first problem.
    public static func parse(_ text: String) throws(Problem) -> [Sample] {
        guard text.isEmpty || text.hasSuffix("\n") else { throw Problem(line: 0, message: "the text does not end with a newline") }
        var samples: [Sample] = []
        var typed: [String: String] = [:], helped: Set<String> = [], seenSeries: Set<String> = []
        var finished: Set<String> = [], current: String? = nil
        let types: Set<String> = ["counter", "gauge", "histogram", "summary", "untyped"]
        func family(_ name: String) -> String {
            for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
                let base = String(name.dropLast(suffix.count))
                if typed[base] == "histogram" || typed[base] == "summary" { return base }
            }
            return name
        }
        func enter(_ fam: String, _ n: Int) throws(Problem) {
            if current == fam { return }
            if finished.contains(fam) { throw Problem(line: n, message: "family \(fam) appears again after other families") }
            if let c = current { finished.insert(c) }
            current = fam
        }
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().enumerated() {
            let n = i + 1
            let line = raw.drop { $0 == " " || $0 == "\t" }
            if line.isEmpty { continue }
            if line.hasPrefix("#") {
                let parts = line.dropFirst().split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
                guard parts.count >= 2, parts[0] == "HELP" || parts[0] == "TYPE" else { continue }   // a plain comment
                let name = String(parts[1])
                guard isMetricName(parts[1]) else { throw Problem(line: n, message: "bad metric name «\(name)»") }
                if parts[0] == "TYPE" {
                    guard parts.count == 3, types.contains(String(parts[2])) else { throw Problem(line: n, message: "bad TYPE line") }
                    guard typed[name] == nil else { throw Problem(line: n, message: "TYPE for \(name) twice") }
                    guard !finished.contains(name), current != name || samples.last.map({ family($0.name) != name }) ?? true else {
                        throw Problem(line: n, message: "TYPE for \(name) after its samples")
                    }
                    typed[name] = String(parts[2])
                } else {
                    guard helped.insert(name).inserted else { throw Problem(line: n, message: "HELP for \(name) twice") }
                }
                try enter(name, n)
                continue
            }
            // name{labels} value [timestamp]
            var rest = line[...]
            let nameEnd = rest.firstIndex { $0 == "{" || $0 == " " || $0 == "\t" } ?? rest.endIndex
            let name = rest[..<nameEnd]
            guard isMetricName(name) else { throw Problem(line: n, message: "bad metric name «\(name)»") }
            rest = rest[nameEnd...]
            var labels: [String: String] = [:]
            if rest.first == "{" {
                rest = rest.dropFirst()
                while true {
                    rest = rest.drop { $0 == " " }
                    if rest.first == "}" { rest = rest.dropFirst(); break }
                    guard let eq = rest.firstIndex(of: "=") else { throw Problem(line: n, message: "a label without «=»") }
                    let lname = rest[..<eq].trimmingCharacters(in: .whitespaces)
                    guard isLabelName(Substring(lname)) else { throw Problem(line: n, message: "bad label name «\(lname)»") }
                    rest = rest[rest.index(after: eq)...].drop { $0 == " " }
                    guard rest.first == "\"" else { throw Problem(line: n, message: "label value not quoted") }
                    rest = rest.dropFirst()
                    var v = ""
                    var closed = false
                    while let c = rest.first {
                        rest = rest.dropFirst()
                        if c == "\\" {
                            guard let e = rest.first else { break }
                            rest = rest.dropFirst()
                            switch e {
                            case "\\": v.append("\\")
                            case "\"": v.append("\"")
                            case "n": v.append("\n")
                            default: throw Problem(line: n, message: "bad escape \\\(e) in a label value")
                            }
                        } else if c == "\"" { closed = true; break } else { v.append(c) }
                    }
                    guard closed else { throw Problem(line: n, message: "unterminated label value") }
                    guard labels[lname] == nil else { throw Problem(line: n, message: "label \(lname) twice") }
                    labels[lname] = v
                    rest = rest.drop { $0 == " " }
                    if rest.first == "," { rest = rest.dropFirst() } else if rest.first != "}" { throw Problem(line: n, message: "expected «,» or «}»") }
                }
            }
            let fields = rest.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count == 1 || fields.count == 2 else { throw Problem(line: n, message: "expected a value and an optional timestamp") }
            guard let v = value(fields[0]) else { throw Problem(line: n, message: "bad value «\(fields[0])»") }
            if fields.count == 2, Int64(fields[1]) == nil { throw Problem(line: n, message: "bad timestamp «\(fields[1])»") }
            try enter(family(String(name)), n)
            let series = String(name) + "{" + labels.keys.sorted().map { "\($0)=\(labels[$0]!)" }.joined(separator: ",") + "}"
            guard seenSeries.insert(series).inserted else { throw Problem(line: n, message: "series \(series) twice") }
            samples.append(Sample(name: String(name), labels: labels, value: v))
        }
        return samples
    }
}
