import Foundation
import SwitchyardCore

/// A user's chat request.
public struct ChatTurnRequest: Sendable {
    public var sessionID: UUID?
    public var message: String
    public var idempotencyKey: String?
    /// The app named by the user token's `app` claim: it selects language instructions.
    public var app: String?
    /// A saved birth profile whose chart fills `{{profile_details_2}}`.
    public var secondProfileID: UUID?

    public init(
        sessionID: UUID? = nil, message: String, idempotencyKey: String? = nil, app: String? = nil,
        secondProfileID: UUID? = nil
    ) {
        self.app = app
        self.secondProfileID = secondProfileID
        self.sessionID = sessionID
        self.message = message
        self.idempotencyKey = idempotencyKey
    }
}

/// The answer to a turn.
public struct ChatTurnReply: Sendable, Equatable {
    public var message: String
    public var sessionID: UUID
    /// The stored reply's id: the turn's id for refunds.
    public var messageID: UUID
    public var usage: Usage
    public var provider: String?
    public var model: String?
    /// The config (A/B variant) that served the session.
    public var configID: UUID
    /// What this turn cost, in minor units of `currency` (0 when free).
    public var charge: Int64
    /// The wallet's balance after the turn, on paid sessions.
    public var balance: Int64?
    /// The session's currency, on paid sessions.
    public var currency: String?
    /// A streamed reply that was cut: it holds what was delivered.
    public var interrupted: Bool = false
}

/// A turn between its checks and its provider call: what it sends, and how it is billed.
struct PreparedTurn: Sendable {
    var bot: Bot
    var config: BotLLMConfig
    var session: ChatSession
    var isNew: Bool
    var text: String
    var idempotencyKey: String?
    var generation: GenerationRequest
    /// The session's locked pricing, if it is paid.
    var pricing: Pricing?
    /// Whether this turn is charged (a paid session past its free messages).
    var charged: Bool
    /// The pending hold that covers it.
    var holdID: UUID?
    /// When the previous turn of the session was (nil for the first).
    var previousTurnAt: Date?
    /// An upper bound of the input tokens (UTF-8 bytes), for estimating a cut stream's input.
    var inputBytes: Int
}
