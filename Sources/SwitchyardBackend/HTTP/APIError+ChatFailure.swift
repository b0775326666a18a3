import HTTPTypes
import SwitchyardCore
import SwitchyardHTTP

/// The one mapping from a failed turn to what the user gets: a gateway failure becomes a ``ChatFailure`` the user
/// can act on, and a ``ChatFailure`` becomes an OpenAI-shaped error whose `code` is the failure kind.
extension ChatFailure {
    /// The longest `Retry-After` we pass on, and the one we send when no provider said.
    static let maximumRetryAfterSeconds = 60
    static let defaultRetryAfterSeconds = 5

    /// - Parameters:
    ///   - error: Why the gateway produced no answer.
    ///   - botName: The bot's name, for the message.
    public init(_ error: GatewayCallError, botName: String) {
        let code = error.code
        switch error.reason {
        case .provider(.contextTooLong):
            self.init(
                kind: .tooLong, code: code,
                message: "This conversation is too long for \(botName) to read. Send a shorter message, or start a "
                    + "new session (leave out `session_id`).")
        case .provider(.contentFiltered):
            self.init(
                kind: .contentFiltered, code: code,
                message: "\(botName) can't answer this message. Please rephrase it.")
        case .provider(.invalidRequest), .invalidRequest:
            self.init(
                kind: .refused, code: code,
                message: "\(botName) can't answer because of a problem with its configuration. Retrying will not help; "
                    + "the operator has been told.")
        case .rateLimited:
            let seconds = min(max(error.retryAfterSeconds ?? 1, 1), Self.maximumRetryAfterSeconds)
            self.init(
                kind: .rateLimited(retryAfterSeconds: seconds), code: code,
                message: "You're sending messages faster than \(botName) can answer. Please wait \(seconds) "
                    + (seconds == 1 ? "second" : "seconds") + " and send it again.")
        case .provider, .noProvider, .deadline, .cancelled, .gatewayUnavailable:
            let seconds = min(
                max(error.retryAfterSeconds ?? Self.defaultRetryAfterSeconds, 1), Self.maximumRetryAfterSeconds)
            self.init(
                kind: .unavailable(retryAfterSeconds: seconds), code: code,
                message: "\(botName) can't answer right now. Please try again in \(seconds) seconds.")
        }
    }
}

extension APIError {
    /// - Parameter failure: Why the turn produced no reply.
    /// - Returns: The error the user gets.
    static func from(_ failure: ChatFailure) -> APIError {
        switch failure.kind {
        case .invalidInput(let parameter):
            return .invalidRequest(
                failure.message, param: parameter, code: failure.code == "invalid_request_error" ? nil : failure.code)
        case .notFound:
            return .notFound(failure.message)
        case .tooLong:
            return APIError(
                .unprocessableContent, type: "invalid_request_error", code: failure.code, param: "message",
                message: failure.message)
        case .contentFiltered, .refused:
            return APIError(
                .unprocessableContent, type: "invalid_request_error", code: failure.code, message: failure.message)
        case .notConfigured:
            return APIError(
                .serviceUnavailable, type: "server_error", code: failure.code, message: failure.message,
                retryAfterSeconds: ChatFailure.defaultRetryAfterSeconds)
        case .rateLimited(let seconds):
            return APIError(
                .tooManyRequests, type: "rate_limit_error", code: failure.code, message: failure.message,
                retryAfterSeconds: seconds)
        case .unavailable(let seconds):
            return APIError(
                .serviceUnavailable, type: "server_error", code: failure.code, message: failure.message,
                retryAfterSeconds: seconds)
        case .paymentRequired:
            return APIError(
                HTTPResponse.Status(code: 402, reasonPhrase: "Payment Required"), type: "insufficient_funds",
                code: failure.code, message: failure.message,
                shouldRetry: false)
        case .profileIncomplete(let missing):
            var error = APIError(
                .unprocessableContent, type: "invalid_request_error", code: failure.code, param: "profile",
                message: failure.message)
            error.missingFields = missing
            return error
        case .sessionEnded:
            return APIError(
                .conflict, type: "invalid_request_error", code: failure.code, param: "session_id",
                message: failure.message)
        }
    }
}
