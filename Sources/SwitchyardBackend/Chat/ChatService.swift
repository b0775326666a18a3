import Foundation
import Logging
import SwitchyardCore
import SwitchyardHTTP

/// The chat flow of DESIGN.md §1: load the bot and its config, render the prompt, hold the turn's worst case from
/// the user's wallet (paid sessions), call the gateway with the config's chain, then store the user message and the
/// reply and settle the hold in one transaction. If every provider fails, nothing is stored, the hold is released,
/// and the user gets a friendly error.
public struct ChatService: Sendable {
    public struct Settings: Sendable {
        /// Time variables fall back to this zone.
        public var appTimeZone: TimeZone
        /// The instruction text of each response length.
        public var responseLengths: [ResponseLength: String]
        /// How many earlier messages go to the model.
        public var historyWindow: Int
        public var maximumMessageCharacters: Int
        /// How long a hold may stay pending before the sweeper releases it.
        public var holdTimeout: TimeInterval
        /// A session with no turn for this long has ended (0: never).
        public var sessionIdleMinutes: Int
        /// The output limit held for (and sent with) a paid turn whose config sets none.
        public var defaultMaxOutputTokens: Int

        public init(
            appTimeZone: TimeZone, responseLengths: [ResponseLength: String] = ResponseLengthTexts.defaults,
            historyWindow: Int = 20,
            maximumMessageCharacters: Int = 8000, holdTimeout: TimeInterval = 120, sessionIdleMinutes: Int = 30,
            defaultMaxOutputTokens: Int = 1024
        ) {
            self.appTimeZone = appTimeZone
            self.responseLengths = responseLengths
            self.historyWindow = historyWindow
            self.maximumMessageCharacters = maximumMessageCharacters
            self.holdTimeout = holdTimeout
            self.sessionIdleMinutes = sessionIdleMinutes
            self.defaultMaxOutputTokens = defaultMaxOutputTokens
        }
    }

    let catalog: any ChatBotReader
    let chats: any ChatRepository
    let wallets: any WalletRepository
    let gateway: any GatewayClient
    let settings: Settings
    /// Language instructions by app and language.
    let languages: LanguageInstructionTable
    let logger: Logger
    /// Where the spans of turns go; nil when tracing is off.
    let tracing: TraceSettings?
    /// External data for prompts (charts, forecasts); nil when none is configured.
    let externalData: ExternalDataService?
    /// Saved birth profiles (`second_profile_id`).
    let profiles: (any BirthProfileRepository)?
    /// What bots remember about users (`{{memories}}`).
    let memories: (any MemoryRepository)?
    /// Makes the id of a new session (which also picks its A/B variant).
    let makeSessionID: @Sendable () -> UUID
    /// The wall clock: session minutes, hold expiry, idle sessions.
    let now: @Sendable () -> Date
    /// Copies of a request with the same idempotency key that arrive while the first runs share its result: one
    /// provider call and one charge in this process. (Across replicas the wallet's pending-hold index does the same
    /// for paid turns; for free ones the second copy finds the first's stored turn, or is refused by the idempotency
    /// index and answers with it.)
    let inFlight = SingleFlight<String, ChatTurnReply>()
    /// Compiled templates by their exact source: versions are immutable, so an entry is never stale.
    let templates = BoundedCache<String, PromptTemplate>(capacity: 512)
    /// Time zones by identifier: building one reads the zoneinfo database.
    let zones = BoundedCache<String, TimeZone>(capacity: 1024)

    /// - Parameters:
    ///   - catalog: Reads a bot, its configs and their prompts in one go.
    ///   - chats: Sessions and messages.
    ///   - wallets: Wallets and their ledger.
    ///   - gateway: The gateway.
    ///   - settings: Time zone, response lengths, history window, billing times.
    ///   - languages: Language instructions by app and language.
    ///   - logger: The logger.
    ///   - tracing: Where the spans of turns go; nil for none.
    ///   - externalData: External data for prompts; nil for none.
    ///   - profiles: Saved birth profiles; nil for none.
    ///   - memories: Memories per user and bot; nil for none.
    ///   - makeSessionID: Makes new session ids (fixed ones in tests).
    ///   - now: The wall clock (a fixed one in tests).
    public init(
        catalog: any ChatBotReader, chats: any ChatRepository, wallets: any WalletRepository,
        gateway: any GatewayClient, settings: Settings, languages: LanguageInstructionTable = .init(), logger: Logger,
        tracing: TraceSettings? = nil, externalData: ExternalDataService? = nil,
        profiles: (any BirthProfileRepository)? = nil, memories: (any MemoryRepository)? = nil,
        makeSessionID: @escaping @Sendable () -> UUID = { UUID() }, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.externalData = externalData
        self.profiles = profiles
        self.memories = memories
        self.makeSessionID = makeSessionID
        self.catalog = catalog
        self.chats = chats
        self.wallets = wallets
        self.gateway = gateway
        self.settings = settings
        self.languages = languages
        self.logger = logger
        self.tracing = tracing
        self.now = now
    }

    /// Runs one turn.
    /// - Parameters:
    ///   - request: The message, and the session to continue if any.
    ///   - user: The authenticated user.
    ///   - slug: The bot.
    /// - Returns: The reply.
    /// - Throws: ``ChatFailure``.
    public func chat(_ request: ChatTurnRequest, user: User, slug: String) async throws -> ChatTurnReply {
        let trace = startTurnSpan(slug: slug)
        do {
            let reply = try await trace.bound { try await runTurn(request, user: user, slug: slug, trace: trace) }
            trace.succeeded(reply)
            return reply
        } catch {
            trace.failed(error)
            throw error
        }
    }

    private func runTurn(
        _ request: ChatTurnRequest, user: User, slug: String, trace: TurnSpan
    ) async throws -> ChatTurnReply {
        try await deduplicated(request, user: user, slug: slug) {
            let turn: PreparedTurn
            switch try await prepare(request, user: user, slug: slug) {
            case .stored(let reply): return reply
            case .ready(let ready): turn = ready
            }
            trace.describe(turn, user: user)
            let response: GenerationResponse
            do throws(GatewayCallError) {
                response = try await gateway.generate(turn.generation)
                // The gateway fails such an answer over (the request requires content); a reply is never stored empty
                // whatever answered.
                if response.text.trimmingWhitespace().isEmpty {
                    throw GatewayCallError(.provider(.emptyResponse), attempts: response.attempts)
                }
            } catch {
                throw await failed(turn, error)
            }
            return try await finish(
                turn, request: request, user: user, text: response.text, usage: response.usage,
                provider: response.provider, model: response.model, interrupted: false, attempts: response.attempts)
        }
    }

    /// Runs `body` once for copies of a request with the same idempotency key that arrive together.
    func deduplicated(
        _ request: ChatTurnRequest, user: User, slug: String,
        _ body: @escaping @Sendable () async throws -> ChatTurnReply
    ) async throws -> ChatTurnReply {
        guard let key = request.idempotencyKey else { return try await body() }
        let scope = request.sessionID?.uuidString ?? "new"
        return try await inFlight.run("\(user.id.uuidString)|\(slug)|\(scope)|\(key)", body).value
    }

    /// Releases a failed turn's hold (the user pays nothing), records its attempts, logs the failure, and returns it
    /// as a ``ChatFailure``.
    func failed(_ turn: PreparedTurn, _ error: GatewayCallError) async -> ChatFailure {
        await release(turn)
        let failure = ChatFailure(error, botName: turn.bot.name)
        await record(turn, failure: failure, attempts: error.attempts)
        let metadata: Logger.Metadata = [
            "bot": "\(turn.bot.slug)", "config": "\(turn.config.id)", "code": "\(failure.code)",
            "attempts": "\(error.attempts.count)",
        ]
        if failure.kind == .refused {
            // Retrying cannot help: the bot's configuration (model, parameters) is what the provider refused.
            logger.error("chat turn refused: check the bot's LLM config", metadata: metadata)
        } else {
            logger.warning("chat turn failed", metadata: metadata)
        }
        return failure
    }

    /// Keeps the attempts of a turn that got no reply, for the usage figures. A turn that reached no provider (an
    /// invalid request, a gateway that did not answer) has none and leaves nothing. If the write fails, the user's
    /// answer is the same; the log says so.
    func record(_ turn: PreparedTurn, failure: ChatFailure, attempts: [AttemptRecord]) async {
        guard !attempts.isEmpty else { return }
        let record = FailedTurn(
            botID: turn.bot.id, sessionID: turn.isNew ? nil : turn.session.id, configID: turn.config.id,
            code: failure.code, attempts: attempts, createdAt: now())
        do {
            try await childSpan("database commit") { try await chats.saveFailedTurn(record) }
        } catch {
            logger.warning(
                "could not record a failed turn's attempts", metadata: ["error": "\(type(of: error))"])
        }
    }

    /// Voids the turn's hold. If that fails, the sweeper releases it when it expires.
    func release(_ turn: PreparedTurn) async {
        guard let holdID = turn.holdID else { return }
        do {
            try await wallets.releaseHold(holdID, now: now())
        } catch {
            logger.warning(
                "could not release a hold; the sweeper will when it expires",
                metadata: ["hold": "\(holdID)", "error": "\(type(of: error))"])
        }
    }

    /// Stores the turn and settles its hold at the actual cost, in one transaction.
    func finish(
        _ turn: PreparedTurn, request: ChatTurnRequest, user: User, text: String, usage: Usage, provider: String?,
        model: String?, interrupted: Bool, attempts: [AttemptRecord]
    ) async throws -> ChatTurnReply {
        let finishedAt = now()
        var charge: Int64?
        var settlement: Settlement?
        if let pricing = turn.pricing {
            charge = 0
            if turn.charged {
                let amount = pricing.amount(
                    TurnUnits(
                        inputTokens: Int64(usage.promptTokens), outputTokens: Int64(usage.completionTokens),
                        minutes: SessionMinutes.new(
                            first: turn.session.createdAt, previous: turn.previousTurnAt, at: finishedAt)))
                charge = amount
                settlement = turn.holdID.map { Settlement(holdID: $0, charge: amount) }
            }
        }
        let userMessage = StoredMessage(
            sessionID: turn.session.id, role: .user, content: turn.text, idempotencyKey: request.idempotencyKey,
            createdAt: finishedAt)
        var reply = StoredMessage(
            sessionID: turn.session.id, role: .assistant, content: text, provider: provider, model: model,
            configID: turn.config.id, usage: usage, charge: charge, interrupted: interrupted, createdAt: finishedAt)
        reply.attempts = attempts
        let receipt: TurnReceipt
        do {
            receipt = try await childSpan("database commit") {
                try await chats.saveTurn(
                    newSession: turn.isNew ? turn.session : nil, user: userMessage, reply: reply,
                    settlement: settlement)
            }
        } catch {
            // The same idempotency key arrived twice at once and the other request committed first (the database
            // refused this one): answer with what it stored, so the turn exists once.
            await release(turn)
            if let stored = try await storedReply(to: request, user: user, bot: turn.bot, config: turn.config) {
                return stored
            }
            throw error
        }
        if receipt.settlementRefused {
            logger.error(
                "late settlement refused: the turn's hold had expired and was released; the turn is not charged",
                metadata: ["session": "\(turn.session.id)", "hold": "\(turn.holdID.map { "\($0)" } ?? "-")"])
        }
        var balance = receipt.wallet?.balance
        if balance == nil, let pricing = turn.pricing {
            balance = try await wallets.wallet(userID: user.id, currency: pricing.currency)?.balance ?? 0
        }
        return ChatTurnReply(
            message: text, sessionID: turn.session.id, messageID: reply.id, usage: usage, provider: provider,
            model: model, configID: turn.config.id, charge: receipt.charge,
            balance: balance, currency: turn.pricing?.currency, interrupted: interrupted)
    }
}
