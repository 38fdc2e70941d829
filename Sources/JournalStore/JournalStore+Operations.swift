import Foundation

/// Reads `journal-gateway check` and the night's metrics need.
extension JournalStore {
    /// When the oldest conflict still open was queued (the store's timestamp format), if any.
    public func oldestOpenConflictCreatedAt() throws -> String? {
        try db.scalar("SELECT min(created_at) FROM conflict WHERE resolved_at IS NULL")?.text
    }
}
