import HTTPTypes
import Hummingbird
import SwitchyardCore
import SwitchyardHTTP

extension APIError {
    static func modelNotFound(_ model: String) -> APIError {
        APIError(
            .notFound, type: "invalid_request_error", code: "model_not_found", param: "model",
            message:
                "The `model` '\(model)' is not a configured route and not 'provider/model' with a known provider. "
                + "GET /v1/models lists what is available.")
    }

    /// 429 `rate_limited` with `Retry-After` and the `x-ratelimit-*` headers, before any upstream call.
    static func from(_ limited: RateLimitExceeded) -> APIError {
        var error = APIError(
            .tooManyRequests, type: "rate_limit_error", code: GatewayErrorCode.rateLimited, message: limited.message,
            retryAfterSeconds: limited.retryAfterSeconds)
        RateLimitHeaders.append(limited.quotas, to: &error.headers)
        return error
    }

    /// The same error, carrying the attempt log (the `/v1/generate/` surface's error object has it).
    func with(attempts: [AttemptRecord]) -> APIError {
        var error = self
        error.attempts = attempts
        return error
    }

    /// Maps a gateway failure to the client: the provider's own words never appear, only the classified kind.
    static func from(_ failure: GatewayFailure) -> APIError {
        let tried = failure.attempts.map { "\($0.provider)/\($0.model): \($0.outcome.name)" }.joined(separator: ", ")
        switch failure.reason {
        case .noProvider:
            return APIError(
                .serviceUnavailable, type: "server_error", code: GatewayErrorCode.noProvider,
                message: "No provider of this model's fallback chain is configured on the gateway (\(tried)).")
        case .deadline:
            return APIError(
                .gatewayTimeout, type: "server_error", code: GatewayErrorCode.deadline,
                message: "The request ran out of time before any provider answered (\(tried)).")
        case .cancelled:
            return APIError(
                .serviceUnavailable, type: "server_error", code: GatewayErrorCode.cancelled,
                message: "The request was cancelled before any provider answered.")
        case .rejected, .exhausted:
            guard let last = failure.lastFailure else {
                return APIError(
                    .badGateway, type: "server_error", code: GatewayErrorCode.code(for: .upstream5xx),
                    message: "Every provider failed (\(tried)).")
            }
            return from(last, exhausted: failure.reason == .exhausted, tried: tried)
        }
    }

    private static func from(_ failure: ProviderFailure, exhausted: Bool, tried: String) -> APIError {
        let suffix = exhausted ? " Tried: \(tried)." : ""
        let message = failure.message + suffix
        let retryAfter = failure.retryAfter.map { max(Int($0.seconds.rounded(.up)), 1) }
        let code = GatewayErrorCode.code(for: failure.kind)
        switch failure.kind {
        case .invalidRequest, .contentFiltered:
            return APIError(.badRequest, type: "invalid_request_error", code: code, message: message)
        case .contextTooLong:
            return APIError(
                .badRequest, type: "invalid_request_error", code: code, param: "messages", message: message)
        case .notFound:
            return APIError(.notFound, type: "invalid_request_error", code: code, param: "model", message: message)
        case .rateLimited:
            return APIError(
                .tooManyRequests, type: "rate_limit_error", code: code, message: message,
                retryAfterSeconds: retryAfter)
        case .overloaded:
            return APIError(
                .serviceUnavailable, type: "server_error", code: code, message: message, retryAfterSeconds: retryAfter)
        case .timeout:
            return APIError(.gatewayTimeout, type: "server_error", code: code, message: message)
        case .upstream5xx, .transport, .auth, .emptyResponse:
            return APIError(.badGateway, type: "server_error", code: code, message: message)
        }
    }
}

/// The `code` of the gateway's error bodies, in OpenAI's vocabulary where OpenAI has a word for it. One table, read
/// both ways: the gateway writes these codes and ``HTTPGatewayClient`` reads the failure back from them.
enum GatewayErrorCode {
    static let noProvider = "no_provider_available"
    static let deadline = "deadline_exceeded"
    static let cancelled = "request_cancelled"
    /// The gateway's own limit on the caller (a provider's is `rate_limit_exceeded`).
    static let rateLimited = "rate_limited"

    private static let byKind: [ProviderFailure.Kind: String] = [
        .invalidRequest: "upstream_rejected",
        .contextTooLong: "context_length_exceeded",
        .contentFiltered: "content_filter",
        .notFound: "model_not_found",
        .rateLimited: "rate_limit_exceeded",
        .overloaded: "upstream_overloaded",
        .timeout: "upstream_timeout",
        .upstream5xx: "all_providers_failed",
        .transport: "upstream_unreachable",
        .auth: "upstream_auth_failed",
        .emptyResponse: "empty_response",
    ]
    private static let byCode = Dictionary(uniqueKeysWithValues: byKind.map { ($1, $0) })

    /// - Parameter kind: A failure kind.
    /// - Returns: Its code.
    static func code(for kind: ProviderFailure.Kind) -> String {
        byKind[kind] ?? kind.rawValue
    }

    /// The reason a gateway error body stands for.
    /// - Parameter code: The body's `code`.
    /// - Returns: The reason, or nil when the code is not one of the gateway's failure codes.
    static func reason(code: String?) -> GatewayCallError.Reason? {
        guard let code else { return nil }
        if let kind = byCode[code] { return .provider(kind) }
        switch code {
        case noProvider: return .noProvider
        case deadline: return .deadline
        case cancelled: return .cancelled
        case rateLimited: return .rateLimited
        default: return nil
        }
    }
}
