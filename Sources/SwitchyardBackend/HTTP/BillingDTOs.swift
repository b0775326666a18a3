import Foundation
import SwitchyardCore
import SwitchyardHTTP

/// A wallet as `GET /v1/wallet` shows it.
struct WalletDTO: Encodable, Sendable {
    var currency: String
    var balance: Int64
    var available: Int64
    var held: Int64

    init(_ wallet: WalletBalance) {
        currency = wallet.currency
        balance = wallet.balance
        available = wallet.available
        held = wallet.held
    }
}

/// A ledger entry.
struct LedgerEntryDTO: Encodable, Sendable {
    var id: LowercaseUUID
    var currency: String
    var sequence: Int64
    var kind: LedgerEntry.Kind
    var amount: Int64
    var heldDelta: Int64
    var holdID: LowercaseUUID?
    var sessionID: LowercaseUUID?
    var turnID: LowercaseUUID?
    var idempotencyKey: String
    var reason: String?
    var createdAt: Date

    init(_ entry: LedgerEntry) {
        id = LowercaseUUID(entry.id)
        currency = entry.currency
        sequence = entry.sequence
        kind = entry.kind
        amount = entry.amount
        heldDelta = entry.heldDelta
        holdID = entry.holdID.map(LowercaseUUID.init)
        sessionID = entry.sessionID.map(LowercaseUUID.init)
        turnID = entry.turnID.map(LowercaseUUID.init)
        idempotencyKey = entry.idempotencyKey
        reason = entry.reason
        createdAt = entry.createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, currency, sequence, kind, amount, reason
        case heldDelta = "held_delta"
        case holdID = "hold_id"
        case sessionID = "session_id"
        case turnID = "turn_id"
        case idempotencyKey = "idempotency_key"
        case createdAt = "created_at"
    }
}

/// `GET /v1/wallet`.
struct WalletsDTO: Encodable, Sendable {
    var wallets: [WalletDTO]
    var entries: [LedgerEntryDTO]
    /// The offset of the next page of entries, when there may be one.
    var nextOffset: Int?

    enum CodingKeys: String, CodingKey {
        case wallets, entries
        case nextOffset = "next_offset"
    }
}

/// `POST /admin/v1/users/{external_id}/wallet/topups` and `…/refunds`.
struct CreditInput: Decodable, Sendable {
    var amount: Int64
    var currency: String
    var idempotencyKey: String
    var reason: String?
    var turnID: UUID?

    enum CodingKeys: String, CodingKey {
        case amount, currency, reason
        case idempotencyKey = "idempotency_key"
        case turnID = "turn_id"
    }
}

/// The answer to a credit.
struct CreditDTO: Encodable, Sendable {
    var entry: LedgerEntryDTO
    var wallet: WalletDTO
    /// The key was seen before: this is the first request's result, and nothing new was written.
    var replayed: Bool
}

/// `GET /v1/sessions/{id}`.
struct SessionDTO: Encodable, Sendable {
    var id: LowercaseUUID
    var botID: LowercaseUUID
    var isPaid: Bool
    /// The pricing locked when the session started.
    var pricing: Pricing?
    var charged: Int64
    var turns: Int64
    /// `active` or `ended`.
    var state: String
    var endedAt: Date?
    var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, pricing, charged, turns, state
        case botID = "bot_id"
        case isPaid = "is_paid"
        case endedAt = "ended_at"
        case createdAt = "created_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(botID, forKey: .botID)
        try container.encode(isPaid, forKey: .isPaid)
        try container.encode(pricing, forKey: .pricing)
        try container.encode(charged, forKey: .charged)
        try container.encode(turns, forKey: .turns)
        try container.encode(state, forKey: .state)
        try container.encode(endedAt, forKey: .endedAt)
        try container.encode(createdAt, forKey: .createdAt)
    }
}

/// A streamed turn's `error` event: what broke, and what was kept and charged.
struct StreamErrorEvent: Encodable, Sendable {
    struct Body: Encodable, Sendable {
        var code: String
        var message: String
    }

    var error: Body
    var reply: ChatOutput?
}

/// A streamed turn's `delta` event.
struct StreamDeltaEvent: Encodable, Sendable {
    var text: String
}
