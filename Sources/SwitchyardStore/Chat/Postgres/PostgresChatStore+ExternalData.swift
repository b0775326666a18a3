import Foundation
import SQLKit
import SwitchyardCore

/// The shared layer of external data and the cross-replica lock, which only PostgreSQL has.
extension PostgresChatStore {
    var sharesAcrossProcesses: Bool { true }

    func sharedValue(key: String, now: Date) async throws -> ExternalValue? {
        try await rows(ExternalDataStatements.sharedValue(key: key, now: now)) { row in
            ExternalValue(
                payload: Data(try row.decode(column: "payload", as: String.self).utf8),
                fetchedAt: try row.decode(column: "fetched_at", as: Date.self))
        }.first
    }

    func saveShared(key: String, value: ExternalValue, expiry: Date) async throws {
        _ = try await rows(ExternalDataStatements.saveShared(key: key, value: value, expiry: expiry)) { _ in () }
        // Expired rows go now and then (about one write in 64), so the table holds roughly the live keys.
        if UInt8.random(in: 0...63) == 0 {
            _ = try await rows(ExternalDataStatements.dropExpiredShared(now: Date())) { _ in () }
        }
    }

    /// `pg_advisory_xact_lock` on the key's hash inside a transaction that lasts as long as `body`: a replica that
    /// misses the same key at the same moment waits here, then finds the value the first one wrote.
    func withKeyLock<T: Sendable>(_ key: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await writeTransaction { tx in
            _ = try await tx.rows(ExternalDataStatements.advisoryLock(key: key)) { _ in () }
            return try await body()
        }
    }
}
