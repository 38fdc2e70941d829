import Foundation

/// Finds the DejaVu fonts (Debian's `fonts-dejavu-core`) where fontconfig usually keeps them;
/// `--font` overrides the regular face (its bold sibling is looked for next to it).
public enum FontLocator {
    public static let searchDirectories = [
        "/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/share/fonts/TTF",
        "/usr/share/fonts/truetype", "/usr/local/share/fonts", "/usr/share/fonts",
    ]

    public enum Family: String, Sendable { case sans = "DejaVuSans", serif = "DejaVuSerif" }

    /// The regular and bold faces, parsed. `override` is a path to a TrueType file.
    public static func load(_ family: Family = .sans, override: String? = nil,
                            home: String? = ProcessInfo.processInfo.environment["HOME"]) throws -> [TrueTypeFont] {
        var dirs = searchDirectories
        if let home { dirs += [home + "/.local/share/fonts", home + "/.fonts"] }
        if let override {
            guard FileManager.default.fileExists(atPath: override) else {
                throw PDFError(.fontNotFound, "\(override): no such font file (--font)")
            }
            let regular = try TrueTypeFont(path: override)
            let boldPath = override.replacingOccurrences(of: ".ttf", with: "-Bold.ttf")
            let bold = FileManager.default.fileExists(atPath: boldPath) ? try TrueTypeFont(path: boldPath) : regular
            return [regular, bold]
        }
        func find(_ file: String) -> String? {
            dirs.map { $0 + "/" + file }.first { FileManager.default.fileExists(atPath: $0) }
        }
        guard let regular = find(family.rawValue + ".ttf") else {
            throw PDFError(.fontNotFound, "\(family.rawValue).ttf not found in \(dirs.joined(separator: ", ")) "
                           + "(install fonts-dejavu-core or pass --font FILE.ttf)")
        }
        let r = try TrueTypeFont(path: regular)
        let b = try find(family.rawValue + "-Bold.ttf").map { try TrueTypeFont(path: $0) } ?? r
        return [r, b]
    }
}
