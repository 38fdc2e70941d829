// swift-tools-version:6.0
import PackageDescription

// No `.package(...)` dependencies: the toolchain plus C libraries Debian ships.
let package = Package(
    name: "JournalGateway",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "journal-gateway", targets: ["journal-gateway"]),
    ],
    targets: [
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite",
                       providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite3"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib",
                       providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
        .systemLibrary(name: "CCrypto", path: "Sources/CCrypto",
                       providers: [.apt(["libssl-dev"]), .brew(["openssl"])]),
        // libpq, the PostgreSQL client library: the region's store (docs/region.md).
        .systemLibrary(name: "CPostgreSQL", path: "Sources/CPostgreSQL", pkgConfig: "libpq",
                       providers: [.apt(["libpq-dev"]), .brew(["libpq"])]),
        .target(name: "JournalModel"),
        .target(name: "JournalStore", dependencies: ["CSQLite", "CPostgreSQL", "CCrypto", "JournalModel"]),
        .target(name: "Formats", dependencies: ["CZlib", "JournalModel"]),
        .target(name: "Transport", dependencies: ["CCrypto"]),
        // The PDF/A writer (subset TrueType fonts, layout): zlib only, nothing of the store or engine.
        .target(name: "PDF", dependencies: ["CZlib"]),
        // The seam between the engine and the counterparts: what adapters implement and return.
        .target(name: "SyncModel", dependencies: ["JournalModel"]),
        .target(name: "Adapters", dependencies: ["JournalModel", "Formats", "Transport", "SyncModel"]),
        .target(name: "SyncEngine", dependencies: ["JournalModel", "JournalStore", "SyncModel"]),
        .target(name: "PortalEmulator", dependencies: ["JournalModel", "Transport"]),
        // The synthetic school and the emulators' seeds (`generate school`, gateway-bench).
        .target(name: "SchoolGeneration", dependencies: ["JournalModel", "Formats", "Adapters", "PortalEmulator"]),
        .target(name: "Gateway", dependencies: ["JournalModel", "JournalStore", "Formats", "Adapters", "SyncEngine", "SyncModel", "Transport", "PortalEmulator", "PDF", "CCrypto",
                                                "SchoolGeneration"]),
        // Shared by the test targets only (test doubles, temporary directories, the binary's runner):
        // no product target may depend on it (ModuleGraphTests pins this).
        .target(name: "TestSupport", dependencies: ["JournalModel", "SyncModel", "JournalStore"]),
        .executableTarget(name: "journal-gateway", dependencies: ["Gateway"]),
        // gateway-bench (a development tool, not a product) takes TestSupport for its throwaway
        // PostgreSQL cluster and the binary's runner (the region stages); ModuleGraphTests allows it.
        .executableTarget(name: "gateway-bench", dependencies: ["Gateway", "JournalModel", "CSQLite", "SyncEngine", "SyncModel", "SchoolGeneration",
                                                                "PortalEmulator", "TestSupport"]),
        .testTarget(name: "JournalModelTests", dependencies: ["JournalModel"]),
        .testTarget(name: "JournalStoreTests", dependencies: ["JournalStore", "JournalModel", "TestSupport"]),
        .testTarget(name: "FormatsTests", dependencies: ["Formats"]),
        .testTarget(name: "PDFTests", dependencies: ["PDF", "TestSupport"]),
        .testTarget(name: "SyncEngineTests", dependencies: ["SyncEngine", "SyncModel", "JournalStore", "JournalModel", "TestSupport"]),
        .testTarget(name: "TransportTests", dependencies: ["Transport", "PortalEmulator"]),
        .testTarget(name: "AdaptersTests", dependencies: ["Adapters", "Formats", "JournalModel", "PortalEmulator", "SyncModel", "Transport"]),
        .testTarget(name: "PortalEmulatorTests", dependencies: ["PortalEmulator", "TestSupport"]),
        .testTarget(name: "GatewayTests", dependencies: ["Gateway", "Transport", "SchoolGeneration", "JournalStore", "JournalModel", "TestSupport"]),
        .testTarget(name: "DiaryTests", dependencies: ["Adapters", "Gateway", "JournalStore", "JournalModel", "PortalEmulator", "TestSupport"]),
        .testTarget(name: "ModuleGraphTests", dependencies: ["TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
