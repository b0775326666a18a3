import Foundation
import SwitchyardCore

/// A chat turn waiting to be written.
struct PendingTurn: Sendable {
    var newSession: ChatSession?
    var user: StoredMessage
    var reply: StoredMessage
}

/// Group commit: turns that arrive while a write is in flight are written together in the next transaction, so one
/// commit (on SQLite, one trip through its single writer; on PostgreSQL, one WAL flush and a few statements) serves
/// many turns. Each caller still returns only after its own turn is committed. If a batch fails, its turns are retried
/// one by one so that one bad turn cannot fail the others; a turn refused by a unique constraint (an idempotency or
/// opening key already used) fails with ``StoreError/conflict(_:)``.
actor TurnBatcher {
    typealias Write = @Sendable ([PendingTurn]) async throws -> Void

    private var pending: [(PendingTurn, CheckedContinuation<Void, any Error>)] = []
    private var flushing = false
    private let write: Write
    let maximumBatch: Int

    init(maximumBatch: Int = 256, write: @escaping Write) {
        self.maximumBatch = maximumBatch
        self.write = write
    }

    func submit(_ turn: PendingTurn) async throws {
        try await withCheckedThrowingContinuation { continuation in
            pending.append((turn, continuation))
            if !flushing {
                flushing = true
                Task { await self.flush() }
            }
        }
    }

    private func flush() async {
        while !pending.isEmpty {
            let batch = Array(pending.prefix(maximumBatch))
            pending.removeFirst(batch.count)
            do {
                try await write(batch.map(\.0))
                for (_, continuation) in batch { continuation.resume() }
            } catch {
                for (turn, continuation) in batch {
                    do {
                        try await write([turn])
                        continuation.resume()
                    } catch {
                        continuation.resume(throwing: StoreError.classify(error, conflict: "chat turn"))
                    }
                }
            }
        }
        flushing = false
    }
}
