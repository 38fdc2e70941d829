/// Why the store cannot do what was asked, said so that an administrator can act.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable {
        case notInitialized, alreadyInitialized, newerSchema, walUnavailable, locked, notFound, invalid
        /// The file exists but is not an SQLite database (random bytes, a text file).
        case notAStore
        /// The directory a new store was to be created in does not exist.
        case missingDirectory
        /// The store (or its run lock) cannot be created or written: permissions, read-only media, a full disk.
        case cannotWrite
        /// The store cannot be read (permissions, or read-only media that SQLite cannot read it from).
        case cannotRead
        /// A read-only command met a store of an older schema, which only a writing command upgrades.
        case olderSchema
    }
    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) { self.kind = kind; self.message = message }
    public var description: String { message }
}
