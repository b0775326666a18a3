import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SwitchyardCore

/// An error answered in OpenAI's shape, `{"error":{"message","type","param","code"}}`, with the status that makes
/// the official SDKs raise the matching exception class. The one place where errors become HTTP.
public struct APIError: Error, HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var type: String
    public var code: String?
    public var param: String?
    public var message: String
    /// Seconds for `Retry-After`, when waiting helps.
    public var retryAfterSeconds: Int?
    /// `x-should-retry`, for errors a client must not blindly replay.
    public var shouldRetry: Bool?

    /// - Parameters:
    ///   - status: The HTTP status.
    ///   - type: OpenAI's error `type`.
    ///   - code: OpenAI's error `code`.
    ///   - param: The offending parameter.
    ///   - message: What happened and what to do, for a person.
    ///   - retryAfterSeconds: `Retry-After`, if any.
    ///   - shouldRetry: `x-should-retry`, if set.
    public init(
        _ status: HTTPResponse.Status,
        type: String,
        code: String? = nil,
        param: String? = nil,
        message: String,
        retryAfterSeconds: Int? = nil,
        shouldRetry: Bool? = nil
    ) {
        self.status = status
        self.type = type
        self.code = code
        self.param = param
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
        self.shouldRetry = shouldRetry
    }

    struct Envelope: Encodable {
        struct Body: Encodable {
            var message: String
            var type: String
            var param: String?
            var code: String?

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(message, forKey: .message)
                try container.encode(type, forKey: .type)
                try container.encode(param, forKey: .param)
                try container.encode(code, forKey: .code)
            }

            enum CodingKeys: String, CodingKey {
                case message, type, param, code
            }
        }

        var error: Body
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        if let retryAfterSeconds { headers[.retryAfter] = String(retryAfterSeconds) }
        if let shouldRetry, let name = HTTPField.Name("x-should-retry") {
            headers[name] = shouldRetry ? "true" : "false"
        }
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        let envelope = Envelope(error: .init(message: message, type: type, param: param, code: code))
        let buffer = try JSONCoding.encode(envelope)
        return Response(status: status, headers: headers, body: .init(byteBuffer: buffer))
    }
}

extension APIError {
    static func invalidRequest(_ message: String, param: String? = nil, code: String? = nil) -> APIError {
        APIError(.badRequest, type: "invalid_request_error", code: code, param: param, message: message)
    }

    static func unauthorized(_ message: String) -> APIError {
        APIError(.unauthorized, type: "authentication_error", code: "invalid_token", message: message)
    }

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
