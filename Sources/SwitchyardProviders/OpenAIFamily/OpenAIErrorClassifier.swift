import NIOCore
import NIOHTTP1
import SwitchyardCore

/// Classifies the OpenAI family's error answers. The only place that reads their error codes and texts.
///
/// Shapes handled: OpenAI/Groq/BytePlus `{"error":{message,type,code,param}}`, OpenRouter's numeric `error.code`
/// and `metadata`, Mistral's unwrapped `{"object":"error","message",…}` and FastAPI `{"detail":…}` bodies of
/// OpenAI-compatible servers.
enum OpenAIErrorClassifier {
    /// - Parameters:
    ///   - status: The HTTP status (not 2xx).
    ///   - headers: The response headers, for `Retry-After`.
    ///   - body: The response body.
    /// - Returns: The classified failure.
    static func classify(status: Int, headers: HTTPHeaders, body: ByteBuffer) -> ProviderFailure {
        let fields = ErrorFields(JSONValue.parse(body))
        let retryAfter = RetryAfter.parse { headers.first(name: $0) }
        let detail = "status \(status) type=\(fields.type ?? "-") code=\(fields.code ?? "-") \(fields.message ?? "")"
        let kind = kind(status: status, fields: fields)
        return ProviderFailure(
            kind, status: status, retryAfter: kind == .rateLimited || kind == .overloaded ? retryAfter : nil,
            detail: detail)
    }

    /// Classifies an error object that arrived inside a 200 stream.
    /// - Parameter error: The `error` value of the event.
    /// - Returns: The classified failure.
    static func classifyInBand(_ error: JSONValue) -> ProviderFailure {
        let fields = ErrorFields(.object(["error": error]))
        let status = error["code"]?.number.map { Int($0) }
        let kind: ProviderFailure.Kind
        if let status, (400...599).contains(status) {
            kind = Self.kind(status: status, fields: fields)
        } else {
            kind = inBandKind(fields)
        }
        return ProviderFailure(
            kind, status: nil,
            detail: "in-stream error type=\(fields.type ?? "-") code=\(fields.code ?? "-") \(fields.message ?? "")")
    }

    private static func kind(status: Int, fields: ErrorFields) -> ProviderFailure.Kind {
        if fields.mentionsQuota { return .auth }
        switch status {
        case 400, 422:
            if fields.mentionsContextLength { return .contextTooLong }
            if fields.mentionsContentFilter { return .contentFiltered }
            if fields.code?.hasPrefix("InvalidEndpoint") == true { return .notFound }
            return .invalidRequest
        case 401, 402: return .auth
        case 403: return fields.mentionsContentFilter || fields.hasModerationMetadata ? .contentFiltered : .auth
        case 404: return .notFound
        case 408: return .timeout
        case 413: return .contextTooLong
        case 429: return fields.code == "ServerOverloaded" ? .overloaded : .rateLimited
        case 498, 503, 529: return .overloaded
        case 500...599: return .upstream5xx
        default: return .invalidRequest
        }
    }

    private static func inBandKind(_ fields: ErrorFields) -> ProviderFailure.Kind {
        let words = [fields.type, fields.code].compactMap { $0?.lowercased() }
        if words.contains(where: { $0.contains("rate_limit") }) { return .rateLimited }
        if words.contains(where: { $0.contains("overload") || $0.contains("capacity") }) { return .overloaded }
        if fields.mentionsContextLength { return .contextTooLong }
        if fields.mentionsContentFilter { return .contentFiltered }
        if words.contains(where: { $0.contains("timeout") }) { return .timeout }
        return .upstream5xx
    }

    /// The fields of an error body, wherever the flavor puts them.
    private struct ErrorFields {
        var message: String?
        var type: String?
        var code: String?
        var metadata: JSONValue?

        init(_ json: JSONValue?) {
            let object = json?["error"].flatMap { $0 == .null ? nil : $0 } ?? json
            if let text = object?.string {
                message = text
                return
            }
            message = object?["message"]?.string ?? json?["detail"].map { "\($0)" }
            if message == nil, let detail = object?["message"], detail != .null {
                message = "\(detail)"
            }
            type = object?["type"]?.string
            code = object?["code"]?.string
            metadata = object?["metadata"]
        }

        private var haystack: String {
            [message, type, code].compactMap { $0?.lowercased() }.joined(separator: " ")
        }

        var mentionsQuota: Bool {
            let markers = ["insufficient_quota", "quotaexceeded", "setlimitexceeded", "accountoverdue"]
            return markers.contains { haystack.contains($0) }
        }

        var mentionsContextLength: Bool {
            let markers = [
                "context_length_exceeded", "context length", "maximum context", "context window",
                "prompt is too long", "too many tokens", "reduce the length",
            ]
            return markers.contains { haystack.contains($0) }
        }

        var mentionsContentFilter: Bool {
            let markers = ["content_filter", "content_policy", "sensitivecontentdetected", "moderation", "flagged"]
            return markers.contains { haystack.contains($0) }
        }

        var hasModerationMetadata: Bool { metadata?["reasons"] != nil || metadata?["flagged_input"] != nil }
    }
}
