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
    /// The profile fields a request lacks (`missing_fields` in the error object).
    public var missingFields: [String]?
    /// The gateway attempts a failed generation made (`attempts` in the error object of `/v1/generate/`), so that a
    /// separate backend records them as an in-process one does.
    public var attempts: [AttemptRecord]?
    /// More fields for the answer (a rate limit's `x-ratelimit-*`, say).
    public var headers = HTTPFields()

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

    /// The `{"error":{…}}` wrapper.
    public struct Envelope: Encodable, Sendable {
        /// The error object, with `param` and `code` always present (null when unset), as OpenAI sends them.
        public struct Body: Encodable, Sendable {
            public var message: String
            public var type: String
            public var param: String?
            public var code: String?
            public var missingFields: [String]?
            public var attempts: [AttemptRecord]?

            public init(
                message: String, type: String, param: String?, code: String?, missingFields: [String]? = nil,
                attempts: [AttemptRecord]? = nil
            ) {
                self.message = message
                self.type = type
                self.param = param
                self.code = code
                self.missingFields = missingFields
                self.attempts = attempts
            }

            public func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(message, forKey: .message)
                try container.encode(type, forKey: .type)
                try container.encode(param, forKey: .param)
                try container.encode(code, forKey: .code)
                try container.encodeIfPresent(missingFields, forKey: .missingFields)
                try container.encodeIfPresent(attempts, forKey: .attempts)
            }

            enum CodingKeys: String, CodingKey {
                case message, type, param, code, attempts
                case missingFields = "missing_fields"
            }
        }

        public var error: Body
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        try response()
    }

    /// The error as a response: for a request that never reached a router (refused by the server's connection).
    public func response() throws -> Response {
        var headers = self.headers
        headers[.contentType] = "application/json"
        if let retryAfterSeconds { headers[.retryAfter] = String(retryAfterSeconds) }
        if let shouldRetry, let name = HTTPField.Name("x-should-retry") {
            headers[name] = shouldRetry ? "true" : "false"
        }
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        let envelope = Envelope(
            error: .init(
                message: message, type: type, param: param, code: code, missingFields: missingFields,
                attempts: attempts))
        let buffer = try JSONCoding.encode(envelope)
        return Response(status: status, headers: headers, body: .init(byteBuffer: buffer))
    }
}

extension APIError {
    public static func invalidRequest(_ message: String, param: String? = nil, code: String? = nil) -> APIError {
        APIError(.badRequest, type: "invalid_request_error", code: code, param: param, message: message)
    }

    /// 413: the request body is over `limit` bytes.
    public static func bodyTooLarge(limit: Int) -> APIError {
        APIError(
            .contentTooLarge, type: "invalid_request_error", code: "request_too_large",
            message: "The request body is larger than the limit of \(limit) bytes.")
    }

    public static func unauthorized(_ message: String) -> APIError {
        APIError(.unauthorized, type: "authentication_error", code: "invalid_token", message: message)
    }

    public static func notFound(_ message: String, code: String = "not_found", param: String? = nil) -> APIError {
        APIError(.notFound, type: "invalid_request_error", code: code, param: param, message: message)
    }

    /// The service cannot serve for a moment (its database does not answer, or it is shutting down): 503 with
    /// `Retry-After`.
    public static func temporarilyUnavailable(
        code: String, retryAfterSeconds: Int, message: String = "The service is temporarily unavailable. Please retry."
    ) -> APIError {
        APIError(
            .serviceUnavailable, type: "server_error", code: code, message: message,
            retryAfterSeconds: retryAfterSeconds)
    }
}
