/// Wire types of the OpenAI Chat Completions API, as far as the gateway uses them.
/// <https://platform.openai.com/docs/api-reference/chat/create>
enum OpenAIWire {
    /// Written by ``json()`` (OpenAIWire+JSON.swift).
    struct Request {
        struct Message {
            var role: String
            var content: String
        }

        struct StreamOptions {
            var includeUsage: Bool
        }

        var model: String
        var messages: [Message]
        var temperature: Double?
        var topP: Double?
        var topK: Int?
        var maxTokens: Int?
        var maxCompletionTokens: Int?
        var stop: [String]?
        var seed: Int?
        var randomSeed: Int?
        var user: String?
        var stream: Bool?
        var streamOptions: StreamOptions?
    }

    struct Usage: Decodable {
        struct PromptTokensDetails: Decodable {
            var cachedTokens: Int?

            enum CodingKeys: String, CodingKey {
                case cachedTokens = "cached_tokens"
            }
        }

        var promptTokens: Int?
        var completionTokens: Int?
        var totalTokens: Int?
        /// `cached_tokens` counts prompt tokens read from the cache; they are part of `prompt_tokens`.
        var promptTokensDetails: PromptTokensDetails?

        enum CodingKeys: String, CodingKey {
            case promptTokens = "prompt_tokens"
            case completionTokens = "completion_tokens"
            case totalTokens = "total_tokens"
            case promptTokensDetails = "prompt_tokens_details"
        }
    }

    struct Completion: Decodable {
        struct Choice: Decodable {
            struct Message: Decodable {
                var content: String?
                var refusal: String?
            }

            var message: Message?
            var finishReason: String?

            enum CodingKeys: String, CodingKey {
                case message
                case finishReason = "finish_reason"
            }
        }

        var model: String?
        var choices: [Choice]
        var usage: Usage?
    }

    struct Chunk: Decodable {
        struct Choice: Decodable {
            struct Delta: Decodable {
                var content: String?
            }

            var delta: Delta?
            var finishReason: String?

            enum CodingKeys: String, CodingKey {
                case delta
                case finishReason = "finish_reason"
            }
        }

        struct XGroq: Decodable {
            var usage: Usage?
        }

        var choices: [Choice]?
        var usage: Usage?
        var xGroq: XGroq?

        enum CodingKeys: String, CodingKey {
            case choices, usage
            case xGroq = "x_groq"
        }
    }
}
