import Foundation
import Testing
import TestSupport

/// The package root, found from this file's path.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The module graph as `swift package dump-package` reads it from Package.swift: target name →
/// the targets it depends on directly, and which targets are tests.
struct ModuleGraph {
    var dependencies: [String: [String]] = [:]
    var tests: Set<String> = []

    /// Runs `swift package dump-package` (the `swift` on PATH) with a scratch directory of
    /// its own, so that it does not wait for the lock of the `swift test` running it.
    static func dumped() throws -> ModuleGraph {
        let scratch = try TempDir(prefix: "jg-graph")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["swift", "package", "--package-path", packageRoot.path, "--scratch-path", scratch.path, "dump-package"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0,
              let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let targets = root["targets"] as? [[String: Any]] else {
            throw TestSupportError("swift package dump-package failed (exit \(p.terminationStatus))")
        }
        var graph = ModuleGraph()
        for t in targets {
            guard let name = t["name"] as? String else { continue }
            if t["type"] as? String == "test" { graph.tests.insert(name) }
            // Each dependency is {"byName": [name, condition]} or {"target": [name, condition]}
            // ({"product": …} would name another package's product: there are none).
            graph.dependencies[name] = (t["dependencies"] as? [[String: Any]] ?? []).compactMap { d in
                ((d["byName"] ?? d["target"]) as? [Any])?.first as? String
            }
        }
        return graph
    }

    /// Every target `name` depends on, directly or not.
    func closure(_ name: String) -> Set<String> {
        var seen: Set<String> = [], todo = dependencies[name] ?? []
        while let next = todo.popLast() {
            if seen.insert(next).inserted { todo += dependencies[next] ?? [] }
        }
        return seen
    }
}

/// Modules flow one way (docs/architecture.md, issue 16): adapters hold no store and no engine,
/// and the test support target stays out of the product.
@Suite struct ModuleGraphTests {
    @Test func adaptersDependOnNeitherTheEngineNorTheStore() throws {
        let graph = try ModuleGraph.dumped()
        let closure = graph.closure("Adapters")
        #expect(closure.contains("SyncModel"), "\(closure.sorted())")
        #expect(!closure.contains("SyncEngine"), "\(closure.sorted())")
        #expect(!closure.contains("JournalStore"), "\(closure.sorted())")
        #expect(!closure.contains("CSQLite"), "\(closure.sorted())")
    }

    @Test func theSeamModuleDependsOnTheModelOnly() throws {
        #expect(try ModuleGraph.dumped().closure("SyncModel") == ["JournalModel"])
    }

    @Test func thePDFWriterKnowsOnlyZlib() throws {
        #expect(try ModuleGraph.dumped().closure("PDF") == ["CZlib"])
    }

    @Test func noProductTargetDependsOnTestSupport() throws {
        let graph = try ModuleGraph.dumped()
        #expect(graph.dependencies["TestSupport"] != nil, "the TestSupport target is gone: update this test")
        // gateway-bench is a development tool, not in the product: its region stages take
        // TestSupport's throwaway PostgreSQL cluster and the binary's runner.
        let tools: Set<String> = ["gateway-bench"]
        for name in graph.dependencies.keys.sorted() where !graph.tests.contains(name) && name != "TestSupport" && !tools.contains(name) {
            #expect(!graph.closure(name).contains("TestSupport"), "\(name) depends on TestSupport")
        }
        #expect(graph.dependencies["gateway-bench"] != nil, "gateway-bench is gone: update this test")
    }
}
