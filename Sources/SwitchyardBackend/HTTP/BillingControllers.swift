import Foundation
import Hummingbird
import SwitchyardCore
import SwitchyardHTTP

/// The user's sessions and wallet: `GET /v1/sessions/{id}`, `POST /v1/sessions/{id}/end`, `GET /v1/wallet`.
struct UserBillingController<Context: UserAuthenticatedContext>: Sendable {
    let chats: any ChatRepository
    let wallets: any WalletRepository
    let sessionIdleMinutes: Int

    func register(on group: RouteRegistrar<RouterGroup<Context>>) {
        group.get("/v1/sessions/{id}", use: session)
        group.post("/v1/sessions/{id}/end", use: end)
        group.get("/v1/wallet", use: wallet)
    }

    private func ownSession(_ context: Context) async throws -> (User, ChatSession) {
        try await UserController<Context>.ownSession(context, chats: chats)
    }

    @Sendable func session(_ request: Request, context: Context) async throws -> Response {
        let (_, session) = try await ownSession(context)
        let totals = try await chats.sessionTotals(id: session.id)
        let ended = SessionEnd.hasEnded(
            endedAt: session.endedAt,
            lastTurnAt: try await chats.recentMessages(sessionID: session.id, limit: 1).last?.createdAt, now: Date(),
            idleMinutes: sessionIdleMinutes)
        return try JSONCoding.response(
            SessionDTO(
                id: LowercaseUUID(session.id), botID: LowercaseUUID(session.botID), isPaid: session.pricing != nil,
                pricing: session.pricing,
                charged: totals.charged, turns: totals.turns, state: ended ? "ended" : "active",
                endedAt: session.endedAt, createdAt: session.createdAt))
    }

    @Sendable func end(_ request: Request, context: Context) async throws -> Response {
        let (_, session) = try await ownSession(context)
        _ = try await chats.endSession(id: session.id, at: Date())
        return try await self.session(request, context: context)
    }

    @Sendable func wallet(_ request: Request, context: Context) async throws -> Response {
        let user = try UserController<Context>.user(context)
        let query = request.uri.queryParameters
        let limit = min(max(Int(query.get("limit") ?? "") ?? 50, 1), 200)
        let offset = max(Int(query.get("offset") ?? "") ?? 0, 0)
        let entries = try await wallets.entries(userID: user.id, limit: limit, offset: offset)
        return try JSONCoding.response(
            WalletsDTO(
                wallets: try await wallets.wallets(userID: user.id).map(WalletDTO.init),
                entries: entries.map(LedgerEntryDTO.init), nextOffset: entries.count == limit ? offset + limit : nil))
    }
}

/// Operators credit wallets: `POST /admin/v1/users/{external_id}/wallet/topups` and `…/refunds`, each once per
/// idempotency key.
struct AdminWalletsController<Context: RequestContext>: Sendable {
    let users: any UserRepository
    let wallets: any WalletRepository
    let limit: Int

    func register(on group: RouteRegistrar<RouterGroup<Context>>) {
        group.post("/admin/v1/users/{external_id}/wallet/topups") { request, context in
            try await credit(request, context: context, kind: .topup)
        }
        group.post("/admin/v1/users/{external_id}/wallet/refunds") { request, context in
            try await credit(request, context: context, kind: .refund)
        }
    }

    private func credit(_ request: Request, context: Context, kind: LedgerEntry.Kind) async throws -> Response {
        let externalID = try context.parameters.require("external_id")
        let input = try await JSONCoding.decode(CreditInput.self, from: request, limit: limit)
        let (entry, wallet, replayed) = try await credit(externalID: externalID, input, kind: kind)
        return try JSONCoding.response(
            CreditDTO(entry: LedgerEntryDTO(entry), wallet: WalletDTO(wallet), replayed: replayed),
            status: replayed ? .ok : .created)
    }

    /// Credits a user's wallet (a top-up or a refund) once per idempotency key, validated before anything is written.
    /// - Returns: The entry, the wallet after it, and whether the key had been used for this credit already.
    func credit(
        externalID: String, _ input: CreditInput, kind: LedgerEntry.Kind
    ) async throws -> (
        LedgerEntry, WalletBalance, replayed: Bool
    ) {
        guard (1...Pricing.maximumPart * 1000).contains(input.amount) else {
            throw APIError.invalidRequest(
                "`amount` must be a positive integer of minor units, at most \(Pricing.maximumPart * 1000).",
                param: "amount")
        }
        if let problem = Pricing(currency: input.currency).problem() {
            throw APIError.invalidRequest(
                problem.replacingOccurrences(of: "pricing.currency", with: "currency"), param: "currency")
        }
        guard (1...200).contains(input.idempotencyKey.count) else {
            throw APIError.invalidRequest("`idempotency_key` must be 1 to 200 characters.", param: "idempotency_key")
        }
        if kind == .topup, input.turnID != nil {
            throw APIError.invalidRequest("A top-up takes no `turn_id`.", param: "turn_id")
        }
        let user = try await users.findOrCreateUser(externalID: externalID)
        let credit = Credit(
            userID: user.id, currency: input.currency, amount: input.amount, kind: kind,
            idempotencyKey: input.idempotencyKey, reason: input.reason, turnID: input.turnID)
        do {
            return try await wallets.credit(credit, now: Date())
        } catch let error as CreditError {
            switch error {
            case .keyReused:
                throw APIError(
                    .conflict, type: "invalid_request_error", code: "idempotency_key_reused", param: "idempotency_key",
                    message: "This `idempotency_key` was already used for a different amount, currency or turn.")
            case .unknownTurn:
                throw APIError.invalidRequest(
                    "`turn_id` is not a charged reply of this user in \(input.currency).", param: "turn_id")
            case .exceedsCharge(let refundable):
                throw APIError(
                    .unprocessableContent, type: "invalid_request_error", code: "refund_exceeds_charge",
                    param: "amount",
                    message:
                        "Refunds of this turn would exceed what it was charged; \(refundable) can still be refunded.")
            }
        }
    }
}
