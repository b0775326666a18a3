import Foundation
import Logging
import SwitchyardCore

/// A user's chat request.
public struct ChatTurnRequest: Sendable {
    public var sessionID: UUID?
    public var message: String
    public var idempotencyKey: String?

    public init(sessionID: UUID? = nil, message: String, idempotencyKey: String? = nil) {
        self.sessionID = sessionID
        self.message = message
        self.idempotencyKey = idempotencyKey
    }
}

/// The answer to a turn.
public struct ChatTurnReply: Sendable, Equatable {
    public var message: String
    public var sessionID: UUID
    public var usage: Usage
    public var provider: String?
    public var model: String?
    /// The config (A/B variant) that served the session.
    public var configID: UUID
}

/// The chat flow of DESIGN.md §1 (billing and external data plug in later): load the bot and its config, render
/// the prompt, call the gateway with the config's chain, and store the user message and the reply in one
/// transaction. If every provider fails, nothing is stored and the user gets a friendly error.
public struct ChatService: Sendable {
    public struct Settings: Sendable {
        /// Time variables fall back to this zone.
        public var appTimeZone: TimeZone
        /// Language instructions by language code.
        public var languageInstructions: [String: String]
        /// How many earlier messages go to the model.
        public var historyWindow: Int
        public var maximumMessageCharacters: Int

        public init(
            appTimeZone: TimeZone, languageInstructions: [String: String] = [:], historyWindow: Int = 20,
            maximumMessageCharacters: Int = 8000
        ) {
            self.appTimeZone = appTimeZone
            self.languageInstructions = languageInstructions
            self.historyWindow = historyWindow
            self.maximumMessageCharacters = maximumMessageCharacters
        }
    }

    let catalog: any ChatBotReader
    let chats: any ChatRepository
    let gateway: any GatewayClient
    let settings: Settings
    let logger: Logger
    /// Makes the id of a new session (which also picks its A/B variant).
    let makeSessionID: @Sendable () -> UUID
    /// Compiled templates by their exact source: versions are immutable, so an entry is never stale.
    private let templates = BoundedCache<String, PromptTemplate>(capacity: 512)
    /// Time zones by identifier: building one reads the zoneinfo database.
    private let zones = BoundedCache<String, TimeZone>(capacity: 1024)

    /// - Parameters:
    ///   - catalog: Reads a bot, its configs and their prompts in one go.
    ///   - chats: Sessions and messages.
    ///   - gateway: The gateway.
    ///   - settings: Time zone, language instructions, history window.
    ///   - logger: The logger.
    ///   - makeSessionID: Makes new session ids (fixed ones in tests).
    public init(
        catalog: any ChatBotReader, chats: any ChatRepository, gateway: any GatewayClient, settings: Settings,
        logger: Logger, makeSessionID: @escaping @Sendable () -> UUID = { UUID() }
    ) {
        self.makeSessionID = makeSessionID
        self.catalog = catalog
        self.chats = chats
        self.gateway = gateway
        self.settings = settings
        self.logger = logger
    }

    /// Runs one turn.
    /// - Parameters:
    ///   - request: The message, and the session to continue if any.
    ///   - user: The authenticated user.
    ///   - slug: The bot.
    /// - Returns: The reply.
    /// - Throws: ``ChatFailure``.
    public func chat(_ request: ChatTurnRequest, user: User, slug: String) async throws -> ChatTurnReply {
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
        let (session, isNew, config) = try await sessionAndConfig(
            request, user: user, bot: bot, configs: snapshot.configs)
        if let stored = try await storedReply(to: request, user: user, bot: bot, config: config) { return stored }
        let history = isNew ? [] : try await chats.recentMessages(sessionID: session.id, limit: settings.historyWindow)
        let prompt = try renderPrompt(
            config: config, version: snapshot.prompts[config.id], bot: bot, user: user, message: text, history: history)
        let generation = GenerationRequest(
            provider: config.provider, model: config.model, systemInstruction: prompt,
            messages: history.map { ChatMessage(role: $0.role, content: $0.content) }
                + [ChatMessage(role: .user, content: text)],
            sampling: SamplingParameters(
                temperature: config.temperature, topP: config.topP, topK: config.topK, maxTokens: config.maxOutputTokens
            ),
            fallbacks: config.fallbacks, regionName: config.regionName,
            metadata: ["bot": bot.slug, "session": session.id.uuidString], user: user.id.uuidString)
        let response: GenerationResponse
        do {
            response = try await gateway.generate(generation)
        } catch {
            let failure = ChatFailure(error, botName: bot.name)
            let metadata: Logger.Metadata = [
                "bot": "\(bot.slug)", "config": "\(config.id)", "code": "\(failure.code)",
                "attempts": "\(error.attempts.count)",
            ]
            if failure.kind == .refused {
                // Retrying cannot help: the bot's configuration (model, parameters) is what the provider refused.
                logger.error("chat turn refused: check the bot's LLM config", metadata: metadata)
            } else {
                logger.warning("chat turn failed", metadata: metadata)
            }
            throw failure
        }
        let now = Date()
        let userMessage = StoredMessage(
            sessionID: session.id, role: .user, content: text, idempotencyKey: request.idempotencyKey, createdAt: now)
        let reply = StoredMessage(
            sessionID: session.id, role: .assistant, content: response.text, provider: response.provider,
            model: response.model, configID: config.id, usage: response.usage, createdAt: now)
        do {
            try await chats.saveTurn(newSession: isNew ? session : nil, user: userMessage, reply: reply)
        } catch {
            // The same idempotency key arrived twice at once and the other request committed first (the database
            // refused this one): answer with what it stored, so the turn exists once.
            if let stored = try await storedReply(to: request, user: user, bot: bot, config: config) { return stored }
            throw error
        }
        return ChatTurnReply(
            message: response.text, sessionID: session.id, usage: response.usage, provider: response.provider,
            model: response.model, configID: config.id)
    }

    /// The reply already stored for this request's idempotency key: in the request's session, or, for a first
    /// message, in the session that a turn with this key opened.
    private func storedReply(
        to request: ChatTurnRequest, user: User, bot: Bot, config: BotLLMConfig
    ) async throws -> ChatTurnReply? {
        guard let key = request.idempotencyKey else { return nil }
        var sessionID = request.sessionID
        if sessionID == nil {
            sessionID = try await chats.openedSession(userID: user.id, botID: bot.id, idempotencyKey: key)?.id
        }
        guard let sessionID, let stored = try await chats.reply(sessionID: sessionID, idempotencyKey: key) else {
            return nil
        }
        return ChatTurnReply(
            message: stored.content, sessionID: sessionID, usage: stored.usage ?? .zero, provider: stored.provider,
            model: stored.model, configID: stored.configID ?? config.id)
    }

    /// Resumes the caller's session, or starts one assigned to a variant: the weighted configs split new sessions
    /// by a stable hash of the session id; with no weights the active config serves.
    private func sessionAndConfig(
        _ request: ChatTurnRequest, user: User, bot: Bot, configs all: [BotLLMConfig]
    ) async throws
        -> (ChatSession, Bool, BotLLMConfig)
    {
        if let id = request.sessionID {
            guard let session = try await chats.session(id: id), session.userID == user.id, session.botID == bot.id
            else { throw ChatFailure.notFound("No session \(id.uuidString) with this bot.") }
            guard let config = all.first(where: { $0.id == session.configID }) ?? all.first(where: \.isActive) else {
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
            id: sessionID, userID: user.id, botID: bot.id, configID: config.id, openingKey: request.idempotencyKey)
        return (session, true, config)
    }

    private func zone(named identifier: String) -> TimeZone? {
        if let cached = zones.value(for: identifier) { return cached }
        guard let zone = TimeZone(identifier: identifier) else { return nil }
        zones.store(zone, for: identifier)
        return zone
    }

    private func renderPrompt(
        config: BotLLMConfig, version: PromptVersion?, bot: Bot, user: User, message: String, history: [StoredMessage]
    ) throws -> String {
        let source: (String, PromptVersion.Format)
        if config.promptTemplate != nil {
            guard let version else {
                throw ChatFailure.notConfigured(botName: bot.name)
            }
            source = (version.body, version.format)
        } else {
            source = (config.inlinePrompt ?? "You are {{bot_name}}. {{bot_description}}", .text)
        }
        let cacheKey = "\(source.1.rawValue):\(source.0)"
        let template: PromptTemplate
        if let cached = templates.value(for: cacheKey) {
            template = cached
        } else {
            template = try PromptTemplate(source: source.0, format: source.1)
            templates.store(template, for: cacheKey)
        }
        let context = PromptContext(
            bot: bot, user: user, message: message, history: history, appTimeZone: settings.appTimeZone,
            languageInstructions: settings.languageInstructions, zone: zone(named:))
        return template.render(PromptVariableResolver.resolve(template.variables, context: context))
    }
}
