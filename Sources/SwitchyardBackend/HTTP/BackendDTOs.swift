import Foundation
import SwitchyardCore
import SwitchyardHTTP

struct PromptInput: Decodable, Sendable {
    var name: String?
    var template: String?
    var yaml: String?
    /// What the model receives: `yaml` (the default for YAML templates), `json` or `text`.
    var output: PromptOutput?
    /// Sample values for a preview: any JSON scalar (`31` as well as `"31"`).
    var values: [String: JSONValue]?
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
    /// A saved birth profile for questions about two people.
    var secondProfileID: UUID?

    enum CodingKeys: String, CodingKey {
        case message, stream
        case secondProfileID = "second_profile_id"
        case sessionID = "session_id"
        case idempotencyKey = "idempotency_key"
    }
}

/// A turn's reply; the body of the `done` event of a streamed turn, too.
struct ChatOutput: Encodable, Sendable {
    var message: String
    var sessionID: LowercaseUUID
    var messageID: LowercaseUUID
    /// The LLM config that served it.
    var configID: LowercaseUUID
    var usage: Usage
    /// This turn's cost in minor units (0 when free).
    var charge: Int64
    /// The wallet balance after it, on paid sessions (null otherwise).
    var balance: Int64?
    var currency: String?
    var interrupted: Bool

    init(_ reply: ChatTurnReply) {
        message = reply.message
        sessionID = LowercaseUUID(reply.sessionID)
        messageID = LowercaseUUID(reply.messageID)
        configID = LowercaseUUID(reply.configID)
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
        case configID = "config_id"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(message, forKey: .message)
        try container.encode(sessionID, forKey: .sessionID)
        try container.encode(messageID, forKey: .messageID)
        try container.encode(configID, forKey: .configID)
        try container.encode(usage, forKey: .usage)
        try container.encode(charge, forKey: .charge)
        try container.encode(balance, forKey: .balance)
        try container.encode(currency, forKey: .currency)
        try container.encode(interrupted, forKey: .interrupted)
    }
}

struct MessageDTO: Encodable, Sendable {
    var id: LowercaseUUID
    var role: String
    var content: String
    var provider: String?
    var model: String?
    /// On replies: the LLM config that served it.
    var configID: LowercaseUUID?
    var usage: Usage?
    var charge: Int64?
    var interrupted: Bool
    var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, role, content, provider, model, usage, charge, interrupted
        case createdAt = "created_at"
        case configID = "config_id"
    }

    init(_ message: StoredMessage) {
        configID = message.configID.map(LowercaseUUID.init)
        charge = message.charge
        interrupted = message.interrupted
        id = LowercaseUUID(message.id)
        role = message.role.rawValue
        content = message.content
        provider = message.provider
        model = message.model
        usage = message.usage
        createdAt = message.createdAt
    }
}

struct UserDTO: Codable, Sendable {
    /// The user's id (read only): what `owner_id` on a bot names.
    var id: LowercaseUUID?
    var externalID: String?
    var name: String?
    var age: Int?
    var gender: String?
    var timeZone: String?
    var language: String?
    var birthDate: String?
    var birthTime: String?
    var birthPlace: String?
    /// Where the user is now (a city): the forecast's place.
    var location: String?
    /// `short`, `medium` or `long`: overrides the bot's response length.
    var responseLength: ResponseLength?

    enum CodingKeys: String, CodingKey {
        case id, name, age, gender, language, location
        case responseLength = "response_length"
        case externalID = "external_id"
        case timeZone = "time_zone"
        case birthDate = "birth_date"
        case birthTime = "birth_time"
        case birthPlace = "birth_place"
    }

    init(_ user: User) {
        id = LowercaseUUID(user.id)
        externalID = user.externalID
        name = user.name
        age = user.age
        gender = user.gender
        timeZone = user.timeZone
        language = user.language
        birthDate = user.birthDate
        birthTime = user.birthTime
        birthPlace = user.birthPlace
        location = user.location
        responseLength = user.responseLength
    }
}
