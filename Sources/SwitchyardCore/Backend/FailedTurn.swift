import Foundation

/// A chat turn that got no reply: nothing of it is stored as a message and nothing is charged, but its gateway
/// attempts are kept, so that the usage figures (success rate, error kinds, latency, spend on attempts the provider
/// billed) count the turns that failed as well as those that were answered.
public struct FailedTurn: Sendable, Equatable {
    public var id: UUID
    public var botID: UUID
    /// The session it continued; nil for a turn that would have opened one (no session was stored).
    public var sessionID: UUID?
    public var configID: UUID
    /// The failure's code, as the user's error carries it.
    public var code: String
    public var attempts: [AttemptRecord]
    public var createdAt: Date

    /// - Parameters:
    ///   - id: The turn's id.
    ///   - botID: The bot.
    ///   - sessionID: The session it continued, if it existed.
    ///   - configID: The config it ran.
    ///   - code: The failure's code.
    ///   - attempts: The gateway's attempts.
    ///   - createdAt: When it failed.
    public init(
        id: UUID = UUID(), botID: UUID, sessionID: UUID?, configID: UUID, code: String, attempts: [AttemptRecord],
        createdAt: Date
    ) {
        self.id = id
        self.botID = botID
        self.sessionID = sessionID
        self.configID = configID
        self.code = code
        self.attempts = attempts
        self.createdAt = createdAt
    }
}
