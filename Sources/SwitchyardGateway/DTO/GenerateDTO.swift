import SwitchyardCore

/// The body of `POST /v1/generate/`.
struct GenerateRequestDTO: Decodable, Sendable {
    var provider: String
    var model: String
    var systemInstruction: String?
    var messages: [MessageDTO]
    var temperature: Double?
    var topP: Double?
    var topK: Int?
    var maxTokens: Int?
    var stop: StringOrArray?
    var retry: Int?
    var fallbacks: [Target]?
    var regionName: String?
    var metadata: [String: MetadataValue]?
    var user: String?
    /// Answer with Server-Sent Events (see `GenerateStreamEncoder`).
    var stream: Bool?

    enum CodingKeys: String, CodingKey {
        case provider, model, messages, temperature, stop, retry, fallbacks, metadata, user, stream
        case systemInstruction = "system_instruction"
        case topP = "top_p"
        case topK = "top_k"
        case maxTokens = "max_tokens"
        case regionName = "region_name"
    }

    /// The core request, with system messages folded into the system instruction and the region taken from
    /// `region_name` or `metadata.region_name`.
    var request: GenerationRequest {
        let (system, conversation) = SystemSplit.split(messages, explicit: systemInstruction)
        let metadataText = (metadata ?? [:]).mapValues(\.text)
        return GenerationRequest(
            provider: provider, model: model, systemInstruction: system, messages: conversation,
            sampling: SamplingParameters(
                temperature: temperature, topP: topP, topK: topK, maxTokens: maxTokens, stop: stop?.values ?? []),
            retry: retry, fallbacks: fallbacks, regionName: regionName ?? metadataText["region_name"],
            metadata: metadataText, user: user)
    }
}

/// The body answered by `POST /v1/generate/`.
struct GenerateResponseDTO: Codable, Sendable {
    struct Choice: Codable {
        struct Message: Codable {
            var role = "assistant"
            var content: String
        }

        var index = 0
        var message: Message
        var finishReason: String

        enum CodingKeys: String, CodingKey {
            case index, message
            case finishReason = "finish_reason"
        }
    }

    var choices: [Choice]
    var usage: Usage
    var provider: String
    var model: String
    var attempts: [AttemptRecord]

    init(_ response: GenerationResponse) {
        choices = [Choice(message: .init(content: response.text), finishReason: response.finishReason.rawValue)]
        usage = response.usage
        provider = response.provider
        model = response.model
        attempts = response.attempts
    }
}
