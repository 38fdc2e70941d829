/// Why a PDF could not be written: a typed kind with the context (file, font) in the message.
public struct PDFError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable {
        case fontNotFound, fontUnreadable, fontInvalid, compression, layout
    }
    public let kind: Kind
    public let message: String
    public init(_ kind: Kind, _ message: String) { self.kind = kind; self.message = message }
    public var description: String { message }
}
