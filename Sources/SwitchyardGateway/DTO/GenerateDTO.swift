import SwitchyardCore

/// The body of `POST /v1/generate/`.
struct GenerateRequestDTO: Decodable, Sendable {
    /// Required unless `route` is given.
    var provider: String?
    var model: String?
    /// A route of the routing table, served instead of `provider`/`model`.
    var route: String?
    /// An answer without text fails the attempt (the chain moves on).
    var requireContent: Bool?
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
    /// Any JSON object (bounded in size); not sent upstream.
    var metadata: [String: JSONValue]?
    var user: String?
    /// Answer with Server-Sent Events (see `GenerateStreamEncoder`).
    var stream: Bool?

    enum CodingKeys: String, CodingKey {
        case provider, model, messages, temperature, stop, retry, fallbacks, metadata, user, stream, route
        case systemInstruction = "system_instruction"
        case requireContent = "require_content"
        case topP = "top_p"
        case topK = "top_k"
        case maxTokens = "max_tokens"
        case regionName = "region_name"
    }

    /// The core request, with system messages folded into the system instruction and the region taken from
    /// `region_name` or `metadata.region_name`.
    /// - Throws: ``RequestValidationError`` when neither a route nor a provider and a model are given, or the metadata
    ///   is too large.
    func request() throws(RequestValidationError) -> GenerationRequest {
        if route == nil {
            guard provider != nil else {
                throw RequestValidationError(parameter: "provider", message: "Send `provider` and `model`, or `route`.")
            }
            guard model != nil else {
                throw RequestValidationError(parameter: "model", message: "Send `provider` and `model`, or `route`.")
            }
        }
        if let metadata, let problem = BotMetadataRules.sizeProblem(metadata) {
            throw RequestValidationError(parameter: problem.param, message: problem.message)
        }
        let (system, conversation) = SystemSplit.split(messages, explicit: systemInstruction)
        return GenerationRequest(
            provider: provider ?? "", model: model ?? "", systemInstruction: system, messages: conversation,
            sampling: SamplingParameters(
                temperature: temperature, topP: topP, topK: topK, maxTokens: maxTokens, stop: stop?.values ?? []),
            retry: retry, fallbacks: fallbacks, regionName: regionName ?? metadata?["region_name"]?.string,
            metadata: metadata ?? [:], user: user, route: route, requireContent: requireContent ?? false)
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
    var usage: CostedUsage
    var provider: String
    var model: String
    var attempts: [AttemptRecord]

    init(_ response: GenerationResponse) {
        choices = [Choice(message: .init(content: response.text), finishReason: response.finishReason.rawValue)]
        usage = CostedUsage(response.usage, cost: response.cost)
        provider = response.provider
        model = response.model
        attempts = response.attempts
    }
}
