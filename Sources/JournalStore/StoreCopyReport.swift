/// What `store copy` found: per table the rows and checksum on each side (``StoreChecksum``),
/// the kept high-water marks, and whether the copy was committed.
public struct StoreCopyReport: Sendable {
    /// What was asked: copy, count only (dry run), or compare an earlier copy (verify).
    public enum Mode: String, Sendable { case copy, dryRun = "dry-run", verify }

    /// One table on both sides. A dry run counts only: no checksums, and the target's rows are
    /// what it holds now (nil when the school has no store there).
    public struct Table: Sendable {
        public let name: String
        public let sourceRows: Int
        public let sourceChecksum: String?
        public let targetRows: Int?
        public let targetChecksum: String?
        /// Counts and checksums agree (a dry run compares nothing: true).
        public let matches: Bool
    }

    /// A generated key's high-water mark (`change_log.seq`, `conflict.id`): the next value the
    /// target gives must follow the source's, or a new change would reuse a `seq` a counterpart saw.
    public struct Mark: Sendable {
        public let table: String
        public let column: String
        public let source: Int64
        public let target: Int64?
        public var kept: Bool { target.map { $0 >= source } ?? true }
    }

    public let mode: Mode
    /// Where from and where to, as printable (a PostgreSQL password replaced by `***`).
    public let source: String
    public let target: String
    public let school: String
    public let tables: [Table]
    public let marks: [Mark]
    /// Whether the target now holds the copy (false for a dry run, a verify, and a copy whose
    /// verification failed: then nothing was committed).
    public let committed: Bool
    public let seconds: Double

    /// Every count, checksum and mark agrees.
    public var ok: Bool { tables.allSatisfy(\.matches) && marks.allSatisfy(\.kept) }
    /// The tables whose count or checksum differs.
    public var mismatched: [String] { tables.filter { !$0.matches }.map(\.name) + marks.filter { !$0.kept }.map { "\($0.table).\($0.column)" } }
    /// Rows in the source, all tables.
    public var sourceRows: Int { tables.reduce(0) { $0 + $1.sourceRows } }
}
