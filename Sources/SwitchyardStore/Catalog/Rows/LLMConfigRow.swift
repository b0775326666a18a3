import FluentKit
import Foundation
import SwitchyardCore

final class LLMConfigRow: Model, @unchecked Sendable {
    static let schema = "bot_llm_configs"

    @ID(key: .id) var id: UUID?
    @Field(key: "bot_id") var botID: UUID
    @Field(key: "llm_provider") var provider: String
    @Field(key: "model_name") var model: String
    @OptionalField(key: "prompt_template") var promptTemplate: String?
    @Field(key: "prompt_label") var promptLabel: String
    @OptionalField(key: "inline_prompt") var inlinePrompt: String?
    @OptionalField(key: "temperature") var temperature: Double?
    @OptionalField(key: "top_p") var topP: Double?
    @OptionalField(key: "top_k") var topK: Int?
    @OptionalField(key: "max_output_tokens") var maxOutputTokens: Int?
    @Field(key: "is_active") var isActive: Bool
    @Field(key: "weight") var weight: Int
    @OptionalField(key: "region_name") var regionName: String?
    /// The fallback chain as JSON text (the same on SQLite and PostgreSQL).
    @OptionalField(key: "fallbacks") var fallbacksJSON: String?
    @OptionalField(key: "route") var route: String?
    /// Free JSON metadata, as JSON text.
    @Field(key: "metadata") var metadata: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "updated_at") var updatedAt: Date?
    @OptionalField(key: "deleted_at") var deletedAt: Date?

    init() {}

    init(_ config: BotLLMConfig) {
        id = config.id
        apply(config)
    }

    func apply(_ config: BotLLMConfig) {
        botID = config.botID
        provider = config.provider
        model = config.model
        promptTemplate = config.promptTemplate
        promptLabel = config.promptLabel
        inlinePrompt = config.inlinePrompt
        temperature = config.temperature
        topP = config.topP
        topK = config.topK
        maxOutputTokens = config.maxOutputTokens
        isActive = config.isActive
        weight = config.weight
        regionName = config.regionName
        fallbacksJSON = config.fallbacks.flatMap { try? String(decoding: JSONEncoder().encode($0), as: UTF8.self) }
        createdAt = config.createdAt
        route = config.route
        metadata = MetadataColumn.text(config.metadata)
        updatedAt = config.updatedAt
        deletedAt = config.deletedAt
    }

    var value: BotLLMConfig {
        BotLLMConfig(
            id: id ?? UUID(), botID: botID, provider: provider, model: model, promptTemplate: promptTemplate,
            promptLabel: promptLabel, inlinePrompt: inlinePrompt, temperature: temperature, topP: topP, topK: topK,
            maxOutputTokens: maxOutputTokens, isActive: isActive, weight: weight, regionName: regionName,
            fallbacks: fallbacksJSON.flatMap { try? JSONDecoder().decode([Target].self, from: Data($0.utf8)) },
            route: route, metadata: MetadataColumn.metadata(metadata), createdAt: createdAt, updatedAt: updatedAt,
            deletedAt: deletedAt)
    }
}
