import SwitchyardCore

/// The gateway's tunables. Every field has a production default; the composition root reads overrides from
/// configuration.
public struct GatewaySettings: Sendable {
    /// Time allowed for one non-streamed attempt.
    public var attemptTimeout: Duration
    /// Time allowed for a whole request, every attempt and wait included.
    public var requestDeadline: Duration
    /// Time allowed from opening a stream to its first content token.
    public var timeToFirstToken: Duration
    /// Time allowed for one whole streamed attempt.
    public var streamTimeout: Duration
    /// Retries of a primary that does not set its own.
    public var defaultRetries: Int
    public var backoff: Backoff
    public var cooldown: CooldownTracker<AnyClock.Instant>.Settings
    /// The largest request body accepted.
    public var maximumBodyBytes: Int
    /// List prices: each attempt's cost.
    public var prices = PriceTable()
    /// Token buckets per calling service and per end user (`rate_limits`), checked before any upstream call.
    public var rateLimits = RateLimitRules()
    /// The most answers the routes' caches keep, all routes together.
    public var cacheMaximumEntries = 10_000
    /// The most bytes (estimated from the requests' and answers' text) the routes' caches hold, all routes together.
    public var cacheMaximumBytes = 64 * 1024 * 1024

    /// - Parameters:
    ///   - attemptTimeout: Per attempt.
    ///   - requestDeadline: Per request.
    ///   - timeToFirstToken: Per streamed attempt, until the first token.
    ///   - streamTimeout: Per streamed attempt, in all.
    ///   - defaultRetries: Retries of the primary.
    ///   - backoff: Retry delays.
    ///   - cooldown: Cooldown thresholds.
    ///   - maximumBodyBytes: The body limit.
    public init(
        attemptTimeout: Duration = .seconds(30),
        requestDeadline: Duration = .seconds(90),
        timeToFirstToken: Duration = .seconds(20),
        streamTimeout: Duration = .seconds(300),
        defaultRetries: Int = 1,
        backoff: Backoff = .init(),
        cooldown: CooldownTracker<AnyClock.Instant>.Settings = .init(),
        maximumBodyBytes: Int = 4 * 1024 * 1024
    ) {
        self.attemptTimeout = attemptTimeout
        self.requestDeadline = requestDeadline
        self.timeToFirstToken = timeToFirstToken
        self.streamTimeout = streamTimeout
        self.defaultRetries = defaultRetries
        self.backoff = backoff
        self.cooldown = cooldown
        self.maximumBodyBytes = maximumBodyBytes
    }
}
