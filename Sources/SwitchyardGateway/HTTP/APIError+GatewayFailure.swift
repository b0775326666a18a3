import HTTPTypes
import Hummingbird
import SwitchyardCore
import SwitchyardHTTP

extension APIError {
    static func modelNotFound(_ model: String) -> APIError {
        APIError(
            .notFound, type: "invalid_request_error", code: "model_not_found", param: "model",
            message:
                "The model '\(model)' is not a configured route and not 'provider/model' with a known provider. "
                + "GET /v1/models lists what is available.")
    }

    /// Maps a gateway failure to the client: the provider's own words never appear, only the classified kind.
    static func from(_ failure: GatewayFailure) -> APIError {
        let tried = failure.attempts.map { "\($0.provider)/\($0.model): \($0.outcome.name)" }.joined(separator: ", ")
        switch failure.reason {
        case .noProvider:
            return APIError(
                .serviceUnavailable, type: "server_error", code: "no_provider_available",
                message: "No provider of this model's fallback chain is configured on the gateway (\(tried)).")
        case .deadline:
            return APIError(
                .gatewayTimeout, type: "server_error", code: "deadline_exceeded",
                message: "The request ran out of time before any provider answered (\(tried)).")
        case .rejected, .exhausted:
            guard let last = failure.lastFailure else {
                return APIError(
                    .badGateway, type: "server_error", code: "all_providers_failed",
                    message: "Every provider failed (\(tried)).")
            }
            return from(last, exhausted: failure.reason == .exhausted, tried: tried)
        }
    }

    private static func from(_ failure: ProviderFailure, exhausted: Bool, tried: String) -> APIError {
        let suffix = exhausted ? " Tried: \(tried)." : ""
        let message = failure.message + suffix
        let retryAfter = failure.retryAfter.map { max(Int($0.seconds.rounded(.up)), 1) }
        switch failure.kind {
        case .invalidRequest:
            return APIError(.badRequest, type: "invalid_request_error", code: "upstream_rejected", message: message)
        case .contextTooLong:
            return APIError(
                .badRequest, type: "invalid_request_error", code: "context_length_exceeded", param: "messages",
                message: message)
        case .contentFiltered:
            return APIError(.badRequest, type: "invalid_request_error", code: "content_filter", message: message)
        case .notFound:
            return APIError(
                .notFound, type: "invalid_request_error", code: "model_not_found", param: "model", message: message)
        case .rateLimited:
            return APIError(
                .tooManyRequests, type: "rate_limit_error", code: "rate_limit_exceeded", message: message,
                retryAfterSeconds: retryAfter)
        case .overloaded:
            return APIError(
                .serviceUnavailable, type: "server_error", code: "upstream_overloaded", message: message,
                retryAfterSeconds: retryAfter)
        case .timeout:
            return APIError(.gatewayTimeout, type: "server_error", code: "upstream_timeout", message: message)
        case .upstream5xx, .transport, .auth:
            return APIError(.badGateway, type: "server_error", code: "all_providers_failed", message: message)
        }
    }
}
