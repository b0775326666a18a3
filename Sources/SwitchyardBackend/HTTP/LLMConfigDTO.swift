import Foundation
import SwitchyardCore
import SwitchyardHTTP

/// `POST /admin/v1/bots/{slug}/llm-configs` and `PATCH /admin/v1/llm-configs/{id}`, and their answer.
struct LLMConfigDTO: Codable, Sendable {
    /// A config's `metadata`: the typed keys Switchyard reads (`region_name`, `fallbacks`, `weight`), and any other
    /// JSON (`tools`, `experiment`, `api_endpoint`, `additional_config`…), kept and passed to the gateway.
    struct Metadata: Codable, Sendable {
        var regionName: String?
        var fallbacks: [Target]?
        var weight: Int?
        var other: [String: JSONValue] = [:]

        static let typedKeys: Set<String> = ["region_name", "fallbacks", "weight"]

        init(regionName: String?, fallbacks: [Target]?, weight: Int?, other: [String: JSONValue]) {
            self.regionName = regionName
            self.fallbacks = fallbacks
            self.weight = weight
            self.other = other
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: AnyKey.self)
            for key in container.allKeys {
                switch key.stringValue {
                case "region_name": regionName = try container.decodeIfPresent(String.self, forKey: key)
                case "fallbacks": fallbacks = try container.decodeIfPresent([Target].self, forKey: key)
                case "weight": weight = try container.decodeIfPresent(Int.self, forKey: key)
                default: other[key.stringValue] = try container.decode(JSONValue.self, forKey: key)
                }
            }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: AnyKey.self)
            for (key, value) in other where !Self.typedKeys.contains(key) {
                try container.encode(value, forKey: AnyKey(key))
            }
            if let regionName { try container.encode(regionName, forKey: AnyKey("region_name")) }
            if let fallbacks { try container.encode(fallbacks, forKey: AnyKey("fallbacks")) }
            if let weight { try container.encode(weight, forKey: AnyKey("weight")) }
        }
    }

    var id: LowercaseUUID?
    var botID: LowercaseUUID?
    /// Required unless `route` is given.
    var llmProvider: String?
    var modelName: String?
    /// A gateway route (`deepseek-v3`) instead of a provider and model.
    var route: String?
    var promptTemplate: String?
    var promptLabel: String?
    var prompt: String?
    var temperature: Double?
    var topP: Double?
    var topK: Int?
    var maxOutputTokens: Int?
    var isActive: Bool?
    var metadata: Metadata?
    var createdAt: Date?
    var updatedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, prompt, temperature, metadata, route
        case createdAt = "created_at"
        case updatedAt = "updated_at"
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
        id = LowercaseUUID(config.id)
        botID = LowercaseUUID(config.botID)
        llmProvider = config.route == nil ? config.provider : nil
        modelName = config.route == nil ? config.model : nil
        route = config.route
        createdAt = config.createdAt
        updatedAt = config.updatedAt
        promptTemplate = config.promptTemplate
        promptLabel = config.promptLabel
        prompt = config.inlinePrompt
        temperature = config.temperature
        topP = config.topP
        topK = config.topK
        maxOutputTokens = config.maxOutputTokens
        isActive = config.isActive
        metadata = Metadata(
            regionName: config.regionName, fallbacks: config.fallbacks, weight: config.weight, other: config.metadata)
    }
}
