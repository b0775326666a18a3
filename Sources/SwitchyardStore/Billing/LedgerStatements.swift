import Foundation
import SwitchyardCore

/// The wallet and ledger statements, shared by both databases (see ``StoreStatement``). Every change to a wallet is
/// one conditional `UPDATE … RETURNING`, so the check and the change are one atomic step on either database.
enum LedgerStatements {
    static let walletColumns = "id, currency, balance, held, version"

    /// Reserves `amount` if the available balance covers it.
    static func reserve(userID: UUID, currency: String, amount: Int64) -> StoreStatement {
        StoreStatement(
            """
            UPDATE wallets SET held = held + ?, version = version + 1
            WHERE user_id = ? AND currency = ? AND balance - held >= ? RETURNING \(walletColumns)
            """, [.integer(amount), .uuid(userID), .text(currency), .integer(amount)])
    }

    static func wallet(userID: UUID, currency: String) -> StoreStatement {
        StoreStatement(
            "SELECT \(walletColumns) FROM wallets WHERE user_id = ? AND currency = ?", [.uuid(userID), .text(currency)])
    }

    static func wallets(userID: UUID) -> StoreStatement {
        StoreStatement("SELECT \(walletColumns) FROM wallets WHERE user_id = ? ORDER BY currency", [.uuid(userID)])
    }

    static func insertHold(_ id: UUID, walletID: UUID, request: HoldRequest, now: Date) -> StoreStatement {
        StoreStatement(
            """
            INSERT INTO wallet_holds (id, wallet_id, session_id, request_key, amount, state, created_at, expires_at)
            VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)
            """,
            [
                .uuid(id), .uuid(walletID), .uuid(request.sessionID), .text(request.requestKey),
                .integer(request.amount), .date(now), .date(request.expiresAt),
            ])
    }

    /// How a pending hold is resolved, and which pending holds qualify.
    enum Resolution: String {
        /// Settled before it expired.
        case settled
        /// Voided by its request (a failed turn).
        case released
        /// Voided by the sweeper after it expired.
        case expired
    }

    /// Moves a pending hold to its final state, once: the `state = 'pending'` condition makes a second resolution
    /// find nothing. A settlement also requires the hold not to have expired; an expiry requires that it has.
    static func resolveHold(_ id: UUID, as resolution: Resolution, charged: Int64, now: Date) -> StoreStatement {
        let timing =
            switch resolution {
            case .settled: " AND expires_at > ?"
            case .expired: " AND expires_at <= ?"
            case .released: ""
            }
        // The charge is capped at the hold in the statement: a hold is the most a turn can cost.
        var binds: [StoreBind] = [
            .text(resolution.rawValue), .integer(charged), .integer(charged), .date(now), .uuid(id),
        ]
        if resolution != .released { binds.append(.date(now)) }
        return StoreStatement(
            """
            UPDATE wallet_holds SET state = ?, charged = CASE WHEN ? < amount THEN ? ELSE amount END, resolved_at = ?
            WHERE id = ? AND state = 'pending'\(timing) RETURNING wallet_id, session_id, amount, charged
            """, binds)
    }

    /// Applies a change to a wallet and counts its entries.
    static func apply(walletID: UUID, amount: Int64, held: Int64, entries: Int64) -> StoreStatement {
        StoreStatement(
            """
            UPDATE wallets SET balance = balance + ?, held = held + ?, version = version + ?
            WHERE id = ? RETURNING \(walletColumns)
            """, [.integer(amount), .integer(held), .integer(entries), .uuid(walletID)])
    }

    /// Creates the user's wallet in `currency` unless it exists.
    static func ensureWallet(userID: UUID, currency: String, now: Date) -> StoreStatement {
        StoreStatement(
            """
            INSERT INTO wallets (id, user_id, currency, balance, held, version, created_at)
            VALUES (?, ?, ?, 0, 0, 0, ?) ON CONFLICT (user_id, currency) DO NOTHING
            """, [.uuid(UUID()), .uuid(userID), .text(currency), .date(now)])
    }

    static func credit(userID: UUID, currency: String, amount: Int64) -> StoreStatement {
        StoreStatement(
            """
            UPDATE wallets SET balance = balance + ?, version = version + 1
            WHERE user_id = ? AND currency = ? RETURNING \(walletColumns)
            """, [.integer(amount), .uuid(userID), .text(currency)])
    }

    static func insertEntry(walletID: UUID, _ entry: LedgerEntry) -> StoreStatement {
        StoreStatement(
            """
            INSERT INTO ledger_entries (id, wallet_id, seq, kind, amount, held_delta, hold_id, session_id, turn_id,
              idempotency_key, reason, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .uuid(entry.id), .uuid(walletID), .integer(entry.sequence), .text(entry.kind.rawValue),
                .integer(entry.amount), .integer(entry.heldDelta), .uuid(entry.holdID), .uuid(entry.sessionID),
                .uuid(entry.turnID), .text(entry.idempotencyKey), .text(entry.reason), .date(entry.createdAt),
            ])
    }

    static let entryColumns = """
        e.id, e.seq, e.kind, e.amount, e.held_delta, e.hold_id, e.session_id, e.turn_id, e.idempotency_key, e.reason,
        e.created_at, w.currency
        """

    static func entry(userID: UUID, currency: String, idempotencyKey: String) -> StoreStatement {
        StoreStatement(
            """
            SELECT \(entryColumns) FROM ledger_entries e JOIN wallets w ON w.id = e.wallet_id
            WHERE w.user_id = ? AND w.currency = ? AND e.idempotency_key = ?
            """, [.uuid(userID), .text(currency), .text(idempotencyKey)])
    }

    static func entries(userID: UUID, limit: Int, offset: Int) -> StoreStatement {
        StoreStatement(
            """
            SELECT \(entryColumns) FROM ledger_entries e JOIN wallets w ON w.id = e.wallet_id
            WHERE w.user_id = ? ORDER BY e.created_at DESC, e.seq DESC LIMIT ? OFFSET ?
            """, [.uuid(userID), .integer(Int64(limit)), .integer(Int64(offset))])
    }

    /// A reply's charge and its session's locked pricing, if the reply is in one of the user's sessions.
    static func turnCharge(turnID: UUID, userID: UUID) -> StoreStatement {
        StoreStatement(
            """
            SELECT m.charge AS charge, s.pricing AS pricing FROM chat_messages m
            JOIN chat_sessions s ON s.id = m.session_id
            WHERE m.id = ? AND s.user_id = ? AND m.role = 'assistant'
            """, [.uuid(turnID), .uuid(userID)])
    }

    static func refunded(walletID: UUID, turnID: UUID) -> StoreStatement {
        StoreStatement(
            """
            SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) AS total FROM ledger_entries
            WHERE wallet_id = ? AND kind = 'refund' AND turn_id = ?
            """, [.uuid(walletID), .uuid(turnID)])
    }

    static func expiredHolds(now: Date, limit: Int) -> StoreStatement {
        StoreStatement(
            "SELECT id FROM wallet_holds WHERE state = 'pending' AND expires_at <= ? ORDER BY expires_at LIMIT ?",
            [.date(now), .integer(Int64(limit))])
    }

    static func pendingHold(userID: UUID, currency: String, requestKey: String) -> StoreStatement {
        StoreStatement(
            """
            SELECT h.id FROM wallet_holds h JOIN wallets w ON w.id = h.wallet_id
            WHERE w.user_id = ? AND w.currency = ? AND h.request_key = ? AND h.state = 'pending'
            """, [.uuid(userID), .text(currency), .text(requestKey)])
    }

    // MARK: PostgreSQL: one round trip per operation

    /// PostgreSQL: reserves, inserts the hold and appends its entry in one statement (writable CTEs); returns the
    /// wallet when the available balance covered the hold, no row otherwise.
    static func placeHoldAtOnce(_ holdID: UUID, entryID: UUID, request: HoldRequest, now: Date) -> StoreStatement {
        StoreStatement(
            """
            WITH w AS (
              UPDATE wallets SET held = held + ?, version = version + 1
              WHERE user_id = ? AND currency = ? AND balance - held >= ? RETURNING \(walletColumns)),
            h AS (
              INSERT INTO wallet_holds (id, wallet_id, session_id, request_key, amount, state, created_at, expires_at)
              SELECT ?, w.id, ?, ?, ?, 'pending', ?, ? FROM w),
            e AS (
              INSERT INTO ledger_entries (wallet_id, seq, id, kind, amount, held_delta, hold_id, session_id,
                idempotency_key, created_at)
              SELECT w.id, w.version, ?, 'hold', 0, ?, ?, ?, ?, ? FROM w)
            SELECT \(walletColumns) FROM w
            """,
            [
                .integer(request.amount), .uuid(request.userID), .text(request.currency), .integer(request.amount),
                .uuid(holdID), .uuid(request.sessionID), .text(request.requestKey), .integer(request.amount),
                .date(now), .date(request.expiresAt),
                .uuid(entryID), .integer(request.amount), .uuid(holdID), .uuid(request.sessionID),
                .text("hold:\(holdID.uuidString.lowercased())"), .date(now),
            ])
    }

    /// PostgreSQL: settles a pending, unexpired hold (the charge capped at it), updates the wallet and appends the
    /// `settle` entry in one statement; returns the wallet and the charge, or no row when the hold was not pending.
    static func settleAtOnce(_ settlement: Settlement, entryID: UUID, turnID: UUID, now: Date) -> StoreStatement {
        StoreStatement(
            """
            WITH h AS (
              UPDATE wallet_holds SET state = 'settled', charged = LEAST(?, amount), resolved_at = ?
              WHERE id = ? AND state = 'pending' AND expires_at > ? RETURNING wallet_id, session_id, amount, charged),
            w AS (
              UPDATE wallets SET balance = wallets.balance - h.charged, held = wallets.held - h.amount,
                version = wallets.version + 1
              FROM h WHERE wallets.id = h.wallet_id
              RETURNING wallets.id, wallets.currency, wallets.balance, wallets.held, wallets.version, h.charged,
                h.session_id, h.amount),
            e AS (
              INSERT INTO ledger_entries (wallet_id, seq, id, kind, amount, held_delta, hold_id, session_id, turn_id,
                idempotency_key, created_at)
              SELECT w.id, w.version, ?, 'settle', -w.charged, -w.amount, ?, w.session_id, ?, ?, ? FROM w)
            SELECT id, currency, balance, held, version, charged FROM w
            """,
            [
                .integer(max(settlement.charge, 0)), .date(now), .uuid(settlement.holdID), .date(now),
                .uuid(entryID), .uuid(settlement.holdID), .uuid(turnID),
                .text("resolve:\(settlement.holdID.uuidString.lowercased())"), .date(now),
            ])
    }
}
