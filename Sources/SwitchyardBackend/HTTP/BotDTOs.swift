import Foundation
import SwitchyardCore
import SwitchyardHTTP

/// JSON field names follow the reference schema.
struct BotDTO: Codable, Sendable {
    var id: LowercaseUUID
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
    var ownerID: LowercaseUUID?
    var launchedOn: Date?
    var createdAt: Date
    var updatedAt: Date

    init(_ bot: Bot) {
        ownerID = bot.ownerID.map(LowercaseUUID.init)
        updatedAt = bot.updatedAt
        id = LowercaseUUID(bot.id)
        slug = bot.slug
        name = bot.name
        description = bot.description
        sceneDescription = bot.sceneDescription
        avatarURL = bot.avatarURL
        status = bot.status
        type = bot.type
        rank = bot.rank
        timeZone = bot.timeZone
        metadata = BotMetadataDTO(fields: bot.metadata, pricing: bot.pricing)
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
        case updatedAt = "updated_at"
        case ownerID = "owner_id"
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
    /// The owning user's id.
    var ownerID: UUID?

    enum CodingKeys: String, CodingKey {
        case name, description, status, type, rank, metadata
        case sceneDescription = "scene_description"
        case avatarURL = "avatar_url"
        case timeZone = "time_zone"
        case ownerID = "owner_id"
    }
}

/// A bot's `metadata`: free JSON, plus `pricing` (integers in minor units), which Switchyard reads typed.
struct BotMetadataDTO: Codable, Sendable {
    var fields: [String: JSONValue]
    var pricing: Pricing?

    init(fields: [String: JSONValue], pricing: Pricing?) {
        self.fields = fields
        self.pricing = pricing
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        fields = [:]
        for key in container.allKeys {
            if key.stringValue == "pricing" {
                pricing = try container.decodeIfPresent(Pricing.self, forKey: key)
            } else {
                fields[key.stringValue] = try container.decode(JSONValue.self, forKey: key)
            }
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyKey.self)
        for (key, value) in fields where key != "pricing" {
            try container.encode(value, forKey: AnyKey(key))
        }
        if let pricing { try container.encode(pricing, forKey: AnyKey("pricing")) }
    }
}

/// A coding key for objects whose keys are data.
struct AnyKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
