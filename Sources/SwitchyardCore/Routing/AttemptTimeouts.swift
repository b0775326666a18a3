/// The time limits of one attempt.
public struct AttemptTimeouts: Sendable, Equatable {
    /// A whole non-streamed attempt.
    public var attempt: Duration
    /// From opening a stream to its first content token.
    public var timeToFirstToken: Duration
    /// A whole streamed attempt.
    public var stream: Duration

    /// - Parameters:
    ///   - attempt: A whole non-streamed attempt.
    ///   - timeToFirstToken: From opening a stream to its first content token.
    ///   - stream: A whole streamed attempt.
    public init(attempt: Duration, timeToFirstToken: Duration, stream: Duration) {
        self.attempt = attempt
        self.timeToFirstToken = timeToFirstToken
        self.stream = stream
    }
}

/// A chain to walk and the timeouts of its attempts.
public struct RoutePlan: Sendable, Equatable {
    public var chain: [Target]
    public var timeouts: AttemptTimeouts
    /// An answer without text (empty or whitespace) counts as a failed attempt, and the chain moves on.
    public var requireContent: Bool
    /// The conversation the request belongs to (a generation request's `metadata.session`), for traces.
    public var sessionID: String?
    /// The route it came from, if any, with its sharing rules.
    public var routeName: String?
    /// Identical concurrent requests share one upstream call (the route's `dedupe`).
    public var dedupe = false
    /// How long an answer may be served from the cache (the route's `cache.ttl_seconds`); nil: not cached.
    public var cacheTTL: Duration?

    /// - Parameters:
    ///   - chain: The targets, in order.
    ///   - timeouts: The attempts' time limits.
    ///   - requireContent: Whether an answer without text fails the attempt.
    public init(chain: [Target], timeouts: AttemptTimeouts, requireContent: Bool = false) {
        self.chain = chain
        self.timeouts = timeouts
        self.requireContent = requireContent
    }
}

extension RoutePlan {
    /// Takes the route's name and its sharing rules (`dedupe`, `cache`).
    public mutating func share(_ route: RoutingTable.Route) {
        routeName = route.name
        dedupe = route.dedupe ?? false
        cacheTTL = route.cache.map { .seconds($0.ttlSeconds) }
    }
}
