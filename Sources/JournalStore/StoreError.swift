/// Why the store cannot do what was asked, said so that an administrator can act.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable { case notInitialized, alreadyInitialized, newerSchema, walUnavailable, locked, notFound, invalid }
    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) { self.kind = kind; self.message = message }
    public var description: String { message }
}
