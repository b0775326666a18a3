import Foundation
import SwitchyardCore

extension ChatService {
    /// The reply already stored for this request's idempotency key: in the request's session, or, for a first
    /// message, in the session that a turn with this key opened.
    func storedReply(
        to request: ChatTurnRequest, user: User, bot: Bot, config: BotLLMConfig
    ) async throws -> ChatTurnReply? {
        guard let key = request.idempotencyKey else { return nil }
        var session: ChatSession?
        if let id = request.sessionID {
            session = try await chats.session(id: id)
        } else {
            session = try await chats.openedSession(userID: user.id, botID: bot.id, idempotencyKey: key)
        }
        guard let session, let stored = try await chats.reply(sessionID: session.id, idempotencyKey: key) else {
            return nil
        }
        var balance: Int64?
        if let pricing = session.pricing {
            balance = try await wallets.wallet(userID: user.id, currency: pricing.currency)?.balance ?? 0
        }
        return ChatTurnReply(
            message: stored.content, sessionID: session.id, messageID: stored.id, usage: stored.usage ?? .zero,
            provider: stored.provider, model: stored.model, configID: stored.configID ?? config.id,
            charge: stored.charge ?? 0, balance: balance, currency: session.pricing?.currency,
            interrupted: stored.interrupted)
    }

    /// The config that serves a turn of an existing session. In a running experiment (a config with a weight) a
    /// session assigned to one of its variants stays on it; otherwise every turn uses the currently active config,
    /// so that activating another config switches every session at its next turn, as the reference does.
    static func config(continuing session: ChatSession, configs: [BotLLMConfig]) -> BotLLMConfig? {
        if let pinned = configs.first(where: { $0.id == session.configID && $0.weight > 0 }) { return pinned }
        return configs.first(where: \.isActive) ?? configs.first(where: { $0.id == session.configID })
    }

    /// Resumes the caller's session, or starts one assigned to a variant: the weighted configs split new sessions
    /// by a stable hash of the session id; with no weights the active config serves. A new session locks the bot's
    /// current pricing.
    func sessionAndConfig(
        _ request: ChatTurnRequest, user: User, bot: Bot, configs all: [BotLLMConfig]
    ) async throws
        -> (ChatSession, Bool, BotLLMConfig)
    {
        if let id = request.sessionID {
            guard let session = try await chats.session(id: id), session.userID == user.id, session.botID == bot.id,
                session.deletedAt == nil
            else { throw ChatFailure.notFound("No session \(id.uuidString.lowercased()) with this bot.") }
            guard let config = Self.config(continuing: session, configs: all) else {
                throw ChatFailure.notConfigured(botName: bot.name)
            }
            return (session, false, config)
        }
        let sessionID = makeSessionID()
        let variant = VariantAssignment.pick(all.map { ($0.id, $0.weight) }, sessionID: sessionID)
        guard let config = all.first(where: { $0.id == variant }) ?? all.first(where: \.isActive) else {
            throw ChatFailure.notConfigured(botName: bot.name)
        }
        let session = ChatSession(
            id: sessionID, userID: user.id, botID: bot.id, configID: config.id, openingKey: request.idempotencyKey,
            pricing: bot.pricing?.isPaid == true ? bot.pricing : nil, createdAt: now())
        return (session, true, config)
    }
}
