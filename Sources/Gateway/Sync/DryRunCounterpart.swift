import Foundation
import JournalModel
import SyncEngine
import SyncModel

/// A counterpart that pulls for real but sends nothing: every write is answered as if
/// applied, so `--dry-run` shows what a run would push (on a copy of the store).
struct DryRunCounterpart: Counterpart {
    let inner: any Counterpart
    var name: String { inner.name }
    func pull(cursor: String?) async throws -> PullPage { try await inner.pull(cursor: cursor) }
    func push(_ ops: [OutboundOperation]) async throws -> [OperationResult] {
        ops.map { .applied(externalID: $0.externalID ?? "dry-run-\($0.key)", version: $0.baseVersion) }
    }
    func accepts(_ kind: EntityKind) -> Bool { inner.accepts(kind) }
    func compareVersions(_ a: String, _ b: String) -> ComparisonResult? { inner.compareVersions(a, b) }
    var warnings: [String] { get async { await inner.warnings } }
    var adopted: [AdoptedCode] { get async { await inner.adopted } }
    func remap(_ record: RemoteRecord) -> RemoteRecord { inner.remap(record) }
    func answer(_ answers: [PullNeed: PullAnswer]) async { await inner.answer(answers) }
}
