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
    func placeHold(_ request: HoldRequest, now: Date) async throws -> HoldOutcome {
        do {
            return try await writeTransaction { try await Ledger.placeHold(request, now: now, on: $0) }
        } catch  where StoreError.isUniqueViolation(error) {
            // The pending-request index refused a second hold with this key: the same request is in flight.
            return .inFlight
        }
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

    /// Settles the batch's paid turns, then stores the turns with their charges; both in `tx`'s transaction.
    /// - Returns: Each turn's receipt, in order.
    static func settle(
        _ turns: inout [PendingTurn], now: Date, on tx: any StatementReader
    ) async throws
        -> [TurnReceipt]
    {
        var receipts: [TurnReceipt] = []
        for index in turns.indices {
            guard let settlement = turns[index].settlement else {
                receipts.append(.free)
                continue
            }
            let receipt = try await Ledger.settle(settlement, turnID: turns[index].reply.id, now: now, on: tx)
            turns[index].reply.charge = receipt.charge
            receipts.append(receipt)
        }
        return receipts
    }
}
