import Foundation

/// Folders the gateway ships (`mappings`, `samples`), found from where the running binary is,
/// never from where it was built:
/// 1. installed: `PREFIX/share/journal-gateway/NAME` for a binary in `PREFIX/bin` (the
///    executable's real path, symlinks resolved);
/// 2. a build in a package checkout (`swift run`, `swift test`): the first folder upward from
///    the executable holding `Package.swift` and `NAME/`;
/// 3. the current directory, when it is such a package root.
public enum ShippedResources {
    public static func executableDirectory() -> String {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().path
        return URL(fileURLWithPath: exe).deletingLastPathComponent().path
    }

    /// `PREFIX/share/journal-gateway` for the running binary.
    public static func installedShare() -> String {
        URL(fileURLWithPath: executableDirectory()).deletingLastPathComponent().appendingPathComponent("share/journal-gateway").path
    }

    public static func find(_ name: String, probe: String) -> String? {
        let fm = FileManager.default
        let installed = installedShare() + "/" + name
        if fm.fileExists(atPath: installed + "/" + probe) { return installed }
        var dir = URL(fileURLWithPath: executableDirectory())
        while dir.path != "/" {
            if fm.fileExists(atPath: dir.path + "/Package.swift"), fm.fileExists(atPath: dir.path + "/" + name + "/" + probe) {
                return dir.path + "/" + name
            }
            dir.deleteLastPathComponent()
        }
        let cwd = fm.currentDirectoryPath
        if fm.fileExists(atPath: cwd + "/Package.swift"), fm.fileExists(atPath: cwd + "/" + name + "/" + probe) { return cwd + "/" + name }
        return nil
    }
}
