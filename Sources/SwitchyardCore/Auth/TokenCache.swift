/// Holds a minted token and says when it must be replaced: `margin` before it expires (2 s by default), so a token
/// never reaches the server about to lapse.
public struct TokenCache<Instant: InstantProtocol>: Sendable where Instant.Duration == Swift.Duration {
    public let margin: Duration
    private var token: String?
    private var expiresAt: Instant?

    /// - Parameter margin: How long before expiry the token is replaced.
    public init(margin: Duration = .seconds(2)) {
        self.margin = margin
    }

    /// - Parameter now: The current instant.
    /// - Returns: The cached token if it is still good at `now`, else nil.
    public func validToken(now: Instant) -> String? {
        guard let token, let expiresAt, now < expiresAt.advanced(by: .zero - margin) else { return nil }
        return token
    }

    /// Stores a freshly minted token.
    /// - Parameters:
    ///   - token: The token.
    ///   - expiresAt: When it expires.
    public mutating func store(_ token: String, expiresAt: Instant) {
        self.token = token
        self.expiresAt = expiresAt
    }
}
