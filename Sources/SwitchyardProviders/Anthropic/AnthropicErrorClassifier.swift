import NIOCore
import NIOHTTP1
import SwitchyardCore

/// Classifies Anthropic's `{"type":"error","error":{"type","message"}}` answers.
enum AnthropicErrorClassifier {
    static func classify(status: Int, headers: HTTPHeaders, body: ByteBuffer) -> ProviderFailure {
        let json = JSONValue.parse(body)
        let type = json?["error"]?["type"]?.string
        let message = json?["error"]?["message"]?.string ?? ""
        let kind = kind(status: status, type: type, message: message, json: json)
        let retryAfter = RetryAfter.parse { headers.first(name: $0) }
        return ProviderFailure(
            kind, status: status, retryAfter: kind == .rateLimited || kind == .overloaded ? retryAfter : nil,
            detail: "status \(status) type=\(type ?? "-") \(message)")
    }

    static func classifyInBand(_ data: String) -> ProviderFailure {
        let json = JSONValue.parse(data)
        let type = json?["error"]?["type"]?.string
        let message = json?["error"]?["message"]?.string ?? ""
        let kind: ProviderFailure.Kind =
            switch type {
            case "overloaded_error": .overloaded
            case "rate_limit_error": .rateLimited
            case "timeout_error": .timeout
            case "invalid_request_error": isContextLength(message) ? .contextTooLong : .invalidRequest
            default: .upstream5xx
            }
        return ProviderFailure(kind, detail: "in-stream error type=\(type ?? "-") \(message)")
    }

    private static func kind(status: Int, type: String?, message: String, json: JSONValue?) -> ProviderFailure.Kind {
        switch (status, type) {
        case (_, "overloaded_error"), (529, _): return .overloaded
        case (_, "rate_limit_error"), (429, _):
            let code = json?["error"]?["details"]?["error_code"]?.string
            return code == "enforced_spend_limit_reached" ? .auth : .rateLimited
        case (_, "authentication_error"), (_, "permission_error"), (_, "billing_error"), (401, _), (402, _), (403, _):
            return .auth
        case (_, "not_found_error"), (404, _): return .notFound
        case (_, "request_too_large"), (413, _): return .contextTooLong
        case (_, "timeout_error"), (504, _), (408, _): return .timeout
        case (_, "invalid_request_error"), (400, _), (409, _), (422, _):
            if isContextLength(message) { return .contextTooLong }
            if message.lowercased().contains("credit balance") || message.lowercased().contains("spend limit") {
                return .auth
            }
            return .invalidRequest
        case (500...599, _): return .upstream5xx
        default: return .invalidRequest
        }
    }

    static func isContextLength(_ message: String) -> Bool {
        let lower = message.lowercased()
        return lower.contains("prompt is too long") || lower.contains("context window")
            || lower.contains("too many tokens")
    }
}
