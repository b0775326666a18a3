import Foundation
import SwitchyardCore

/// Why a turn produced no reply: what the user can do about it (`kind`), a stable `code`, and a `message` that is
/// shown to the user as is. It never holds a provider's own words.
public struct ChatFailure: Error, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The request itself is wrong; the parameter is named.
        case invalidInput(parameter: String)
        /// No such bot or session for this user.
        case notFound
        /// The bot has no usable config or prompt.
        case notConfigured
        /// The conversation or message is longer than the model takes: shorten it or start a new session.
        case tooLong
        /// A safety filter blocked the message or the answer.
        case contentFiltered
        /// The provider or the gateway refused the bot's request as invalid: an operator must fix the config.
        case refused
        /// Every provider is unavailable for now: waiting helps.
        case unavailable(retryAfterSeconds: Int)
        /// The user (or the whole service) sends faster than the gateway's rate limit allows: wait, then send again.
        case rateLimited(retryAfterSeconds: Int)
        /// The wallet's available balance does not cover the turn's hold: top up.
        case paymentRequired
        /// The session was ended (explicitly or after being idle): start a new one.
        case sessionEnded
        /// The user's profile lacks fields the bot requires: fill them in (`PATCH /v1/me`).
        case profileIncomplete(missing: [String])
    }

    public var kind: Kind
    /// The failure kind (`context_too_long`, `rate_limited`, …) or the flow's own reason.
    public var code: String
    public var message: String

    /// - Parameters:
    ///   - kind: What the user can do.
    ///   - code: A stable code.
    ///   - message: A message for the user.
    public init(kind: Kind, code: String, message: String) {
        self.kind = kind
        self.code = code
        self.message = message
    }

    static func invalidInput(_ parameter: String, _ message: String) -> ChatFailure {
        ChatFailure(kind: .invalidInput(parameter: parameter), code: "invalid_request_error", message: message)
    }

    static func notFound(_ message: String) -> ChatFailure {
        ChatFailure(kind: .notFound, code: "not_found", message: message)
    }

    static func paymentRequired(needed: Int64, available: Int64, currency: String) -> ChatFailure {
        ChatFailure(
            kind: .paymentRequired, code: "insufficient_balance",
            message: "This message needs up to \(needed) \(currency) minor units held from your wallet, and "
                + "\(available) are available. Top up your \(currency) wallet and send it again.")
    }

    static func sessionEnded(_ id: UUID) -> ChatFailure {
        ChatFailure(
            kind: .sessionEnded, code: "session_ended",
            message: "Session \(id.uuidString.lowercased()) has ended. Start a new session (leave out `session_id`).")
    }

    static func profileIncomplete(botName: String, missing: [ProfileField]) -> ChatFailure {
        let names = missing.map(\.rawValue)
        return ChatFailure(
            kind: .profileIncomplete(missing: names), code: "profile_incomplete",
            message: "\(botName) needs your \(names.joined(separator: ", ")) first. Add them to your profile "
                + "(PATCH /v1/me) and send the message again.")
    }

    static func notConfigured(botName: String) -> ChatFailure {
        ChatFailure(kind: .notConfigured, code: "bot_not_configured", message: "\(botName) is not available right now.")
    }
}
