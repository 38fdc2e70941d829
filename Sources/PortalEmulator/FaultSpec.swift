import Foundation

/// Which faults the emulator injects, and how often: the `--faults` specification.
///
/// Written as `500=0.05,429=0.05,drop=0.02,truncate=0.01,dup-page=0.02,latency=20ms,expire-token=0.01`.
/// Every key is optional; probabilities are per protocol request and together at most 1.
/// - `500`, `502`, `503`, `504`, `429`: answer that status without touching anything (429 and
///   503 carry `Retry-After: <retry-after>`).
/// - `drop`: close the connection without an answer; a batch is dropped before or after
///   it is applied, half and half.
/// - `truncate`: answer a `Content-Length` larger than the bytes sent, then close (the
///   request itself was processed).
/// - `dup-page`: a change-feed page repeats items at its edges (other requests: no fault).
/// - `mutate-while-paging`: after a page of a paged list is served, one of its rows is edited
///   so that it moves to the end of the order (ЭПОС lists; other requests: no fault).
/// - `expire-token`: the session ends just now: this request answers 401.
/// - `latency=20ms` (or `1s`, or a bare number of milliseconds): every protocol request waits that long.
/// - `retry-after=0`: the `Retry-After` seconds sent with 429/503 (default 1).
public struct FaultSpec: Sendable, Equatable, CustomStringConvertible {
    public var http500: Double = 0
    public var http503: Double = 0
    public var http429: Double = 0
    public var http502: Double = 0
    public var http504: Double = 0
    public var drop: Double = 0
    public var truncate: Double = 0
    public var dupPage: Double = 0
    public var expireToken: Double = 0
    public var mutateWhilePaging: Double = 0
    /// Delay before every protocol answer, in seconds.
    public var latency: Double = 0
    /// Seconds sent in `Retry-After` with 429 and 503.
    public var retryAfter: Int = 1

    /// No faults at all.
    public static let none = FaultSpec()

    public init() {}

    /// Parses a specification string; an empty string means no faults.
    ///
    /// - Throws: `FaultSpecError` naming the key or value at fault.
    public init(parsing spec: String) throws(FaultSpecError) {
        var seen = Set<String>()
        for item in spec.split(separator: ",") {
            let part = item.trimmingCharacters(in: .whitespaces)
            if part.isEmpty { continue }
            let kv = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard kv.count == 2, !kv[0].isEmpty else {
                throw FaultSpecError(spec: spec, message: "«\(part)» is not KEY=VALUE")
            }
            let (key, value) = (kv[0], kv[1])
            guard seen.insert(key).inserted else { throw FaultSpecError(spec: spec, message: "«\(key)» is given twice") }
            switch key {
            case "500": http500 = try Self.probability(key, value, spec)
            case "503": http503 = try Self.probability(key, value, spec)
            case "429": http429 = try Self.probability(key, value, spec)
            case "drop": drop = try Self.probability(key, value, spec)
            case "truncate": truncate = try Self.probability(key, value, spec)
            case "dup-page": dupPage = try Self.probability(key, value, spec)
            case "expire-token": expireToken = try Self.probability(key, value, spec)
            case "502": http502 = try Self.probability(key, value, spec)
            case "504": http504 = try Self.probability(key, value, spec)
            case "mutate-while-paging": mutateWhilePaging = try Self.probability(key, value, spec)
            case "latency": latency = try Self.duration(key, value, spec)
            case "retry-after":
                guard let s = Int(value), s >= 0 else {
                    throw FaultSpecError(spec: spec, message: "retry-after: «\(value)» is not a whole number of seconds")
                }
                retryAfter = s
            default:
                throw FaultSpecError(spec: spec, message: "unknown fault «\(key)»; known: \(Self.keys.joined(separator: ", "))")
            }
        }
        if totalProbability > 1 + 1e-9 {
            throw FaultSpecError(spec: spec, message: "the probabilities add up to \(totalProbability), more than 1")
        }
    }

    /// The keys a specification may use.
    public static let keys = ["500", "503", "429", "drop", "truncate", "dup-page", "expire-token", "502", "504",
                              "mutate-while-paging", "latency", "retry-after"]

    /// The sum of all per-request fault probabilities.
    public var totalProbability: Double {
        http500 + http503 + http429 + drop + truncate + dupPage + expireToken + http502 + http504 + mutateWhilePaging
    }

    /// The canonical specification string (keys in a fixed order, zero values left out).
    public var description: String {
        var parts: [String] = []
        for (k, v) in [("500", http500), ("503", http503), ("429", http429), ("drop", drop), ("truncate", truncate),
                       ("dup-page", dupPage), ("expire-token", expireToken), ("502", http502), ("504", http504),
                       ("mutate-while-paging", mutateWhilePaging)] where v > 0 {
            parts.append("\(k)=\(v)")
        }
        if latency > 0 { parts.append("latency=\(Int((latency * 1000).rounded()))ms") }
        if retryAfter != 1 { parts.append("retry-after=\(retryAfter)") }
        return parts.joined(separator: ",")
    }

    private static func probability(_ key: String, _ value: String, _ spec: String) throws(FaultSpecError) -> Double {
        guard let p = Double(value), p >= 0, p <= 1 else {
            throw FaultSpecError(spec: spec, message: "\(key): «\(value)» is not a probability between 0 and 1")
        }
        return p
    }

    private static func duration(_ key: String, _ value: String, _ spec: String) throws(FaultSpecError) -> Double {
        var number = value
        var scale = 0.001
        if value.hasSuffix("ms") { number = String(value.dropLast(2)) } else if value.hasSuffix("s") {
            number = String(value.dropLast()); scale = 1
        }
        guard let n = Double(number), n >= 0, n <= 60_000 else {
            throw FaultSpecError(spec: spec, message: "\(key): «\(value)» is not a duration such as 20ms or 1s")
        }
        return n * scale
    }
}

/// A `--faults` specification that cannot be read.
public struct FaultSpecError: Error, Sendable, CustomStringConvertible {
    public let spec: String
    public let message: String
    public var description: String { "--faults \"\(spec)\": \(message)" }
}
