import Foundation
import SwitchyardCore

/// JSON field names follow the reference schema.
struct BotDTO: Codable, Sendable {
    var id: UUID
    var slug: String
    var name: String
    var description: String
    var sceneDescription: String
    var avatarURL: String?
    var status: BotStatus
    var type: String
    var rank: Int
    var timeZone: String?
    var metadata: BotMetadataDTO
    var launchedOn: Date?
    var createdAt: Date

    init(_ bot: Bot) {
        id = bot.id
        slug = bot.slug
        name = bot.name
        description = bot.description
        sceneDescription = bot.sceneDescription
        avatarURL = bot.avatarURL
        status = bot.status
        type = bot.type
        rank = bot.rank
        timeZone = bot.timeZone
        metadata = BotMetadataDTO(strings: bot.metadata, pricing: bot.pricing)
        launchedOn = bot.launchedOn
        createdAt = bot.createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, slug, name, description, status, type, rank, metadata
        case sceneDescription = "scene_description"
        case avatarURL = "avatar_url"
        case timeZone = "time_zone"
        case launchedOn = "launched_on"
        case createdAt = "created_at"
    }
}

/// `POST /admin/v1/bots` and `PATCH /admin/v1/bots/{slug}`: every field optional on PATCH.
struct BotInput: Decodable, Sendable {
    var name: String?
    var description: String?
    var sceneDescription: String?
    var avatarURL: String?
    var status: BotStatus?
    var type: String?
    var rank: Int?
    var timeZone: String?
    var metadata: BotMetadataDTO?

    enum CodingKeys: String, CodingKey {
        case name, description, status, type, rank, metadata
        case sceneDescription = "scene_description"
        case avatarURL = "avatar_url"
        case timeZone = "time_zone"
    }
}

struct LLMConfigDTO: Codable, Sendable {
    struct Metadata: Codable, Sendable {
        var regionName: String?
        var fallbacks: [Target]?
        var weight: Int?

        enum CodingKeys: String, CodingKey {
            case fallbacks, weight
            case regionName = "region_name"
        }
    }

    var id: UUID?
    var botID: UUID?
    var llmProvider: String
    var modelName: String
    var promptTemplate: String?
    var promptLabel: String?
    var prompt: String?
    var temperature: Double?
    var topP: Double?
    var topK: Int?
    var maxOutputTokens: Int?
    var isActive: Bool?
    var metadata: Metadata?

    enum CodingKeys: String, CodingKey {
        case id, prompt, temperature, metadata
        case botID = "bot_id"
        case llmProvider = "llm_provider"
        case modelName = "model_name"
        case promptTemplate = "prompt_template"
        case promptLabel = "prompt_label"
        case topP = "top_p"
        case topK = "top_k"
        case maxOutputTokens = "max_output_tokens"
        case isActive = "is_active"
    }

    init(_ config: BotLLMConfig) {
        id = config.id
        botID = config.botID
        llmProvider = config.provider
        modelName = config.model
        promptTemplate = config.promptTemplate
        promptLabel = config.promptLabel
        prompt = config.inlinePrompt
        temperature = config.temperature
        topP = config.topP
        topK = config.topK
        maxOutputTokens = config.maxOutputTokens
        isActive = config.isActive
        metadata = Metadata(regionName: config.regionName, fallbacks: config.fallbacks, weight: config.weight)
    }
}

struct PromptInput: Decodable, Sendable {
    var name: String?
    var template: String?
    var yaml: String?
    var values: [String: String]?
}

struct LabelInput: Decodable, Sendable {
    var label: String
    var version: Int
}

struct ChatInput: Decodable, Sendable {
    var sessionID: UUID?
    var message: String
    var idempotencyKey: String?
    /// Answer with Server-Sent Events.
    var stream: Bool?

    enum CodingKeys: String, CodingKey {
        case message, stream
        case sessionID = "session_id"
        case idempotencyKey = "idempotency_key"
    }
}

/// A turn's reply; the body of the `done` event of a streamed turn, too.
struct ChatOutput: Encodable, Sendable {
    var message: String
    var sessionID: UUID
    var messageID: UUID
    var usage: Usage
    /// This turn's cost in minor units (0 when free).
    var charge: Int64
    /// The wallet balance after it, on paid sessions (null otherwise).
    var balance: Int64?
    var currency: String?
    var interrupted: Bool

    init(_ reply: ChatTurnReply) {
        message = reply.message
        sessionID = reply.sessionID
        messageID = reply.messageID
        usage = reply.usage
        charge = reply.charge
        balance = reply.balance
        currency = reply.currency
        interrupted = reply.interrupted
    }

    enum CodingKeys: String, CodingKey {
        case message, usage, charge, balance, currency, interrupted
        case sessionID = "session_id"
        case messageID = "message_id"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(message, forKey: .message)
        try container.encode(sessionID, forKey: .sessionID)
        try container.encode(messageID, forKey: .messageID)
        try container.encode(usage, forKey: .usage)
        try container.encode(charge, forKey: .charge)
        try container.encode(balance, forKey: .balance)
        try container.encode(currency, forKey: .currency)
        try container.encode(interrupted, forKey: .interrupted)
    }
}

struct MessageDTO: Encodable, Sendable {
    var id: UUID
    var role: String
    var content: String
    var provider: String?
    var model: String?
    var usage: Usage?
    var charge: Int64?
    var interrupted: Bool
    var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, role, content, provider, model, usage, charge, interrupted
        case createdAt = "created_at"
    }

    init(_ message: StoredMessage) {
        charge = message.charge
        interrupted = message.interrupted
        id = message.id
        role = message.role.rawValue
        content = message.content
        provider = message.provider
        model = message.model
        usage = message.usage
        createdAt = message.createdAt
    }
}

struct UserDTO: Codable, Sendable {
    var externalID: String?
    var name: String?
    var age: Int?
    var gender: String?
    var timeZone: String?
    var language: String?
    var birthDate: String?
    var birthTime: String?
    var birthPlace: String?

    enum CodingKeys: String, CodingKey {
        case name, age, gender, language
        case externalID = "external_id"
        case timeZone = "time_zone"
        case birthDate = "birth_date"
        case birthTime = "birth_time"
        case birthPlace = "birth_place"
    }

    init(_ user: User) {
        externalID = user.externalID
        name = user.name
        age = user.age
        gender = user.gender
        timeZone = user.timeZone
        language = user.language
        birthDate = user.birthDate
        birthTime = user.birthTime
        birthPlace = user.birthPlace
    }
}

/// A bot's `metadata`: free string fields, plus `pricing` (integers in minor units), which Switchyard reads.
struct BotMetadataDTO: Codable, Sendable {
    var strings: [String: String]
    var pricing: Pricing?

    init(strings: [String: String], pricing: Pricing?) {
        self.strings = strings
        self.pricing = pricing
    }

    private struct Key: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        strings = [:]
        for key in container.allKeys {
            if key.stringValue == "pricing" {
                pricing = try container.decodeIfPresent(Pricing.self, forKey: key)
            } else {
                strings[key.stringValue] = try container.decode(String.self, forKey: key)
            }
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        for (key, value) in strings where key != "pricing" {
            try container.encode(value, forKey: Key(stringValue: key))
        }
        if let pricing { try container.encode(pricing, forKey: Key(stringValue: "pricing")) }
    }
}
