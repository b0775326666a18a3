import Foundation
import SQLKit
import SwitchyardCore

/// The shared layer of external data and the cross-replica lock, which only PostgreSQL has.
extension PostgresChatStore {
    var sharesAcrossProcesses: Bool { true }

    func sharedValue(key: String, now: Date) async throws -> ExternalValue? {
        try await LockedExternalDataWrites(tx: self).sharedValue(key: key, now: now)
    }

    func saveShared(key: String, value: ExternalValue, expiry: Date) async throws {
        _ = try await rows(ExternalDataStatements.saveShared(key: key, value: value, expiry: expiry)) { _ in () }
        // Expired rows go now and then (about one write in 64), so the table holds roughly the live keys.
        if UInt8.random(in: 0...63) == 0 {
            _ = try await rows(ExternalDataStatements.dropExpiredShared(now: Date())) { _ in () }
        }
    }

    /// `pg_advisory_xact_lock` on the key's hash inside a transaction that lasts as long as `body`: a replica that
    /// misses the same key at the same moment waits here, then finds the value the first one wrote (committed as the
    /// lock is released). `body` reads and writes on the same transaction.
    func withKeyLock<T: Sendable>(
        _ key: String, _ body: @escaping @Sendable (any ExternalDataWrites) async throws -> T
    ) async throws -> T {
        try await writeTransaction { tx in
            _ = try await tx.rows(ExternalDataStatements.advisoryLock(key: key)) { _ in () }
            return try await body(LockedExternalDataWrites(tx: tx))
        }
    }
}

/// The shared layer and the record, on the transaction that holds a key's lock.
private struct LockedExternalDataWrites: ExternalDataWrites {
    let tx: any StatementReader

    func sharedValue(key: String, now: Date) async throws -> ExternalValue? {
        try await tx.rows(ExternalDataStatements.sharedValue(key: key, now: now)) { row in
            ExternalValue(
                payload: Data(try row.decode(column: "payload", as: String.self).utf8),
                fetchedAt: try row.decode(column: "fetched_at", as: Date.self))
        }.first
    }

    func save(
        ownerID: UUID, subject: String, source: String, key: String, value: ExternalValue, sharedExpiry: Date
    ) async throws {
        _ = try await tx.rows(
            ExternalDataStatements.saveRecord(
                ownerID: ownerID, subject: subject, source: source, key: key, value: value)
        ) { _ in () }
        _ = try await tx.rows(ExternalDataStatements.saveShared(key: key, value: value, expiry: sharedExpiry)) { _ in ()
        }
    }
}
