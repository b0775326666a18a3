import Foundation

/// A person using the bots, known by the external id in their token's `sub`.
public struct User: Sendable, Equatable, Codable {
    public var id: UUID
    public var externalID: String
    public var name: String?
    public var age: Int?
    public var gender: String?
    /// An IANA time zone (`Asia/Kolkata`).
    public var timeZone: String?
    public var language: String?
    public var birthDate: String?
    public var birthTime: String?
    public var birthPlace: String?
    /// Where the user is now (a place name): the forecast's place.
    public var location: String?
    /// `short`, `medium` or `long`: overrides the bot's response length.
    public var responseLength: ResponseLength?
    public var metadata: [String: String]

    /// - Parameters:
    ///   - id: The user's id.
    ///   - externalID: The `sub` of their token.
    ///   - name: Display name.
    ///   - age: Age in years.
    ///   - gender: Free text.
    ///   - timeZone: IANA zone.
    ///   - language: Language code (`en`, `hi`, `hinglish`).
    ///   - birthDate: `YYYY-MM-DD`.
    ///   - birthTime: `HH:MM`.
    ///   - birthPlace: Free text.
    ///   - location: Where the user is now.
    ///   - responseLength: The user's preferred reply length.
    ///   - metadata: Extra string fields.
    public init(
        id: UUID = UUID(), externalID: String, name: String? = nil, age: Int? = nil, gender: String? = nil,
        timeZone: String? = nil, language: String? = nil, birthDate: String? = nil, birthTime: String? = nil,
        birthPlace: String? = nil, location: String? = nil, responseLength: ResponseLength? = nil,
        metadata: [String: String] = [:]
    ) {
        self.location = location
        self.responseLength = responseLength
        self.id = id
        self.externalID = externalID
        self.name = name
        self.age = age
        self.gender = gender
        self.timeZone = timeZone
        self.language = language
        self.birthDate = birthDate
        self.birthTime = birthTime
        self.birthPlace = birthPlace
        self.metadata = metadata
    }
}

/// Where a bot is in its life.
public enum BotStatus: String, Sendable, Codable, CaseIterable {
    case draft
    case launched
    case archived
}

/// A bot of the catalogue.
public struct Bot: Sendable, Equatable, Codable {
    public var id: UUID
    public var slug: String
    public var name: String
    public var description: String
    public var sceneDescription: String
    public var avatarURL: String?
    public var status: BotStatus
    /// One of ``BotType``'s values (unknown ones read from old rows are kept as they are).
    public var type: String
    public var rank: Int
    /// The bot's IANA time zone, for time variables when the user has none.
    public var timeZone: String?
    /// Free JSON metadata (without `pricing`); the keys Switchyard reads are checked by ``BotMetadataRules``.
    public var metadata: [String: JSONValue]
    /// `metadata.pricing` on the API: what a session with it charges (nil: free).
    public var pricing: Pricing?
    /// The user who owns it, if any.
    public var ownerID: UUID?
    public var launchedOn: Date?
    public var createdAt: Date
    public var updatedAt: Date
    public var deletedAt: Date?

    /// - Parameters:
    ///   - id: Its id.
    ///   - slug: Its unique slug.
    ///   - name: Display name.
    ///   - description: What it does.
    ///   - sceneDescription: The scene it plays in.
    ///   - avatarURL: Its picture.
    ///   - status: Draft, launched or archived.
    ///   - type: One of ``BotType``.
    ///   - rank: Ordering in lists, ascending.
    ///   - timeZone: Its time zone.
    ///   - metadata: Free JSON metadata.
    ///   - pricing: What its sessions charge.
    ///   - ownerID: The owning user.
    ///   - launchedOn: When it launched.
    ///   - createdAt: When it was made.
    ///   - updatedAt: When it last changed.
    ///   - deletedAt: When it was soft-deleted.
    public init(
        id: UUID = UUID(), slug: String, name: String, description: String = "", sceneDescription: String = "",
        avatarURL: String? = nil, status: BotStatus = .draft, type: String = BotType.companion.rawValue, rank: Int = 0,
        timeZone: String? = nil, metadata: [String: JSONValue] = [:], pricing: Pricing? = nil, ownerID: UUID? = nil,
        launchedOn: Date? = nil, createdAt: Date = Date(), updatedAt: Date? = nil, deletedAt: Date? = nil
    ) {
        self.pricing = pricing
        self.ownerID = ownerID
        self.updatedAt = updatedAt ?? createdAt
        self.id = id
        self.slug = slug
        self.name = name
        self.description = description
        self.sceneDescription = sceneDescription
        self.avatarURL = avatarURL
        self.status = status
        self.type = type
        self.rank = rank
        self.timeZone = timeZone
        self.metadata = metadata
        self.launchedOn = launchedOn
        self.createdAt = createdAt
        self.deletedAt = deletedAt
    }
}

/// Which LLM a bot uses and how: one of its configs is active; weighted ones split new sessions for A/B tests.
public struct BotLLMConfig: Sendable, Equatable, Codable {
    public var id: UUID
    public var botID: UUID
    public var provider: String
    public var model: String
    /// A gateway route served instead of `provider`/`model` (its chain, e.g. Bedrock across regions).
    public var route: String?
    /// A prompt template's name (rendered at its `promptLabel`), or nil to use `inlinePrompt`.
    public var promptTemplate: String?
    public var promptLabel: String
    public var inlinePrompt: String?
    public var temperature: Double?
    public var topP: Double?
    public var topK: Int?
    public var maxOutputTokens: Int?
    public var isActive: Bool
    /// A/B weight; configs with a weight above zero share new sessions in proportion.
    public var weight: Int
    public var regionName: String?
    public var fallbacks: [Target]?
    /// Free JSON metadata besides the typed keys (`tools`, `experiment`, `api_endpoint`, `additional_config`…),
    /// passed to the gateway with each request.
    public var metadata: [String: JSONValue]
    public var createdAt: Date
    public var updatedAt: Date
    /// When it was soft-deleted: it no longer serves.
    public var deletedAt: Date?

    /// - Parameters:
    ///   - id: Its id.
    ///   - botID: The bot.
    ///   - provider: The primary provider.
    ///   - model: The primary model.
    ///   - promptTemplate: A template name.
    ///   - promptLabel: The template label to render (`production`).
    ///   - inlinePrompt: A template text, when no template is named.
    ///   - temperature: Sampling temperature.
    ///   - topP: Nucleus sampling.
    ///   - topK: Top-k sampling.
    ///   - maxOutputTokens: Token limit.
    ///   - isActive: Whether it is the active config.
    ///   - weight: A/B weight.
    ///   - regionName: Region for regional providers.
    ///   - fallbacks: An explicit fallback chain.
    ///   - route: A gateway route instead of provider and model.
    ///   - metadata: Free JSON metadata.
    ///   - createdAt: When it was made.
    ///   - updatedAt: When it last changed.
    ///   - deletedAt: When it was soft-deleted.
    public init(
        id: UUID = UUID(), botID: UUID, provider: String, model: String, promptTemplate: String? = nil,
        promptLabel: String = "production", inlinePrompt: String? = nil, temperature: Double? = nil,
        topP: Double? = nil, topK: Int? = nil, maxOutputTokens: Int? = nil, isActive: Bool = false, weight: Int = 0,
        regionName: String? = nil, fallbacks: [Target]? = nil, route: String? = nil,
        metadata: [String: JSONValue] = [:], createdAt: Date = Date(), updatedAt: Date? = nil, deletedAt: Date? = nil
    ) {
        self.route = route
        self.metadata = metadata
        self.updatedAt = updatedAt ?? createdAt
        self.deletedAt = deletedAt
        self.id = id
        self.botID = botID
        self.provider = provider
        self.model = model
        self.promptTemplate = promptTemplate
        self.promptLabel = promptLabel
        self.inlinePrompt = inlinePrompt
        self.temperature = temperature
        self.topP = topP
        self.topK = topK
        self.maxOutputTokens = maxOutputTokens
        self.isActive = isActive
        self.weight = weight
        self.regionName = regionName
        self.fallbacks = fallbacks
        self.createdAt = createdAt
    }
}

/// One immutable version of a prompt template.
public struct PromptVersion: Sendable, Equatable, Codable {
    public enum Format: String, Sendable, Codable {
        /// `{{variable}}` text.
        case text
        /// A YAML-structured prompt with ordered, optionally conditional sections.
        case yaml
    }

    public var templateName: String
    public var version: Int
    public var format: Format
    /// What the model receives; nil: the format's default (YAML for YAML templates).
    public var output: PromptOutput?
    public var body: String
    public var createdAt: Date

    /// - Parameters:
    ///   - templateName: The template.
    ///   - version: Its number, from 1.
    ///   - format: Text or YAML.
    ///   - body: The source.
    ///   - createdAt: When it was saved.
    ///   - output: What the model receives.
    public init(
        templateName: String, version: Int, format: Format, body: String, output: PromptOutput? = nil,
        createdAt: Date = Date()
    ) {
        self.output = output
        self.templateName = templateName
        self.version = version
        self.format = format
        self.body = body
        self.createdAt = createdAt
    }
}

/// A conversation between one user and one bot.
public struct ChatSession: Sendable, Equatable, Codable {
    public var id: UUID
    public var userID: UUID
    public var botID: UUID
    /// The LLM config (A/B variant) the session was assigned at creation.
    public var configID: UUID
    /// The idempotency key of the turn that opened it: a retry of that first turn finds this session instead of
    /// opening another. Unique per user and bot.
    public var openingKey: String?
    /// The bot's pricing when the session started, locked for its life (nil: free).
    public var pricing: Pricing?
    /// When it was ended explicitly.
    public var endedAt: Date?
    public var createdAt: Date
    /// When its user deleted it: its messages are no longer served.
    public var deletedAt: Date?

    /// - Parameters:
    ///   - id: Its id.
    ///   - userID: The user.
    ///   - botID: The bot.
    ///   - configID: The assigned config.
    ///   - openingKey: The idempotency key of its first turn, if it had one.
    ///   - pricing: The locked pricing.
    ///   - endedAt: When it ended.
    ///   - createdAt: When it started.
    public init(
        id: UUID = UUID(), userID: UUID, botID: UUID, configID: UUID, openingKey: String? = nil,
        pricing: Pricing? = nil, endedAt: Date? = nil, createdAt: Date = Date(), deletedAt: Date? = nil
    ) {
        self.deletedAt = deletedAt
        self.pricing = pricing
        self.endedAt = endedAt
        self.id = id
        self.userID = userID
        self.botID = botID
        self.configID = configID
        self.openingKey = openingKey
        self.createdAt = createdAt
    }
}

/// A stored message of a session; bot replies carry what served them.
public struct StoredMessage: Sendable, Equatable, Codable {
    public var id: UUID
    public var sessionID: UUID
    public var role: ChatRole
    public var content: String
    public var provider: String?
    public var model: String?
    public var configID: UUID?
    public var usage: Usage?
    public var idempotencyKey: String?
    /// Its place in the session, from 1 (0 until stored).
    public var sequence: Int64
    /// What the turn cost, on replies (minor units of the session's currency; nil on free sessions).
    public var charge: Int64?
    /// A streamed reply cut before it finished: it holds what was delivered.
    public var interrupted: Bool
    public var createdAt: Date
    /// On replies: the gateway's attempts that produced it (the call record), stored with it.
    public var attempts: [AttemptRecord] = []

    /// - Parameters:
    ///   - id: Its id.
    ///   - sessionID: The session.
    ///   - role: `user` or `assistant`.
    ///   - content: The text.
    ///   - provider: Who served a reply.
    ///   - model: Which model served it.
    ///   - configID: The variant that served it.
    ///   - usage: Its tokens.
    ///   - idempotencyKey: The client's key, on user messages.
    ///   - sequence: Its place in the session.
    ///   - charge: The turn's cost, on replies.
    ///   - interrupted: Whether a streamed reply was cut.
    ///   - createdAt: When it was written.
    public init(
        id: UUID = UUID(), sessionID: UUID, role: ChatRole, content: String, provider: String? = nil,
        model: String? = nil, configID: UUID? = nil, usage: Usage? = nil, idempotencyKey: String? = nil,
        sequence: Int64 = 0, charge: Int64? = nil, interrupted: Bool = false, createdAt: Date = Date()
    ) {
        self.sequence = sequence
        self.charge = charge
        self.interrupted = interrupted
        self.id = id
        self.sessionID = sessionID
        self.role = role
        self.content = content
        self.provider = provider
        self.model = model
        self.configID = configID
        self.usage = usage
        self.idempotencyKey = idempotencyKey
        self.createdAt = createdAt
    }
}
