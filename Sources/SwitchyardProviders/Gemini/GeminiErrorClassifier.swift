import NIOCore
import SwitchyardCore

/// Classifies Gemini's `{"error":{"code","message","status","details"}}` answers.
enum GeminiErrorClassifier {
    static func classify(status: Int, body: ByteBuffer) -> ProviderFailure {
        classify(status: status, json: JSONValue.parse(body))
    }

    static func classify(status: Int, json: JSONValue?) -> ProviderFailure {
        let error = json?["error"]
        let grpcStatus = error?["status"]?.string ?? ""
        let message = error?["message"]?.string ?? ""
        var reasons: [String] = []
        var retryAfter: Duration?
        if case .array(let details)? = error?["details"] {
            for detail in details {
                if let reason = detail["reason"]?.string { reasons.append(reason) }
                if let delay = detail["retryDelay"]?.string { retryAfter = RetryAfter.parseProtobufDuration(delay) }
            }
        }
        let kind = kind(status: status, grpcStatus: grpcStatus, message: message, reasons: reasons)
        return ProviderFailure(
            kind, status: status, retryAfter: kind == .rateLimited || kind == .overloaded ? retryAfter : nil,
            detail: "status \(status) \(grpcStatus) \(reasons.joined(separator: ",")) \(message)")
    }

    private static func kind(
        status: Int, grpcStatus: String, message: String, reasons: [String]
    )
        -> ProviderFailure.Kind
    {
        let lower = message.lowercased()
        switch status {
        case 400:
            // A bad key is a 400 here, not a 401.
            if reasons.contains("API_KEY_INVALID") || lower.contains("api key not valid") { return .auth }
            if grpcStatus == "FAILED_PRECONDITION" { return .auth }
            if lower.contains("token count") || lower.contains("exceeds the maximum number of tokens")
                || lower.contains("too long")
            {
                return .contextTooLong
            }
            return .invalidRequest
        case 401, 403: return .auth
        case 404: return .notFound
        case 408, 504: return .timeout
        case 429: return .rateLimited
        case 503: return .overloaded
        case 500...599: return .upstream5xx
        default: return .invalidRequest
        }
    }
}
