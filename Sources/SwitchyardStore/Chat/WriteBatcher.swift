import Foundation
import SwitchyardCore

/// A chat turn waiting to be written.
struct PendingTurn: Sendable {
    var newSession: ChatSession?
    var user: StoredMessage
    var reply: StoredMessage
    var settlement: Settlement?
}

/// A write that joins a group commit: a turn (with its settlement, if paid), or a paid turn's hold.
enum BatchedWrite: Sendable {
    case turn(PendingTurn)
    case hold(HoldRequest, now: Date)
}

/// What a batched write did.
enum BatchedResult: Sendable {
    case turn(TurnReceipt)
    case hold(HoldOutcome)
}

/// Group commit: writes that arrive while a write is in flight are written together in the next transaction, so one
/// commit (on SQLite, one trip through its single writer; on PostgreSQL, one WAL flush and a few statements) serves
/// many turns and holds. Each caller still returns only after its own write is committed. If a batch fails, its writes
/// are retried one by one so that one bad write cannot fail the others; a turn refused by a unique constraint (an
/// idempotency or opening key already used) fails with ``StoreError/conflict(_:)``, and a hold refused by the
/// pending-request index (a copy of the request on another replica holds already) answers ``HoldOutcome/inFlight``.
actor WriteBatcher {
    /// Writes in one transaction. - Returns: Each write's result, in order.
    typealias Write = @Sendable ([BatchedWrite]) async throws -> [BatchedResult]

    private var pending: [(BatchedWrite, CheckedContinuation<BatchedResult, any Error>)] = []
    private var flushing = false
    private let write: Write
    let maximumBatch: Int

    init(maximumBatch: Int = 256, write: @escaping Write) {
        self.maximumBatch = maximumBatch
        self.write = write
    }

    func submit(_ item: BatchedWrite) async throws -> BatchedResult {
        try await withCheckedThrowingContinuation { continuation in
            pending.append((item, continuation))
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
                let results = try await write(batch.map(\.0))
                for ((_, continuation), result) in zip(batch, results) { continuation.resume(returning: result) }
            } catch {
                for (item, continuation) in batch {
                    do {
                        guard let result = try await write([item]).first else { throw StoreError.notFound("result") }
                        continuation.resume(returning: result)
                    } catch {
                        if case .hold = item, StoreError.isUniqueViolation(error) {
                            continuation.resume(returning: .hold(.inFlight))
                        } else {
                            continuation.resume(throwing: StoreError.classify(error, conflict: "chat turn"))
                        }
                    }
                }
            }
        }
        flushing = false
    }
}

extension BatchedWrite {
    /// Whether the write is a free turn: a batch of only those needs no ledger statement.
    var isFreeTurn: Bool {
        if case .turn(let turn) = self { return turn.settlement == nil }
        return false
    }
}
