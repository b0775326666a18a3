import AsyncHTTPClient
import Foundation
import SwitchyardCore
import SwitchyardProviders
import SwitchyardTesting
import Testing

/// One contract that every adapter passes, driven by a table of provider × capability. Each provider runs against
/// its own fake, which checks requests like the real service and answers in its bytes. A capability a provider
/// lacks is declared in the table (`nil`) and the suite checks the adapter leaves it out, rather than skipping.
struct ContractSubject: Sendable, CustomTestStringConvertible {
    typealias Body = [String: Any]
    typealias Runner =
        @Sendable (@Sendable (any ChatProvider, FakeUpstreamState) async throws -> Void) async throws -> Void

    let name: String
    let run: Runner
    /// Where each parameter lands in the request body.
    let system: @Sendable (Body) -> String?
    let temperature: @Sendable (Body) -> Double?
    let maxTokens: @Sendable (Body) -> Int?
    /// nil: the provider has no top-k, and the adapter must not send one.
    let topK: (@Sendable (Body) -> Int?)?
    /// The provider's own bytes for each failure class; a missing class means the provider has no such signal.
    let errors: [ProviderFailure.Kind: FakeResponse]
    /// The wait the rate-limit answer asks for, if the provider says.
    let rateLimitRetryAfter: Duration?

    var testDescription: String { name }

    static func openAIFamily(
        _ fake: FakeOpenAIUpstream.Flavor, _ flavor: OpenAIFlavor, errors: [ProviderFailure.Kind: FakeResponse],
        topK: Bool
    )
        -> ContractSubject
    {
        let run: Runner = { body in
            let upstream = FakeOpenAIUpstream(flavor: fake)
            try await upstream.run { base in
                let provider = OpenAICompatibleProvider(
                    id: flavor.rawValue, flavor: flavor, baseURL: base, apiKey: Secret("sk-test-key"),
                    transport: HTTPTransport(client: .shared))
                try await body(provider, upstream.state)
            }
        }
        let system: @Sendable (Body) -> String? = { body in
            let messages = body["messages"] as? [[String: Any]] ?? []
            return messages.first { $0["role"] as? String == "system" }?["content"] as? String
        }
        let maxTokens: @Sendable (Body) -> Int? = { body in
            (body["max_completion_tokens"] as? Int) ?? (body["max_tokens"] as? Int)
        }
        let topKPath: @Sendable (Body) -> Int? = { body in body["top_k"] as? Int }
        return ContractSubject(
            name: flavor.rawValue, run: run, system: system, temperature: { $0["temperature"] as? Double },
            maxTokens: maxTokens, topK: topK ? topKPath : nil, errors: errors, rateLimitRetryAfter: .seconds(2))
    }

    static let openAIErrors: [ProviderFailure.Kind: FakeResponse] = [
        .rateLimited: .raw(
            status: 429,
            body: OpenAIBytes.openAIError(message: "Rate limit reached", type: "requests", code: "rate_limit_exceeded"),
            headers: ["retry-after": "2"]),
        .overloaded: .raw(
            status: 503, body: OpenAIBytes.openAIError(message: "Slow Down", type: "server_error", code: nil)),
        .upstream5xx: .raw(
            status: 500,
            body: OpenAIBytes.openAIError(message: "The server had an error", type: "server_error", code: nil)),
        .contextTooLong: .raw(
            status: 400,
            body: OpenAIBytes.openAIError(
                message: "This model's maximum context length is 128000 tokens.", type: "invalid_request_error",
                code: "context_length_exceeded")),
        .auth: .raw(
            status: 401,
            body: OpenAIBytes.openAIError(
                message: "Incorrect API key provided", type: "invalid_request_error", code: "invalid_api_key")),
        .notFound: .raw(
            status: 404,
            body: OpenAIBytes.openAIError(
                message: "The model does not exist", type: "invalid_request_error", code: "model_not_found")),
        .invalidRequest: .raw(
            status: 400,
            body: OpenAIBytes.openAIError(message: "Invalid 'messages'", type: "invalid_request_error", code: nil)),
        .contentFiltered: .raw(
            status: 200,
            body:
                #"{"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":null},"finish_reason":"content_filter"}]}"#
        ),
    ]

    static let all: [ContractSubject] = [
        openAIFamily(.openai, .openai, errors: openAIErrors, topK: false),
        openAIFamily(
            .groq, .groq,
            errors: openAIErrors.merging([
                .overloaded: .raw(
                    status: 498,
                    body:
                        #"{"error":{"message":"flex tier capacity exceeded","type":"internal_server_error","code":"capacity_exceeded"}}"#
                )
            ]) { $1 }, topK: false),
        openAIFamily(
            .openrouter, .openrouter,
            errors: [
                .rateLimited: .raw(
                    status: 429, body: OpenAIBytes.openRouterError(code: 429, message: "Rate limit exceeded"),
                    headers: ["retry-after": "2"]),
                .overloaded: .raw(
                    status: 503, body: OpenAIBytes.openRouterError(code: 503, message: "No instances available")),
                .upstream5xx: .raw(
                    status: 502,
                    body: OpenAIBytes.openRouterError(
                        code: 502, message: "Provider returned error", metadata: #"{"provider_name":"X"}"#)),
                .contextTooLong: .raw(
                    status: 400,
                    body: OpenAIBytes.openRouterError(
                        code: 400, message: "This endpoint's maximum context length is 163840 tokens.")),
                .auth: .raw(status: 402, body: OpenAIBytes.openRouterError(code: 402, message: "Insufficient credits")),
                .contentFiltered: .raw(
                    status: 403,
                    body: OpenAIBytes.openRouterError(
                        code: 403, message: "Input was flagged", metadata: #"{"reasons":["hate"],"flagged_input":"…"}"#)
                ),
                .notFound: .raw(
                    status: 404, body: OpenAIBytes.openRouterError(code: 404, message: "No endpoints found")),
                .invalidRequest: .raw(
                    status: 400, body: OpenAIBytes.openRouterError(code: 400, message: "Invalid request")),
            ], topK: true),
        openAIFamily(
            .byteplus, .byteplus,
            errors: [
                .rateLimited: .raw(
                    status: 429,
                    body: OpenAIBytes.byteplusError(
                        code: "RateLimitExceeded.EndpointRPMExceeded", message: "rpm exceeded"),
                    headers: ["retry-after": "2"]),
                .overloaded: .raw(
                    status: 429, body: OpenAIBytes.byteplusError(code: "ServerOverloaded", message: "server overloaded")
                ),
                .upstream5xx: .raw(
                    status: 500, body: OpenAIBytes.byteplusError(code: "InternalServiceError", message: "internal")),
                .auth: .raw(
                    status: 401, body: OpenAIBytes.byteplusError(code: "AuthenticationError", message: "invalid key")),
                .contentFiltered: .raw(
                    status: 400,
                    body: OpenAIBytes.byteplusError(
                        code: "SensitiveContentDetected", message: "may contain sensitive information")),
                .notFound: .raw(
                    status: 404,
                    body: OpenAIBytes.byteplusError(code: "InvalidEndpointOrModel.NotFound", message: "not found")),
                .invalidRequest: .raw(
                    status: 400, body: OpenAIBytes.byteplusError(code: "MissingParameter", message: "missing")),
            ], topK: false),
        openAIFamily(
            .mistral, .mistral,
            errors: [
                .rateLimited: .raw(
                    status: 429,
                    body:
                        #"{"object":"error","message":"Requests rate limit exceeded","type":"rate_limited","param":null,"code":"1300"}"#,
                    headers: ["retry-after": "2"]),
                .overloaded: .raw(
                    status: 503,
                    body:
                        #"{"object":"error","message":"Service unavailable","type":"internal_server_error","param":null,"code":null}"#
                ),
                .upstream5xx: .raw(
                    status: 500,
                    body:
                        #"{"object":"error","message":"Internal error","type":"internal_server_error","param":null,"code":null}"#
                ),
                .contextTooLong: .raw(
                    status: 400,
                    body:
                        #"{"object":"error","message":"Prompt contains 40000 tokens, too large for model with 32768 maximum context length","type":"invalid_request_error","param":null,"code":null}"#
                ),
                .auth: .raw(status: 401, body: #"{"message":"Unauthorized","request_id":"abc"}"#),
                .invalidRequest: .raw(
                    status: 422,
                    body:
                        #"{"object":"error","message":{"detail":[{"type":"extra_forbidden","loc":["body","x"],"msg":"Extra inputs are not permitted"}]},"type":"invalid_request_error","param":null,"code":null}"#
                ),
            ], topK: false),
        openAIFamily(.compatible, .openaiCompatible, errors: openAIErrors, topK: true),
        ContractSubject(
            name: "anthropic",
            run: { body in
                let upstream = FakeAnthropicUpstream()
                try await upstream.run { base in
                    try await body(
                        AnthropicProvider(
                            baseURL: base, apiKey: Secret("sk-ant-test"), transport: HTTPTransport(client: .shared)),
                        upstream.state)
                }
            },
            system: { $0["system"] as? String }, temperature: { $0["temperature"] as? Double },
            maxTokens: { $0["max_tokens"] as? Int }, topK: { $0["top_k"] as? Int },
            errors: [
                .rateLimited: .raw(
                    status: 429,
                    body: FakeAnthropicUpstreamBytes.error(
                        "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit"),
                    headers: ["retry-after": "2"]),
                .overloaded: .raw(
                    status: 529, body: FakeAnthropicUpstreamBytes.error("overloaded_error", "Overloaded")),
                .upstream5xx: .raw(
                    status: 500, body: FakeAnthropicUpstreamBytes.error("api_error", "Internal server error")),
                .contextTooLong: .raw(
                    status: 400,
                    body: FakeAnthropicUpstreamBytes.error(
                        "invalid_request_error", "prompt is too long: 210000 tokens > 200000 maximum")),
                .auth: .raw(
                    status: 401, body: FakeAnthropicUpstreamBytes.error("authentication_error", "invalid x-api-key")),
                .notFound: .raw(
                    status: 404, body: FakeAnthropicUpstreamBytes.error("not_found_error", "model: claude-x")),
                .invalidRequest: .raw(
                    status: 400,
                    body: FakeAnthropicUpstreamBytes.error(
                        "invalid_request_error", "messages.0.content: Field required")),
                .contentFiltered: .raw(
                    status: 200,
                    body:
                        #"{"id":"msg_1","type":"message","role":"assistant","model":"c","content":[],"stop_reason":"refusal","stop_sequence":null,"usage":{"input_tokens":5,"output_tokens":0}}"#
                ),
            ], rateLimitRetryAfter: .seconds(2)),
        ContractSubject(
            name: "gemini",
            run: { body in
                let upstream = FakeGeminiUpstream()
                try await upstream.run { base in
                    try await body(
                        GeminiProvider(
                            baseURL: base, apiKey: Secret("gemini-test-key"), transport: HTTPTransport(client: .shared)),
                        upstream.state)
                }
            },
            system: {
                (($0["systemInstruction"] as? [String: Any])?["parts"] as? [[String: Any]])?.first?["text"] as? String
            },
            temperature: { ($0["generationConfig"] as? [String: Any])?["temperature"] as? Double },
            maxTokens: { ($0["generationConfig"] as? [String: Any])?["maxOutputTokens"] as? Int },
            topK: { ($0["generationConfig"] as? [String: Any])?["topK"] as? Int },
            errors: [
                .rateLimited: .raw(
                    status: 429,
                    body: FakeGeminiBytes.error(
                        429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota).",
                        details: #"[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"2s"}]"#)),
                .overloaded: .raw(
                    status: 503,
                    body: FakeGeminiBytes.error(503, "UNAVAILABLE", "The model is overloaded. Please try again later.")),
                .upstream5xx: .raw(
                    status: 500, body: FakeGeminiBytes.error(500, "INTERNAL", "An internal error has occurred.")),
                .contextTooLong: .raw(
                    status: 400,
                    body: FakeGeminiBytes.error(
                        400, "INVALID_ARGUMENT",
                        "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).")),
                .auth: .raw(status: 400, body: FakeGeminiBytes.invalidKey),
                .notFound: .raw(
                    status: 404,
                    body: FakeGeminiBytes.error(404, "NOT_FOUND", "models/gemini-x is not found for API version v1beta")
                ),
                .invalidRequest: .raw(
                    status: 400, body: FakeGeminiBytes.error(400, "INVALID_ARGUMENT", "Invalid value at 'contents[0]'")),
                .contentFiltered: .raw(status: 200, body: FakeGeminiUpstream.promptBlocked),
            ], rateLimitRetryAfter: .seconds(2)),
        ContractSubject(
            name: "bedrock",
            run: { body in
                let upstream = FakeBedrockUpstream()
                try await upstream.run { base in
                    let credentials = AWSCredentials(
                        accessKeyID: upstream.accessKeyID, secretAccessKey: Secret(upstream.secretAccessKey))
                    try await body(
                        BedrockProvider(
                            authentication: .sigV4(credentials), endpointOverride: base,
                            transport: HTTPTransport(client: .shared)), upstream.state)
                }
            },
            system: { ($0["system"] as? [[String: Any]])?.first?["text"] as? String },
            temperature: { ($0["inferenceConfig"] as? [String: Any])?["temperature"] as? Double },
            maxTokens: { ($0["inferenceConfig"] as? [String: Any])?["maxTokens"] as? Int },
            topK: nil,
            errors: [
                .rateLimited: .raw(
                    status: 429, body: #"{"message":"Too many requests, please wait before trying again."}"#,
                    headers: [
                        "x-amzn-ErrorType": "ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/"
                    ]),
                .overloaded: .raw(
                    status: 503, body: #"{"message":"Service unavailable"}"#,
                    headers: ["x-amzn-ErrorType": "ServiceUnavailableException"]),
                .upstream5xx: .raw(
                    status: 500, body: #"{"message":"Internal error"}"#,
                    headers: ["x-amzn-ErrorType": "InternalServerException"]),
                .contextTooLong: .raw(
                    status: 400, body: #"{"message":"Input is too long for requested model."}"#,
                    headers: ["x-amzn-ErrorType": "ValidationException"]),
                .auth: .raw(
                    status: 403,
                    body: #"{"message":"You don't have access to the model with the specified model ID."}"#,
                    headers: ["x-amzn-ErrorType": "AccessDeniedException"]),
                .notFound: .raw(
                    status: 404, body: #"{"message":"Could not resolve the foundation model"}"#,
                    headers: ["x-amzn-ErrorType": "ResourceNotFoundException"]),
                .invalidRequest: .raw(
                    status: 400, body: #"{"message":"Malformed input request"}"#,
                    headers: ["x-amzn-ErrorType": "ValidationException"]),
                .timeout: .raw(
                    status: 408, body: #"{"message":"Model has timed out"}"#,
                    headers: ["x-amzn-ErrorType": "ModelTimeoutException"]),
                .contentFiltered: .raw(
                    status: 200,
                    body:
                        #"{"output":{"message":{"role":"assistant","content":[]}},"stopReason":"guardrail_intervened","usage":{"inputTokens":5,"outputTokens":0,"totalTokens":5}}"#
                ),
            ], rateLimitRetryAfter: nil),
    ]
}

/// Re-exports of the fakes' byte builders under names the table reads well with.
enum FakeAnthropicUpstreamBytes {
    static func error(_ type: String, _ message: String) -> String { FakeAnthropicUpstream.errorBody(type, message) }
}

enum FakeGeminiBytes {
    static func error(_ code: Int, _ status: String, _ message: String, details: String = "[]") -> String {
        FakeGeminiUpstream.errorBody(code, status, message, details: details)
    }

    static var invalidKey: String { FakeGeminiUpstream.invalidKeyBody }
}
