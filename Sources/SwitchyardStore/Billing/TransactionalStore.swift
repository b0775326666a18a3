import Foundation
import SQLKit
import SwitchyardCore

/// A store that can run several statements as one write transaction.
protocol TransactionalStore: Sendable {
    /// Runs `body` in one write transaction, committed when it returns and rolled back when it throws. The reader it
    /// gets runs statements inside the transaction (writes too).
    func writeTransaction<T: Sendable>(
        _ body: @escaping @Sendable (any StatementReader) async throws -> T
    )
        async throws -> T
}

extension StatementChatStore {
    /// The hold joins the group commit of ``WriteBatcher``, beside other holds and turns.
    func placeHold(_ request: HoldRequest, now: Date) async throws -> HoldOutcome {
        guard case .hold(let outcome) = try await batcher.submit(.hold(request, now: now)) else {
            throw StoreError.notFound("hold outcome")
        }
        return outcome
    }

    @discardableResult func releaseHold(_ holdID: UUID, now: Date) async throws -> Bool {
        try await writeTransaction { try await Ledger.void(holdID, as: .released, now: now, on: $0) }
    }

    func pendingHold(userID: UUID, currency: String, requestKey: String) async throws -> Bool {
        try await !rows(LedgerStatements.pendingHold(userID: userID, currency: currency, requestKey: requestKey)) {
            try $0.decode(column: "id", as: UUID.self)
        }.isEmpty
    }

    /// Each expiry is its own transaction, so a hold settled meanwhile is simply skipped (its state is no longer
    /// pending).
    func expireHolds(now: Date, limit: Int) async throws -> Int {
        let due = try await rows(LedgerStatements.expiredHolds(now: now, limit: limit)) {
            try $0.decode(column: "id", as: UUID.self)
        }
        var expired = 0
        for id in due where try await writeTransaction({ try await Ledger.void(id, as: .expired, now: now, on: $0) }) {
            expired += 1
        }
        return expired
    }

    func credit(_ credit: Credit, now: Date) async throws -> (LedgerEntry, WalletBalance, replayed: Bool) {
        do {
            return try await writeTransaction { try await Ledger.credit(credit, now: now, on: $0) }
        } catch  where StoreError.isUniqueViolation(error) {
            // The same key arrived twice at once and the other copy committed first.
            guard let replay = try await Ledger.replay(of: credit, on: self) else { throw error }
            return replay
        }
    }

    func wallets(userID: UUID) async throws -> [WalletBalance] {
        try await rows(LedgerStatements.wallets(userID: userID)) { try WalletRow($0).balance }
    }

    func wallet(userID: UUID, currency: String) async throws -> WalletBalance? {
        try await rows(LedgerStatements.wallet(userID: userID, currency: currency)) { try WalletRow($0).balance }.first
    }

    func entries(userID: UUID, limit: Int, offset: Int) async throws -> [LedgerEntry] {
        try await rows(LedgerStatements.entries(userID: userID, limit: limit, offset: offset)) {
            try $0.ledgerEntry()
        }
    }

    /// Applies a batch in `tx`'s transaction: places its holds, settles its paid turns, then stores its turns with
    /// their charges (`writeTurns`, the database's own multi-row path).
    /// - Returns: Each write's result, in order.
    static func apply(
        _ writes: [BatchedWrite], on tx: any StatementReader,
        writeTurns: @Sendable ([PendingTurn]) async throws -> Void
    ) async throws -> [BatchedResult] {
        var results: [BatchedResult] = []
        var turns: [PendingTurn] = []
        for write in writes {
            switch write {
            case .hold(let request, let now):
                results.append(.hold(try await Ledger.placeHold(request, now: now, on: tx)))
            case .turn(var turn):
                var receipt = TurnReceipt.free
                if let settlement = turn.settlement {
                    receipt = try await Ledger.settle(settlement, turnID: turn.reply.id, now: Date(), on: tx)
                    turn.reply.charge = receipt.charge
                }
                turns.append(turn)
                results.append(.turn(receipt))
            }
        }
        if !turns.isEmpty { try await writeTurns(turns) }
        return results
    }
}
