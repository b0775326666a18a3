import Foundation
import SwitchyardCore

/// A chat turn waiting to be written.
struct PendingTurn: Sendable {
    var newSession: ChatSession?
    var user: StoredMessage
    var reply: StoredMessage
    var settlement: Settlement?
}

/// Group commit: turns that arrive while a write is in flight are written together in the next transaction, so one
/// commit (on SQLite, one trip through its single writer; on PostgreSQL, one WAL flush and a few statements) serves
/// many turns. Each caller still returns only after its own turn is committed. If a batch fails, its turns are retried
/// one by one so that one bad turn cannot fail the others; a turn refused by a unique constraint (an idempotency or
/// opening key already used) fails with ``StoreError/conflict(_:)``.
actor TurnBatcher {
    /// Writes turns in one transaction. - Returns: Each turn's receipt, in order.
    typealias Write = @Sendable ([PendingTurn]) async throws -> [TurnReceipt]

    private var pending: [(PendingTurn, CheckedContinuation<TurnReceipt, any Error>)] = []
    private var flushing = false
    private let write: Write
    let maximumBatch: Int

    init(maximumBatch: Int = 256, write: @escaping Write) {
        self.maximumBatch = maximumBatch
        self.write = write
    }

    func submit(_ turn: PendingTurn) async throws -> TurnReceipt {
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
                let receipts = try await write(batch.map(\.0))
                for ((_, continuation), receipt) in zip(batch, receipts) { continuation.resume(returning: receipt) }
            } catch {
                for (turn, continuation) in batch {
                    do {
                        continuation.resume(returning: try await write([turn]).first ?? .free)
                    } catch {
                        continuation.resume(throwing: StoreError.classify(error, conflict: "chat turn"))
                    }
                }
            }
        }
        flushing = false
    }
}
