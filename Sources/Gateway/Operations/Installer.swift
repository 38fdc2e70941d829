import Foundation
import Adapters

/// `journal-gateway install`: the running binary, the shipped code tables and samples, the
/// systemd units and an example configuration, under a prefix (docs/operations.md).
///
/// Each file is written under a temporary name and renamed into place; a folder (the
/// tables) is built beside its place and swapped in, so an interrupted install leaves the old
/// one whole. `/etc/journal-gateway` (the school's configuration and own table lines) is
/// never touched.
struct Installer {
    let prefix: String
    let configPath: String

    var bin: String { prefix + "/bin/journal-gateway" }
    var share: String { prefix + "/share/journal-gateway" }
    var units: String { prefix + "/lib/systemd/system" }

    enum Action {
        case copyFile(from: String, to: String, mode: Int)
        case copyFolder(from: String, to: String)
        case write(text: String, to: String, mode: Int)

        var line: String {
            switch self {
            case .copyFile(let f, let t, _): return "copy \(f) → \(t)"
            case .copyFolder(let f, let t): return "copy \(f)/ → \(t)/"
            case .write(_, let t, _): return "write \(t)"
            }
        }
    }

    /// What install does, in order.
    func plan(binary: String, mappings: String, samples: String?, config: SchoolConfig?) -> [Action] {
        var out: [Action] = [.copyFile(from: binary, to: bin, mode: 0o755), .copyFolder(from: mappings, to: share + "/mappings")]
        if let samples { out.append(.copyFolder(from: samples, to: share + "/samples")) }
        out.append(.write(text: Self.exampleConfig, to: share + "/school.conf.example", mode: 0o644))
        out.append(.write(text: service(config), to: units + "/journal-gateway-night.service", mode: 0o644))
        out.append(.write(text: Self.timer, to: units + "/journal-gateway-night.timer", mode: 0o644))
        return out
    }

    func perform(_ actions: [Action]) throws {
        let fm = FileManager.default
        for a in actions {
            switch a {
            case .copyFile(let from, let to, let mode):
                try fm.createDirectory(atPath: (to as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                let tmp = to + ".installing"
                try? fm.removeItem(atPath: tmp)
                try fm.copyItem(atPath: from, toPath: tmp)
                try fm.setAttributes([.posixPermissions: mode], ofItemAtPath: tmp)
                try swap(tmp, to)
            case .copyFolder(let from, let to):
                try fm.createDirectory(atPath: (to as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                let tmp = to + ".installing"
                try? fm.removeItem(atPath: tmp)
                try fm.copyItem(atPath: URL(fileURLWithPath: from).resolvingSymlinksInPath().path, toPath: tmp)
                let old = to + ".old"
                try? fm.removeItem(atPath: old)
                if fm.fileExists(atPath: to) { try fm.moveItem(atPath: to, toPath: old) }
                try fm.moveItem(atPath: tmp, toPath: to)
                try? fm.removeItem(atPath: old)
            case .write(let text, let to, let mode):
                try fm.createDirectory(atPath: (to as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                let tmp = to + ".installing"
                guard fm.createFile(atPath: tmp, contents: Data(text.utf8), attributes: [.posixPermissions: mode]) else {
                    throw OutputError(.write, path: tmp)
                }
                try swap(tmp, to)
            }
        }
    }

    private func swap(_ tmp: String, _ to: String) throws {
        guard rename(tmp, to) == 0 else { throw OutputError(.rename(to: to), path: tmp, reason: String(cString: strerror(errno))) }
    }

    /// The folders the night writes: the store's, the outputs, the metrics file's (from the
    /// configuration when there is one, else the example's). `-`: a missing one is no error.
    func writablePaths(_ config: SchoolConfig?) -> [String] {
        func dir(_ p: String?) -> String? { p.map { ($0 as NSString).deletingLastPathComponent } }
        var paths = ["/var/lib/journal-gateway"]
        if let c = config {
            paths = [dir(c.store), c.inbox, c.extracts, c.archive, dir(c.metricsFile)].compactMap { $0 }
            if paths.isEmpty { paths = ["/var/lib/journal-gateway"] }
        } else {
            paths.append("/var/lib/node_exporter/textfile")
        }
        var seen = Set<String>()
        return paths.filter { seen.insert($0).inserted }
    }

    func service(_ config: SchoolConfig?) -> String {
        """
        # journal-gateway: the night (docs/operations.md). Installed by `journal-gateway install`.
        [Unit]
        Description=Journal Gateway: nightly import, sync, diary feed and extracts
        Wants=network-online.target
        After=network-online.target

        [Service]
        Type=oneshot
        ExecStart=\(bin) --config \(configPath) night
        User=journal-gateway
        Group=journal-gateway
        StateDirectory=journal-gateway
        StateDirectoryMode=0700
        UMask=0077
        ProtectSystem=strict
        ReadWritePaths=\(writablePaths(config).map { "-" + $0 }.joined(separator: " "))
        ProtectHome=yes
        PrivateTmp=yes
        PrivateDevices=yes
        NoNewPrivileges=yes
        CapabilityBoundingSet=
        ProtectKernelTunables=yes
        ProtectKernelModules=yes
        ProtectKernelLogs=yes
        ProtectControlGroups=yes
        ProtectClock=yes
        ProtectHostname=yes
        RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX
        RestrictNamespaces=yes
        RestrictRealtime=yes
        RestrictSUIDSGID=yes
        LockPersonality=yes
        MemoryDenyWriteExecute=yes
        SystemCallArchitectures=native
        TimeoutStartSec=6h
        # 75 = try later (the store busy, a portal asked to come back later): not a failure of the unit.
        SuccessExitStatus=75

        """
    }

    static let timer = """
        # journal-gateway: starts the night at 01:30 (a missed night runs at the next boot).
        [Unit]
        Description=Journal Gateway: the night at 01:30

        [Timer]
        OnCalendar=*-*-* 01:30:00
        Persistent=true
        RandomizedDelaySec=15min
        Unit=journal-gateway-night.service

        [Install]
        WantedBy=timers.target

        """

    static let exampleConfig = """
        # /etc/journal-gateway/school.conf — one school's setup (docs/operations.md).
        # Keys are fixed; paths may be relative to this file's folder. Credential files: mode 600,
        # owned by the service's user (journal-gateway). Check it with: journal-gateway config check
        [school]
        store = /var/lib/journal-gateway/school.sqlite
        timezone = Europe/Samara
        inbox = /var/lib/journal-gateway/inbox
        extracts = /var/lib/journal-gateway/extracts
        archive = /var/lib/journal-gateway/archive
        metrics-file = /var/lib/node_exporter/textfile/journal_gateway.prom
        extract-weekday = friday
        # log-format = json
        # mappings-overrides = /etc/journal-gateway/mappings   (the default: the school's own code-table lines)

        [asu-rso]
        url = https://asurso.example.ru
        school-id = 6302
        login = gw
        password-file = /etc/journal-gateway/asurso.pw
        # session-file = /etc/journal-gateway/asurso.session   (Госуслуги-only regions)

        [epos]
        url = https://epos.example.ru
        school-id = 59-122
        session-file = /etc/journal-gateway/epos.session

        [diary]
        url = https://diary.example.ru
        school-id = 63-0002
        token-file = /etc/journal-gateway/diary.token

        """
}
