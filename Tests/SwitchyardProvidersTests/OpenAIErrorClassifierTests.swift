import NIOCore
import NIOHTTP1
import SwitchyardCore
import SwitchyardTesting
import Testing

@testable import SwitchyardProviders

@Suite struct OpenAIErrorClassifierTests {
    func classify(_ status: Int, _ body: String, headers: [(String, String)] = []) -> ProviderFailure {
        OpenAIErrorClassifier.classify(status: status, headers: HTTPHeaders(headers), body: ByteBuffer(string: body))
    }

    @Test(arguments: [
        (
            400,
            OpenAIBytes.openAIError(
                message: "Invalid value for 'temperature'", type: "invalid_request_error", code: nil),
            ProviderFailure.Kind.invalidRequest
        ),
        (
            400,
            OpenAIBytes.openAIError(
                message: "This model's maximum context length is 8192 tokens", type: "invalid_request_error",
                code: "context_length_exceeded"), .contextTooLong
        ),
        (
            401,
            OpenAIBytes.openAIError(
                message: "Incorrect API key", type: "invalid_request_error", code: "invalid_api_key"), .auth
        ),
        (
            403,
            OpenAIBytes.openAIError(
                message: "Country not supported", type: "invalid_request_error",
                code: "unsupported_country_region_territory"), .auth
        ),
        (
            404,
            OpenAIBytes.openAIError(
                message: "The model does not exist", type: "invalid_request_error", code: "model_not_found"), .notFound
        ),
        (
            429, OpenAIBytes.openAIError(message: "Rate limit reached", type: "requests", code: "rate_limit_exceeded"),
            .rateLimited
        ),
        (
            429,
            OpenAIBytes.openAIError(
                message: "You exceeded your current quota", type: "insufficient_quota", code: "insufficient_quota"),
            .auth
        ),
        (
            500, OpenAIBytes.openAIError(message: "The server had an error", type: "server_error", code: nil),
            .upstream5xx
        ),
        (503, OpenAIBytes.openAIError(message: "Slow Down", type: "server_error", code: nil), .overloaded),
        (
            498,
            #"{"error":{"message":"flex tier capacity exceeded","type":"internal_server_error","code":"capacity_exceeded"}}"#,
            .overloaded
        ),
        (402, OpenAIBytes.openRouterError(code: 402, message: "Insufficient credits"), .auth),
        (
            403,
            OpenAIBytes.openRouterError(
                code: 403, message: "Input was flagged", metadata: #"{"reasons":["violence"],"flagged_input":"…"}"#),
            .contentFiltered
        ),
        (
            502,
            OpenAIBytes.openRouterError(
                code: 502, message: "Provider returned error", metadata: #"{"provider_name":"X","raw":"…"}"#),
            .upstream5xx
        ),
        (
            400,
            OpenAIBytes.byteplusError(
                code: "SensitiveContentDetected",
                message: "The request failed because the input text may contain sensitive information."),
            .contentFiltered
        ),
        (
            404, OpenAIBytes.byteplusError(code: "ModelNotOpen", message: "Your account has not activated the model"),
            .notFound
        ),
        (429, OpenAIBytes.byteplusError(code: "QuotaExceeded", message: "quota exceeded"), .auth),
        (429, OpenAIBytes.byteplusError(code: "ServerOverloaded", message: "overloaded"), .overloaded),
        (
            422,
            #"{"object":"error","message":{"detail":[{"type":"extra_forbidden","loc":["body","seed"],"msg":"Extra inputs are not permitted"}]},"type":"invalid_request_error","param":null,"code":null}"#,
            .invalidRequest
        ),
        (
            400,
            #"{"object":"error","message":"Prompt contains 40000 tokens, too large for model with 32768 maximum context length","type":"invalid_request_error","param":null,"code":null}"#,
            .contextTooLong
        ),
        (502, "<html>Bad Gateway</html>", .upstream5xx),
    ])
    func statusAndBodyDecideTheKind(status: Int, body: String, kind: ProviderFailure.Kind) {
        let failure = classify(status, body)
        #expect(failure.kind == kind)
        #expect(failure.status == status)
        #expect(!failure.message.contains("sk-"))
    }

    @Test func retryAfterIsKeptForRateLimitsAndOverloads() {
        #expect(classify(429, "{}", headers: [("Retry-After", "3")]).retryAfter == .seconds(3))
        #expect(classify(503, "{}", headers: [("retry-after-ms", "1500")]).retryAfter == .milliseconds(1500))
        #expect(classify(400, "{}", headers: [("Retry-After", "3")]).retryAfter == nil)
    }

    @Test func upstreamWordsStayInTheLogDetailOnly() {
        let failure = classify(
            401,
            OpenAIBytes.openAIError(
                message: "Incorrect API key provided: sk-abc123", type: "invalid_request_error", code: "invalid_api_key"
            ))
        #expect(failure.message == ProviderFailure.Kind.auth.defaultMessage)
        #expect(failure.detail.contains("invalid_api_key"))
    }
}
