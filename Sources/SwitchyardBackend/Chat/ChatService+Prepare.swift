import Foundation
import SwitchyardCore

extension ChatService {
    enum Preparation: Sendable {
        /// The request repeats a turn already done: its stored reply.
        case stored(ChatTurnReply)
        /// Ready to call the gateway; a paid turn's hold is placed.
        case ready(PreparedTurn)
    }

    /// Everything before the provider call: checks, the session and its config, the prompt, and for a charged turn
    /// the hold of its worst case (402 when the wallet cannot cover it).
    func prepare(_ request: ChatTurnRequest, user: User, slug: String) async throws -> Preparation {
        let text = request.message.trimmingWhitespace()
        guard !text.isEmpty else {
            throw ChatFailure.invalidInput("message", "`message` must not be empty.")
        }
        guard text.count <= settings.maximumMessageCharacters else {
            throw ChatFailure.invalidInput(
                "message", "`message` is longer than \(settings.maximumMessageCharacters) characters.")
        }
        guard let snapshot = try await catalog.chatBot(slug: slug), snapshot.bot.status == .launched else {
            throw ChatFailure.notFound("No bot '\(slug)'.")
        }
        let bot = snapshot.bot
        let missing = bot.requiredFields.filter { $0.isMissing(in: user) }
        if !missing.isEmpty { throw ChatFailure.profileIncomplete(botName: bot.name, missing: missing) }
        let (session, isNew, config) = try await sessionAndConfig(
            request, user: user, bot: bot, configs: snapshot.configs)
        if let stored = try await storedReply(to: request, user: user, bot: bot, config: config) {
            return .stored(stored)
        }
        let history = isNew ? [] : try await chats.recentMessages(sessionID: session.id, limit: settings.historyWindow)
        let started = now()
        if !isNew,
            SessionEnd.hasEnded(
                endedAt: session.endedAt, lastTurnAt: history.last?.createdAt, now: started,
                idleMinutes: settings.sessionIdleMinutes)
        {
            throw ChatFailure.sessionEnded(session.id)
        }
        let prompt = try await childSpan("prompt render") {
            try await renderPrompt(
                config: config, version: snapshot.prompts[config.id], bot: bot, user: user, message: text,
                history: history, app: request.app, secondProfileID: request.secondProfileID)
        }
        let pricing = session.pricing
        let completedTurns = (history.last?.sequence ?? 0) / 2
        let charged = pricing?.charges(turnAfter: completedTurns) ?? false
        var maxTokens = config.maxOutputTokens
        if charged, maxTokens == nil { maxTokens = settings.defaultMaxOutputTokens }
        let messages =
            history.map { ChatMessage(role: $0.role, content: $0.content) } + [ChatMessage(role: .user, content: text)]
        let generation = GenerationRequest(
            provider: config.provider, model: config.model, systemInstruction: prompt, messages: messages,
            sampling: SamplingParameters(
                temperature: config.temperature, topP: config.topP, topK: config.topK, maxTokens: maxTokens),
            fallbacks: config.fallbacks, regionName: config.regionName,
            metadata: config.metadata.merging(
                [
                    "bot": .string(bot.slug), "session": .string(session.id.uuidString.lowercased()),
                    "config": .string(config.id.uuidString.lowercased()),
                ]
            ) { _, ours in ours },
            user: user.id.uuidString.lowercased(), route: config.route, requireContent: true)
        var turn = PreparedTurn(
            bot: bot, config: config, session: session, isNew: isNew, text: text,
            idempotencyKey: request.idempotencyKey, generation: generation, pricing: pricing, charged: charged,
            previousTurnAt: history.last?.createdAt,
            inputBytes: prompt.utf8.count + messages.reduce(0) { $0 + $1.content.utf8.count })
        if charged, let pricing {
            switch try await hold(&turn, pricing: pricing, request: request, user: user, maxTokens: maxTokens ?? 0) {
            case .some(let stored): return .stored(stored)
            case .none: break
            }
        }
        return .ready(turn)
    }

    /// Places the turn's hold. If a copy of this request (same idempotency key) holds already, on this replica or
    /// another, waits for it: its stored reply is the answer; if it failed, the hold is tried again.
    /// - Returns: The stored reply of a copy that finished first, or nil once the hold is placed.
    private func hold(
        _ turn: inout PreparedTurn, pricing: Pricing, request: ChatTurnRequest, user: User, maxTokens: Int
    ) async throws -> ChatTurnReply? {
        let placedAt = now()
        let amount = TurnHold.amount(
            pricing, inputBytes: turn.inputBytes, maxOutputTokens: maxTokens, first: turn.session.createdAt,
            previous: turn.previousTurnAt, now: placedAt)
        let scope = turn.isNew ? "new:\(turn.bot.id.uuidString)" : turn.session.id.uuidString
        let requestKey =
            request.idempotencyKey.map { "chat:\(scope):\($0)" } ?? HoldRequest.uniqueKeyPrefix + UUID().uuidString
        let waitUntil = placedAt.addingTimeInterval(settings.holdTimeout)
        while true {
            let hold = HoldRequest(
                userID: user.id, currency: pricing.currency, amount: amount, requestKey: requestKey,
                sessionID: turn.session.id, expiresAt: now().addingTimeInterval(settings.holdTimeout))
            switch try await wallets.placeHold(hold, now: now()) {
            case .placed(let holdID):
                turn.holdID = holdID
                // A copy that finished between our first look and this hold (its hold no longer pending): its stored
                // reply is the answer, and this hold goes back.
                if request.idempotencyKey != nil,
                    let stored = try await storedReply(to: request, user: user, bot: turn.bot, config: turn.config)
                {
                    await release(turn)
                    return stored
                }
                return nil
            case .insufficient(let available):
                throw ChatFailure.paymentRequired(needed: amount, available: available, currency: pricing.currency)
            case .inFlight:
                while try await wallets.pendingHold(userID: user.id, currency: pricing.currency, requestKey: requestKey)
                {
                    guard now() < waitUntil else {
                        throw ChatFailure(
                            kind: .unavailable(retryAfterSeconds: ChatFailure.defaultRetryAfterSeconds),
                            code: "request_in_flight",
                            message: "The same message (idempotency key) is still being answered. Try again shortly.")
                    }
                    try await Task.sleep(for: .milliseconds(50))
                }
                if let stored = try await storedReply(to: request, user: user, bot: turn.bot, config: turn.config) {
                    return stored
                }
            }
        }
    }
}
