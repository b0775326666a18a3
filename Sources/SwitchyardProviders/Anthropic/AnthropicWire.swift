/// Wire types of the Anthropic Messages API. <https://docs.anthropic.com/en/api/messages>
enum AnthropicWire {
    struct Request: Encodable {
        struct Message: Encodable {
            var role: String
            var content: String
        }

        struct Metadata: Encodable {
            var userID: String

            enum CodingKeys: String, CodingKey {
                case userID = "user_id"
            }
        }

        var model: String
        var maxTokens: Int
        var system: String?
        var messages: [Message]
        var temperature: Double?
        var topP: Double?
        var topK: Int?
        var stopSequences: [String]?
        var stream: Bool?
        var metadata: Metadata?

        enum CodingKeys: String, CodingKey {
            case model, system, messages, temperature, stream, metadata
            case maxTokens = "max_tokens"
            case topP = "top_p"
            case topK = "top_k"
            case stopSequences = "stop_sequences"
        }
    }

    /// `input_tokens` leaves out the tokens read from and written to the prompt cache, which come separately.
    struct Usage: Decodable {
        var inputTokens: Int?
        var outputTokens: Int?
        var cacheCreationInputTokens: Int?
        var cacheReadInputTokens: Int?

        enum CodingKeys: String, CodingKey {
            case inputTokens = "input_tokens"
            case outputTokens = "output_tokens"
            case cacheCreationInputTokens = "cache_creation_input_tokens"
            case cacheReadInputTokens = "cache_read_input_tokens"
        }

        /// Every prompt token (cached and cache-written ones included), and the cached ones.
        var prompt: (tokens: Int, cached: Int) {
            let cached = cacheReadInputTokens ?? 0
            return ((inputTokens ?? 0) + (cacheCreationInputTokens ?? 0) + cached, cached)
        }
    }

    struct ContentBlock: Decodable {
        var type: String
        var text: String?
    }

    struct Message: Decodable {
        var model: String?
        var content: [ContentBlock]
        var stopReason: String?
        var usage: Usage?

        enum CodingKeys: String, CodingKey {
            case model, content, usage
            case stopReason = "stop_reason"
        }
    }

    /// Any streamed event; only the fields the gateway needs.
    struct Event: Decodable {
        struct Delta: Decodable {
            var type: String?
            var text: String?
            var stopReason: String?

            enum CodingKeys: String, CodingKey {
                case type, text
                case stopReason = "stop_reason"
            }
        }

        struct Start: Decodable {
            var usage: Usage?
        }

        var type: String
        var message: Start?
        var delta: Delta?
        var usage: Usage?
    }
}
