/// Token counts of one generation.
public struct Usage: Sendable, Equatable, Codable {
    public var promptTokens: Int
    public var completionTokens: Int
    public var totalTokens: Int
    /// How many of the prompt tokens were read from the provider's prompt cache (billed at the cached-input price).
    public var cachedPromptTokens: Int

    /// - Parameters:
    ///   - promptTokens: Tokens read, cached ones included.
    ///   - completionTokens: Tokens written.
    ///   - totalTokens: Their sum, unless the provider reported another figure.
    ///   - cachedPromptTokens: The prompt tokens served from the provider's cache.
    public init(promptTokens: Int, completionTokens: Int, totalTokens: Int? = nil, cachedPromptTokens: Int = 0) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.totalTokens = totalTokens ?? (promptTokens + completionTokens)
        self.cachedPromptTokens = cachedPromptTokens
    }

    public static let zero = Usage(promptTokens: 0, completionTokens: 0)

    enum CodingKeys: String, CodingKey {
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
        case totalTokens = "total_tokens"
        case promptTokensDetails = "prompt_tokens_details"
    }

    /// OpenAI's `prompt_tokens_details`, where the cached count is written.
    struct PromptTokensDetails: Codable {
        var cachedTokens: Int?

        enum CodingKeys: String, CodingKey {
            case cachedTokens = "cached_tokens"
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        promptTokens = try container.decode(Int.self, forKey: .promptTokens)
        completionTokens = try container.decode(Int.self, forKey: .completionTokens)
        totalTokens = try container.decodeIfPresent(Int.self, forKey: .totalTokens) ?? promptTokens + completionTokens
        cachedPromptTokens =
            try container.decodeIfPresent(PromptTokensDetails.self, forKey: .promptTokensDetails)?.cachedTokens ?? 0
    }

    /// Writes OpenAI's shape; `prompt_tokens_details` only when some prompt tokens were cached.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(promptTokens, forKey: .promptTokens)
        try container.encode(completionTokens, forKey: .completionTokens)
        try container.encode(totalTokens, forKey: .totalTokens)
        if cachedPromptTokens > 0 {
            try container.encode(PromptTokensDetails(cachedTokens: cachedPromptTokens), forKey: .promptTokensDetails)
        }
    }
}
