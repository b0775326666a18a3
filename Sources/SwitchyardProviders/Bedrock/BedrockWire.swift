/// Wire types of Bedrock Runtime Converse and ConverseStream.
/// <https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html>
enum BedrockWire {
    struct Text: Codable {
        var text: String?
    }

    struct Message: Codable {
        var role: String
        var content: [Text]
    }

    struct InferenceConfig: Encodable {
        var maxTokens: Int?
        var temperature: Double?
        var topP: Double?
        var stopSequences: [String]?
    }

    struct Request: Encodable {
        var messages: [Message]
        var system: [Text]?
        var inferenceConfig: InferenceConfig?
    }

    /// `inputTokens` leaves out the tokens read from and written to the prompt cache, which come separately.
    struct Usage: Decodable {
        var inputTokens: Int?
        var outputTokens: Int?
        var totalTokens: Int?
        var cacheReadInputTokens: Int?
        var cacheWriteInputTokens: Int?
    }

    struct Response: Decodable {
        struct Output: Decodable {
            var message: Message?
        }

        var output: Output?
        var stopReason: String?
        var usage: Usage?
    }

    struct ContentBlockDelta: Decodable {
        struct Delta: Decodable {
            var text: String?
        }

        var delta: Delta?
    }

    struct MessageStop: Decodable {
        var stopReason: String?
    }

    struct Metadata: Decodable {
        var usage: Usage?
    }
}
