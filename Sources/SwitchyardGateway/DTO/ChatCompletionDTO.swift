import SwitchyardCore
import SwitchyardHTTP

/// The body of `POST /v1/chat/completions`. Unknown fields are accepted and ignored, as OpenAI's SDKs expect.
struct ChatCompletionRequestDTO: Decodable, Sendable {
    struct StreamOptions: Decodable, Sendable {
        var includeUsage: Bool?

        enum CodingKeys: String, CodingKey {
            case includeUsage = "include_usage"
        }
    }

    struct ResponseFormat: Decodable, Sendable {
        var type: String
    }

    var model: String
    var messages: [MessageDTO]
    var temperature: Double?
    var topP: Double?
    var topK: Int?
    var maxTokens: Int?
    var maxCompletionTokens: Int?
    var stop: StringOrArray?
    var seed: Int?
    var n: Int?
    var stream: Bool?
    var streamOptions: StreamOptions?
    var user: String?
    var tools: [ToolPresence]?
    var responseFormat: ResponseFormat?

    /// Tools are detected, not decoded: the gateway refuses them explicitly.
    struct ToolPresence: Decodable, Sendable {
        init() {}
        init(from decoder: any Decoder) throws {}
    }

    enum CodingKeys: String, CodingKey {
        case model, messages, temperature, stop, seed, n, stream, user, tools
        case topP = "top_p"
        case topK = "top_k"
        case maxTokens = "max_tokens"
        case maxCompletionTokens = "max_completion_tokens"
        case streamOptions = "stream_options"
        case responseFormat = "response_format"
    }

    var sampling: SamplingParameters {
        SamplingParameters(
            temperature: temperature, topP: topP, topK: topK, maxTokens: maxCompletionTokens ?? maxTokens,
            stop: stop?.values ?? [], seed: seed)
    }
}

/// A non-streamed `chat.completion`.
struct ChatCompletionResponseDTO: Encodable, Sendable {
    struct Choice: Encodable {
        struct Message: Encodable {
            var role = "assistant"
            var content: String
            var refusal: String? = nil

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(role, forKey: .role)
                try container.encode(content, forKey: .content)
                try container.encode(refusal, forKey: .refusal)
            }

            enum CodingKeys: String, CodingKey {
                case role, content, refusal
            }
        }

        var index = 0
        var message: Message
        var finishReason: String
        var logprobs: String? = nil

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(index, forKey: .index)
            try container.encode(message, forKey: .message)
            try container.encode(finishReason, forKey: .finishReason)
            try container.encodeNil(forKey: .logprobs)
        }

        enum CodingKeys: String, CodingKey {
            case index, message, logprobs
            case finishReason = "finish_reason"
        }
    }

    var id: String
    var object = "chat.completion"
    var created: Int
    var model: String
    var choices: [Choice]
    var usage: CostedUsage
}

/// One `chat.completion.chunk` of a stream.
struct ChatCompletionChunkDTO: Encodable, Sendable {
    struct Choice: Encodable {
        struct Delta: Encodable {
            var role: String?
            var content: String?
        }

        var index = 0
        var delta: Delta
        var finishReason: String?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(index, forKey: .index)
            try container.encode(delta, forKey: .delta)
            try container.encode(finishReason, forKey: .finishReason)
        }

        enum CodingKeys: String, CodingKey {
            case index, delta
            case finishReason = "finish_reason"
        }
    }

    var id: String
    var object = "chat.completion.chunk"
    var created: Int
    var model: String
    var choices: [Choice]
    /// Present (as null or a value) only when the client asked for usage.
    var usage: CostedUsage??

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(object, forKey: .object)
        try container.encode(created, forKey: .created)
        try container.encode(model, forKey: .model)
        try container.encode(choices, forKey: .choices)
        if let usage { try container.encode(usage, forKey: .usage) }
    }

    enum CodingKeys: String, CodingKey {
        case id, object, created, model, choices, usage
    }
}

/// The error event that ends a stream that broke after its commit point: OpenAI's error object plus the usage
/// delivered so far.
struct StreamErrorDTO: Encodable, Sendable {
    var error: APIError.Envelope.Body
    var usage: Usage
}

/// `GET /v1/models` entries.
struct ModelDTO: Encodable, Sendable {
    var id: String
    var object = "model"
    var created: Int
    var ownedBy: String

    enum CodingKeys: String, CodingKey {
        case id, object, created
        case ownedBy = "owned_by"
    }
}

struct ModelListDTO: Encodable, Sendable {
    var object = "list"
    var data: [ModelDTO]
}
