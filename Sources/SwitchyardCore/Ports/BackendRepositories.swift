import Foundation

/// Why a store operation was refused.
public enum StoreError: Error, Sendable, Equatable {
    /// A unique value is already used (a slug, a template name).
    case conflict(String)
    /// The thing named does not exist.
    case notFound(String)
}

/// Users, created on first sight of their token.
public protocol UserRepository: Sendable {
    /// - Returns: The user with this external id, created if it is new.
    func findOrCreateUser(externalID: String) async throws -> User
    /// Replaces the profile fields of an existing user.
    func updateUser(_ user: User) async throws
    func user(id: UUID) async throws -> User?
}

/// The bot catalogue.
public protocol BotRepository: Sendable {
    /// Stores a new bot. - Throws: ``StoreError/conflict(_:)`` when the slug is taken.
    func createBot(_ bot: Bot) async throws -> Bot
    /// - Returns: The bot, unless it is soft-deleted.
    func bot(slug: String) async throws -> Bot?
    func bot(id: UUID) async throws -> Bot?
    /// - Returns: Bots that are not deleted, by rank then name; only one status if given.
    func bots(status: BotStatus?) async throws -> [Bot]
    /// Whether any bot, deleted or not, has the slug.
    func slugExists(_ slug: String) async throws -> Bool
    func updateBot(_ bot: Bot) async throws
    /// - Returns: Whether a live bot was deleted.
    func softDeleteBot(slug: String, at date: Date) async throws -> Bool
}

/// What a chat turn needs to know about a bot, read at once: the bot, its configs, and the prompt version each
/// config's template label points to now.
public struct ChatBotSnapshot: Sendable, Equatable {
    public var bot: Bot
    public var configs: [BotLLMConfig]
    /// By config id; absent for inline prompts or a label that points nowhere.
    public var prompts: [UUID: PromptVersion]

    public init(bot: Bot, configs: [BotLLMConfig], prompts: [UUID: PromptVersion]) {
        self.bot = bot
        self.configs = configs
        self.prompts = prompts
    }
}

/// The chat turn's one read of bot data.
public protocol ChatBotReader: Sendable {
    /// - Returns: The live bot with this slug, its configs and their current prompts, in one read.
    func chatBot(slug: String) async throws -> ChatBotSnapshot?
}

/// LLM configs, with at most one active per bot.
public protocol LLMConfigRepository: Sendable {
    /// Stores a config; an active one deactivates the bot's others in the same transaction.
    func createConfig(_ config: BotLLMConfig) async throws -> BotLLMConfig
    /// - Returns: The bot's live configs, the active one first, then by creation.
    func configs(botID: UUID) async throws -> [BotLLMConfig]
    func config(id: UUID) async throws -> BotLLMConfig?
    /// Makes one config the bot's only active one, atomically.
    func activate(configID: UUID) async throws -> BotLLMConfig
    /// Replaces a live config's fields (not its activity). - Throws: ``StoreError/notFound(_:)``.
    func updateConfig(_ config: BotLLMConfig) async throws -> BotLLMConfig
    /// Soft-deletes a config. - Throws: ``StoreError/notFound(_:)``, or ``StoreError/conflict(_:)`` when it is the
    /// active one.
    func deleteConfig(id: UUID, at date: Date) async throws
}

/// Prompt templates: immutable versions and movable labels.
public protocol PromptRepository: Sendable {
    /// Creates a template with its version 1, labelled `production`.
    func createTemplate(
        name: String, format: PromptVersion.Format, body: String, output: PromptOutput?
    ) async throws -> PromptVersion
    /// Adds the next version. It gets no label until one is moved to it.
    func addVersion(
        name: String, format: PromptVersion.Format, body: String, output: PromptOutput?
    ) async throws -> PromptVersion
    func version(name: String, label: String) async throws -> PromptVersion?
    func version(name: String, number: Int) async throws -> PromptVersion?
    /// Points a label at a version.
    func moveLabel(name: String, label: String, to version: Int) async throws
    /// Every template's name, latest version and labels.
    func templates() async throws -> [PromptTemplateSummary]
}

extension PromptRepository {
    /// Creates a template sent in its format's default output.
    public func createTemplate(name: String, format: PromptVersion.Format, body: String) async throws -> PromptVersion {
        try await createTemplate(name: name, format: format, body: body, output: nil)
    }

    /// Adds a version sent in its format's default output.
    public func addVersion(name: String, format: PromptVersion.Format, body: String) async throws -> PromptVersion {
        try await addVersion(name: name, format: format, body: body, output: nil)
    }
}

/// A template in a listing.
public struct PromptTemplateSummary: Sendable, Equatable, Codable {
    public var name: String
    public var latestVersion: Int
    public var labels: [String: Int]

    public init(name: String, latestVersion: Int, labels: [String: Int]) {
        self.name = name
        self.latestVersion = latestVersion
        self.labels = labels
    }
}

/// Sessions and their messages.
public protocol ChatRepository: Sendable {
    func session(id: UUID) async throws -> ChatSession?
    /// - Returns: The last `limit` messages, oldest first.
    func recentMessages(sessionID: UUID, limit: Int) async throws -> [StoredMessage]
    /// - Returns: The reply already stored for this idempotency key, if the turn was done before.
    func reply(sessionID: UUID, idempotencyKey: String) async throws -> StoredMessage?
    /// - Returns: The user's session with this bot that a turn with this idempotency key opened, if any.
    func openedSession(userID: UUID, botID: UUID, idempotencyKey: String) async throws -> ChatSession?
    /// Stores a user message and the bot's reply in one transaction, creating the session too when it is new, so
    /// that a failed turn leaves nothing behind. A settlement charges the turn's hold in the same transaction; a
    /// hold that is no longer pending (expired) is not charged, and the receipt says so.
    func saveTurn(
        newSession: ChatSession?, user: StoredMessage, reply: StoredMessage, settlement: Settlement?
    ) async throws -> TurnReceipt
    /// Ends a session: no further turns. - Returns: Whether it was open.
    func endSession(id: UUID, at date: Date) async throws -> Bool
    /// What a session's turns were charged so far, and how many turns it has.
    func sessionTotals(id: UUID) async throws -> (charged: Int64, turns: Int64)
    /// A user's sessions with a bot that they have not deleted, newest first, each with its last message.
    func sessions(userID: UUID, botID: UUID, offset: Int, limit: Int) async throws -> [SessionSummary]
    /// Soft-deletes a user's session: its messages are no longer served. - Returns: Whether it was live.
    func deleteSession(id: UUID, userID: UUID, at date: Date) async throws -> Bool
    /// The call records of some replies: each one's gateway attempts, in order.
    func attempts(messageIDs: [UUID]) async throws -> [UUID: [AttemptRecord]]
    /// Records a turn that got no reply, with its gateway attempts, in one transaction.
    func saveFailedTurn(_ turn: FailedTurn) async throws
}

/// A session in a user's list.
public struct SessionSummary: Sendable, Equatable {
    public var session: ChatSession
    public var lastMessage: String?
    public var lastMessageRole: ChatRole?
    public var lastMessageAt: Date?

    public init(session: ChatSession, lastMessage: String?, lastMessageRole: ChatRole?, lastMessageAt: Date?) {
        self.session = session
        self.lastMessage = lastMessage
        self.lastMessageRole = lastMessageRole
        self.lastMessageAt = lastMessageAt
    }
}

/// Language instructions that operators set through the admin API, laid over the configuration file's.
public protocol LanguageInstructionRepository: Sendable {
    func languageInstructions() async throws -> [LanguageInstruction]
    /// Creates or replaces the entry for its app and language.
    func setLanguageInstruction(_ instruction: LanguageInstruction, at date: Date) async throws
    /// - Returns: Whether an entry was removed.
    func deleteLanguageInstruction(app: String, language: String) async throws -> Bool
}

extension ChatRepository {
    /// Stores a free turn.
    public func saveTurn(newSession: ChatSession?, user: StoredMessage, reply: StoredMessage) async throws {
        _ = try await saveTurn(newSession: newSession, user: user, reply: reply, settlement: nil)
    }
}

/// What the operator console lists and searches beyond the API's repositories.
public protocol AdminDirectory: Sendable {
    /// Users whose external id or name contains `query` (ignoring case), by external id; every user when it is empty.
    func users(matching query: String, offset: Int, limit: Int) async throws -> [User]
    /// The user with this external id, without creating one.
    func user(externalID: String) async throws -> User?
    /// Sessions newest first, of one user and of one bot when they are given, each with its last message; deleted
    /// ones too (operators see them).
    func sessions(userID: UUID?, botID: UUID?, offset: Int, limit: Int) async throws -> [SessionSummary]
    /// How many sessions each bot opened from `date` on.
    func sessionCounts(since date: Date) async throws -> [UUID: Int]
}
