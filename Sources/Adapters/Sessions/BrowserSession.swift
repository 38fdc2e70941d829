/// A session a person opened in a browser (through Госуслуги / ЕСИА) and saved to a file,
/// for regions where the gateway cannot sign in with a password: the cookies or tokens the
/// portal set, by name (`at`, `NSSESSIONID` for АСУ РСО; `auth_token`, `profile_id` for
/// ЭПОС.Школа). The gateway reads the file (docs/operations.md); adapters get the values.
public struct BrowserSession: Sendable, Equatable {
    /// Name → value, as saved.
    public var values: [String: String]
    /// Where it came from, for messages ("the session in F has expired").
    public var source: String

    public init(values: [String: String], source: String) { self.values = values; self.source = source }

    public subscript(_ name: String) -> String? { values[name] }

    /// What a person must do when the portal refuses it.
    public var expiredMessage: String {
        "the session in \(source) has expired or was refused (the portal answered 401): "
            + "sign in through Госуслуги in a browser and save a fresh session to \(source)"
    }
}
