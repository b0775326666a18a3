import FluentKit
import Foundation
import SwitchyardCore

final class BotRow: Model, @unchecked Sendable {
    static let schema = "bots"

    @ID(key: .id) var id: UUID?
    @Field(key: "slug") var slug: String
    @Field(key: "name") var name: String
    @Field(key: "description") var description: String
    @Field(key: "scene_description") var sceneDescription: String
    @OptionalField(key: "avatar_url") var avatarURL: String?
    @Field(key: "status") var status: String
    @Field(key: "type") var type: String
    @Field(key: "rank") var rank: Int
    @OptionalField(key: "time_zone") var timeZone: String?
    /// Free JSON metadata, as JSON text.
    @Field(key: "metadata") var metadata: String
    /// ``Pricing`` as JSON text: integers stay exact.
    @OptionalField(key: "pricing") var pricing: String?
    @OptionalField(key: "owner_id") var ownerID: UUID?
    @OptionalField(key: "launched_on") var launchedOn: Date?
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "updated_at") var updatedAt: Date?
    @OptionalField(key: "deleted_at") var deletedAt: Date?

    init() {}

    init(_ bot: Bot) {
        id = bot.id
        apply(bot)
    }

    func apply(_ bot: Bot) {
        slug = bot.slug
        name = bot.name
        description = bot.description
        sceneDescription = bot.sceneDescription
        avatarURL = bot.avatarURL
        status = bot.status.rawValue
        type = bot.type
        rank = bot.rank
        timeZone = bot.timeZone
        metadata = MetadataColumn.text(bot.metadata)
        pricing = bot.pricing.map(PricingColumn.text)
        ownerID = bot.ownerID
        updatedAt = bot.updatedAt
        launchedOn = bot.launchedOn
        createdAt = bot.createdAt
        deletedAt = bot.deletedAt
    }

    var value: Bot {
        Bot(
            id: id ?? UUID(), slug: slug, name: name, description: description, sceneDescription: sceneDescription,
            avatarURL: avatarURL, status: BotStatus(rawValue: status) ?? .draft, type: type, rank: rank,
            timeZone: timeZone, metadata: MetadataColumn.metadata(metadata), pricing: PricingColumn.pricing(pricing),
            ownerID: ownerID, launchedOn: launchedOn, createdAt: createdAt, updatedAt: updatedAt, deletedAt: deletedAt)
    }
}
