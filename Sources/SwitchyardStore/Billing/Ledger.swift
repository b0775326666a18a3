import Foundation
import SQLKit
import SwitchyardCore

/// A wallet row as the ledger statements return it.
struct WalletRow: Sendable {
    var id: UUID
    var balance: WalletBalance
    /// How many entries the wallet has: the last entry's `seq`.
    var version: Int64

    init(_ row: any SQLRow) throws {
        id = try row.decode(column: "id", as: UUID.self)
        balance = WalletBalance(
            currency: try row.decode(column: "currency", as: String.self),
            balance: try row.decode(column: "balance", as: Int64.self),
            held: try row.decode(column: "held", as: Int64.self))
        version = try row.decode(column: "version", as: Int64.self)
    }
}

/// The ledger's operations, each written once against a ``StatementReader`` that runs inside one write transaction
/// (``TransactionalStore``): on SQLite, statements through the single writer while the write gate is held; on
/// PostgreSQL, on one connection in `BEGIN … COMMIT`. Each operation changes the wallet row with one conditional
/// update and appends its entries with the wallet's next sequence numbers, so the cached balance and held sum always
/// equal the sums of the entries.
enum Ledger {
    static func placeHold(_ request: HoldRequest, now: Date, on tx: any StatementReader) async throws -> HoldOutcome {
        // A copy of this request holds already (in this batch, or committed). A copy on another replica that has not
        // committed yet is caught by the pending-request index instead (see ``WriteBatcher``).
        // A key made for this turn alone (no idempotency key) cannot have a copy.
        if !request.requestKey.hasPrefix(HoldRequest.uniqueKeyPrefix) {
            let pending = try await tx.rows(
                LedgerStatements.pendingHold(
                    userID: request.userID, currency: request.currency, requestKey: request.requestKey)
            ) { try $0.decode(column: "id", as: UUID.self) }
            if !pending.isEmpty { return .inFlight }
        }
        let holdID = UUID.timeOrdered(at: now)
        if tx.hasWritableCTEs {
            let placed = try await tx.rows(
                LedgerStatements.placeHoldAtOnce(holdID, entryID: .timeOrdered(at: now), request: request, now: now),
                WalletRow.init)
            if !placed.isEmpty { return .placed(holdID: holdID) }
            return try await insufficient(request, on: tx)
        }
        guard
            let wallet = try await tx.rows(
                LedgerStatements.reserve(userID: request.userID, currency: request.currency, amount: request.amount),
                WalletRow.init
            ).first
        else { return try await insufficient(request, on: tx) }
        _ = try await tx.rows(LedgerStatements.insertHold(holdID, walletID: wallet.id, request: request, now: now)) {
            _ in ()
        }
        try await append(
            LedgerEntry(
                currency: request.currency, sequence: wallet.version, kind: .hold, amount: 0,
                heldDelta: request.amount, holdID: holdID, sessionID: request.sessionID,
                idempotencyKey: "hold:\(holdID.uuidString.lowercased())", createdAt: now),
            walletID: wallet.id, on: tx)
        return .placed(holdID: holdID)
    }

    private static func insufficient(_ request: HoldRequest, on tx: any StatementReader) async throws -> HoldOutcome {
        let existing = try await tx.rows(
            LedgerStatements.wallet(userID: request.userID, currency: request.currency), WalletRow.init
        ).first
        return .insufficient(available: existing?.balance.available ?? 0)
    }

    /// Takes the turn's charge (capped at the hold) and releases the rest, if the hold is pending and unexpired: one
    /// `settle` entry whose `held_delta` is the whole hold.
    static func settle(
        _ settlement: Settlement, turnID: UUID, now: Date, on tx: any StatementReader
    ) async throws
        -> TurnReceipt
    {
        if tx.hasWritableCTEs {
            let settled = try await tx.rows(
                LedgerStatements.settleAtOnce(settlement, entryID: .timeOrdered(at: now), turnID: turnID, now: now)
            ) { (try WalletRow($0), try $0.decode(column: "charged", as: Int64.self)) }
            guard let (wallet, charge) = settled.first else { return TurnReceipt(settlementRefused: true) }
            return TurnReceipt(charge: charge, wallet: wallet.balance)
        }
        guard
            let hold = try await resolve(
                settlement.holdID, as: .settled, charged: max(settlement.charge, 0), now: now, on: tx)
        else { return TurnReceipt(settlementRefused: true) }
        let charge = hold.charged
        // One entry: the charge leaves the balance, and the whole hold leaves the held sum (its unused part is
        // released with it).
        let wallet = try await apply(walletID: hold.walletID, amount: -charge, held: -hold.amount, entries: 1, on: tx)
        try await append(
            LedgerEntry(
                currency: wallet.balance.currency, sequence: wallet.version, kind: .settle, amount: -charge,
                heldDelta: -hold.amount, holdID: settlement.holdID, sessionID: hold.sessionID, turnID: turnID,
                idempotencyKey: "resolve:\(settlement.holdID.uuidString.lowercased())", createdAt: now),
            walletID: wallet.id, on: tx)
        return TurnReceipt(charge: charge, wallet: wallet.balance)
    }

    /// Voids a pending hold: `released` by its request, or `expired` by the sweeper once its time has passed.
    /// - Returns: Whether it was pending (and is now resolved).
    static func void(
        _ holdID: UUID, as resolution: LedgerStatements.Resolution, now: Date, on tx: any StatementReader
    ) async throws -> Bool {
        guard let hold = try await resolve(holdID, as: resolution, charged: 0, now: now, on: tx) else { return false }
        let wallet = try await apply(walletID: hold.walletID, amount: 0, held: -hold.amount, entries: 1, on: tx)
        try await append(
            LedgerEntry(
                currency: wallet.balance.currency, sequence: wallet.version, kind: .release, amount: 0,
                heldDelta: -hold.amount, holdID: holdID, sessionID: hold.sessionID,
                idempotencyKey: "resolve:\(holdID.uuidString.lowercased())",
                reason: resolution == .expired ? "hold expired" : "turn failed", createdAt: now),
            walletID: wallet.id, on: tx)
        return true
    }

    /// Records a credit once per key. A refund of a turn is checked against what the turn was charged, after the
    /// wallet row is locked by its update, so two refunds of one turn cannot both pass.
    static func credit(
        _ credit: Credit, now: Date, on tx: any StatementReader
    ) async throws
        -> (LedgerEntry, WalletBalance, replayed: Bool)
    {
        if let replay = try await replay(of: credit, on: tx) { return replay }
        _ = try await tx.rows(
            LedgerStatements.ensureWallet(userID: credit.userID, currency: credit.currency, now: now)
        ) { _ in () }
        guard
            let wallet = try await tx.rows(
                LedgerStatements.credit(userID: credit.userID, currency: credit.currency, amount: credit.amount),
                WalletRow.init
            ).first
        else { throw StoreError.notFound("wallet") }
        if let turnID = credit.turnID {
            guard
                let turn = try await tx.rows(
                    LedgerStatements.turnCharge(turnID: turnID, userID: credit.userID),
                    {
                        (
                            try $0.decode(column: "charge", as: Int64?.self),
                            PricingColumn.pricing(try $0.decode(column: "pricing", as: String?.self))
                        )
                    }
                ).first, let charged = turn.0, turn.1?.currency == credit.currency
            else { throw CreditError.unknownTurn }
            let refunded =
                try await tx.rows(LedgerStatements.refunded(walletID: wallet.id, turnID: turnID)) {
                    try $0.decode(column: "total", as: Int64.self)
                }.first ?? 0
            guard refunded + credit.amount <= charged else {
                throw CreditError.exceedsCharge(refundable: max(0, charged - refunded))
            }
        }
        let entry = LedgerEntry(
            currency: credit.currency, sequence: wallet.version, kind: credit.kind, amount: credit.amount,
            heldDelta: 0, turnID: credit.turnID, idempotencyKey: credit.idempotencyKey, reason: credit.reason,
            createdAt: now)
        try await append(entry, walletID: wallet.id, on: tx)
        return (entry, wallet.balance, false)
    }

    /// The entry an earlier credit with the same key wrote, if the credit is the same; a different credit with the
    /// same key is refused.
    static func replay(
        of credit: Credit, on reader: any StatementReader
    ) async throws
        -> (LedgerEntry, WalletBalance, replayed: Bool)?
    {
        guard
            let entry = try await reader.rows(
                LedgerStatements.entry(
                    userID: credit.userID, currency: credit.currency, idempotencyKey: credit.idempotencyKey),
                { try $0.ledgerEntry() }
            ).first
        else { return nil }
        guard entry.kind == credit.kind, entry.amount == credit.amount, entry.turnID == credit.turnID else {
            throw CreditError.keyReused
        }
        let wallet = try await reader.rows(
            LedgerStatements.wallet(userID: credit.userID, currency: credit.currency), WalletRow.init
        ).first
        return (entry, wallet?.balance ?? WalletBalance(currency: credit.currency, balance: 0, held: 0), true)
    }

    private struct ResolvedHold {
        var walletID: UUID
        var sessionID: UUID
        var amount: Int64
        var charged: Int64
    }

    private static func resolve(
        _ id: UUID, as resolution: LedgerStatements.Resolution, charged: Int64, now: Date,
        on tx: any StatementReader
    ) async throws -> ResolvedHold? {
        try await tx.rows(LedgerStatements.resolveHold(id, as: resolution, charged: charged, now: now)) {
            ResolvedHold(
                walletID: try $0.decode(column: "wallet_id", as: UUID.self),
                sessionID: try $0.decode(column: "session_id", as: UUID.self),
                amount: try $0.decode(column: "amount", as: Int64.self),
                charged: try $0.decode(column: "charged", as: Int64.self))
        }.first
    }

    private static func apply(
        walletID: UUID, amount: Int64, held: Int64, entries: Int64, on tx: any StatementReader
    ) async throws -> WalletRow {
        guard
            let wallet = try await tx.rows(
                LedgerStatements.apply(walletID: walletID, amount: amount, held: held, entries: entries),
                WalletRow.init
            ).first
        else { throw StoreError.notFound("wallet \(walletID)") }
        return wallet
    }

    private static func append(_ entry: LedgerEntry, walletID: UUID, on tx: any StatementReader) async throws {
        _ = try await tx.rows(LedgerStatements.insertEntry(walletID: walletID, entry)) { _ in () }
    }
}

extension SQLRow {
    func ledgerEntry() throws -> LedgerEntry {
        LedgerEntry(
            id: try decode(column: "id", as: UUID.self), currency: try decode(column: "currency", as: String.self),
            sequence: try decode(column: "seq", as: Int64.self),
            kind: LedgerEntry.Kind(rawValue: try decode(column: "kind", as: String.self)) ?? .adjustment,
            amount: try decode(column: "amount", as: Int64.self),
            heldDelta: try decode(column: "held_delta", as: Int64.self),
            holdID: try decode(column: "hold_id", as: UUID?.self),
            sessionID: try decode(column: "session_id", as: UUID?.self),
            turnID: try decode(column: "turn_id", as: UUID?.self),
            idempotencyKey: try decode(column: "idempotency_key", as: String.self),
            reason: try decode(column: "reason", as: String?.self),
            createdAt: try decode(column: "created_at", as: Date.self))
    }
}
