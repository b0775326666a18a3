/// Wire types of the Gemini API (generativelanguage v1beta). <https://ai.google.dev/api/generate-content>
enum GeminiWire {
    struct Part: Codable {
        var text: String?
        var thought: Bool?
    }

    struct Content: Codable {
        var role: String?
        var parts: [Part]
    }

    struct GenerationConfig: Encodable {
        var temperature: Double?
        var topP: Double?
        var topK: Int?
        var maxOutputTokens: Int?
        var stopSequences: [String]?
        var seed: Int?
    }

    struct Request: Encodable {
        var contents: [Content]
        var systemInstruction: Content?
        var generationConfig: GenerationConfig?
    }

    struct UsageMetadata: Decodable {
        var promptTokenCount: Int?
        /// Part of `promptTokenCount`: the tokens read from a cached context.
        var cachedContentTokenCount: Int?
        var candidatesTokenCount: Int?
        var thoughtsTokenCount: Int?
        var totalTokenCount: Int?
    }

    struct Candidate: Decodable {
        var content: Content?
        var finishReason: String?
    }

    struct PromptFeedback: Decodable {
        var blockReason: String?
    }

    struct Response: Decodable {
        var candidates: [Candidate]?
        var promptFeedback: PromptFeedback?
        var usageMetadata: UsageMetadata?
        var modelVersion: String?
    }
}
