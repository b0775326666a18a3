/// A token bucket's size: `burst` requests at once, refilled at `requestsPerMinute`.
public struct RateLimit: Sendable, Equatable {
    public var requestsPerMinute: Int
    public var burst: Int

    /// - Parameters:
    ///   - requestsPerMinute: The sustained rate.
    ///   - burst: How many may arrive at once (the bucket's capacity); the rate's one-second share if not given.
    public init(requestsPerMinute: Int, burst: Int? = nil) {
        self.requestsPerMinute = requestsPerMinute
        self.burst = burst ?? max(1, requestsPerMinute / 60)
    }

    /// Tokens added per second.
    var perSecond: Double { Double(requestsPerMinute) / 60 }
}

/// Which limits apply: one bucket per calling service (its own limit, else the default one), and one per end user
/// (the request's `user`), all with the same user limit. Empty: nothing is limited.
public struct RateLimitRules: Sendable, Equatable {
    public var services: [String: RateLimit]
    /// For a service without a limit of its own (and for callers without a service, such as the in-process client:
    /// none).
    public var defaultService: RateLimit?
    public var user: RateLimit?

    /// - Parameters:
    ///   - services: Limits by service name.
    ///   - defaultService: The limit of every other service.
    ///   - user: The limit of each end user.
    public init(services: [String: RateLimit] = [:], defaultService: RateLimit? = nil, user: RateLimit? = nil) {
        self.services = services
        self.defaultService = defaultService
        self.user = user
    }

    public var isEmpty: Bool { services.isEmpty && defaultService == nil && user == nil }

    func limit(service: String) -> RateLimit? { services[service] ?? defaultService }
}

/// Token buckets for services and end users, checked together: a request passes only if every bucket that applies
/// has a token, and then takes one from each (a refused request takes none). Pure: the caller passes the time and
/// keeps the limiter behind a lock. Buckets are per process.
public struct RateLimiter<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    public enum Scope: Sendable, Equatable {
        case service(String)
        case user
    }

    /// Why a request was refused, and when a token will be there.
    public struct Refusal: Sendable, Equatable {
        public var scope: Scope
        public var limit: RateLimit
        public var retryAfter: Duration
    }

    /// The tightest bucket that applied, after the decision (for OpenAI's `x-ratelimit-*-requests` headers): the
    /// one with the fewest whole tokens left, the one that takes longer to fill up again on a tie.
    public struct Quota: Sendable, Equatable {
        public var scope: Scope
        public var limit: RateLimit
        /// Whole tokens left: how many requests would pass at once now.
        public var remaining: Int
        /// How long until the bucket is full again (its burst available at once), at its rate.
        public var resetAfter: Duration

        public init(scope: Scope, limit: RateLimit, remaining: Int, resetAfter: Duration) {
            self.scope = scope
            self.limit = limit
            self.remaining = remaining
            self.resetAfter = resetAfter
        }

        /// Fewer whole tokens left, or as many and longer to fill up again.
        func isTighter(than other: Quota) -> Bool {
            remaining < other.remaining || (remaining == other.remaining && resetAfter > other.resetAfter)
        }
    }

    /// What ``admit(service:user:now:)`` decided.
    public struct Admission: Sendable, Equatable {
        /// nil when admitted; else the refusing bucket with the longest wait.
        public var refusal: Refusal?
        /// nil when no bucket applies.
        public var quota: Quota?
    }

    private enum Key: Hashable {
        case service(String)
        case user(String)
    }

    private struct Bucket {
        var tokens: Double
        var updated: Instant
    }

    public let rules: RateLimitRules
    private var buckets: [Key: Bucket] = [:]
    /// Above this many buckets, full ones (idle long enough to have refilled) are dropped.
    private let pruneAbove: Int

    /// - Parameters:
    ///   - rules: The limits.
    ///   - pruneAbove: How many buckets to keep before dropping full ones.
    public init(rules: RateLimitRules, pruneAbove: Int = 50_000) {
        self.rules = rules
        self.pruneAbove = pruneAbove
    }

    /// How many buckets are kept.
    public var bucketCount: Int { buckets.count }

    /// Takes a token from each bucket that applies, or refuses without taking any.
    /// - Parameters:
    ///   - service: The calling service, if known.
    ///   - user: The end user, if the request names one.
    ///   - now: The current instant.
    /// - Returns: The refusal with the longest wait if any bucket is empty, and the tightest bucket's state.
    public mutating func admit(service: String?, user: String?, now: Instant) -> Admission {
        var checks: [(Key, RateLimit, Scope)] = []
        if let service, let limit = rules.limit(service: service) {
            checks.append((.service(service), limit, .service(service)))
        }
        if let user, !user.isEmpty, let limit = rules.user { checks.append((.user(user), limit, .user)) }
        guard !checks.isEmpty else { return Admission() }
        var refusal: Refusal?
        var refilled: [(Key, Bucket, RateLimit, Scope)] = []
        for (key, limit, scope) in checks {
            let bucket = refill(buckets[key], limit: limit, now: now)
            refilled.append((key, bucket, limit, scope))
            if bucket.tokens < 1 {
                let wait = Duration.seconds((1 - bucket.tokens) / limit.perSecond)
                if refusal == nil || wait > refusal!.retryAfter {
                    refusal = Refusal(scope: scope, limit: limit, retryAfter: wait)
                }
            }
        }
        var quota: Quota?
        for (key, var bucket, limit, scope) in refilled {
            if refusal == nil { bucket.tokens -= 1 }
            buckets[key] = bucket
            let state = Quota(
                scope: scope, limit: limit, remaining: max(0, Int(bucket.tokens.rounded(.down))),
                resetAfter: .seconds(max(0, Double(limit.burst) - bucket.tokens) / limit.perSecond))
            if quota.map(state.isTighter) ?? true { quota = state }
        }
        if buckets.count > pruneAbove { prune(now: now) }
        return Admission(refusal: refusal, quota: quota)
    }

    private func refill(_ bucket: Bucket?, limit: RateLimit, now: Instant) -> Bucket {
        guard let bucket else { return Bucket(tokens: Double(limit.burst), updated: now) }
        let elapsed = max(0, bucket.updated.duration(to: now).seconds)
        return Bucket(tokens: min(Double(limit.burst), bucket.tokens + elapsed * limit.perSecond), updated: now)
    }

    /// Drops the buckets that would be full now: forgetting them changes nothing.
    private mutating func prune(now: Instant) {
        buckets = buckets.filter { key, bucket in
            let limit: RateLimit?
            switch key {
            case .service(let name): limit = rules.limit(service: name)
            case .user: limit = rules.user
            }
            guard let limit else { return false }
            return refill(bucket, limit: limit, now: now).tokens < Double(limit.burst)
        }
    }
}
