/// A limit's two token buckets: requests (`burst` at once, refilled at `requestsPerMinute`) and LLM tokens (a minute's
/// worth at once, refilled at `tokensPerMinute`). Either may be absent, not both.
public struct RateLimit: Sendable, Equatable {
    public var requestsPerMinute: Int?
    /// Requests at once (the request bucket's capacity).
    public var burst: Int
    /// Prompt and completion tokens a minute, charged once an answer's usage is known.
    public var tokensPerMinute: Int?

    /// - Parameters:
    ///   - requestsPerMinute: The sustained request rate; nil: requests are not limited.
    ///   - burst: How many requests may arrive at once; the rate's one-second share if not given.
    ///   - tokensPerMinute: The sustained token rate; nil: tokens are not limited.
    public init(requestsPerMinute: Int?, burst: Int? = nil, tokensPerMinute: Int? = nil) {
        self.requestsPerMinute = requestsPerMinute
        self.burst = burst ?? max(1, (requestsPerMinute ?? 0) / 60)
        self.tokensPerMinute = tokensPerMinute
    }

    /// Requests added per second.
    var requestsPerSecond: Double { Double(requestsPerMinute ?? 0) / 60 }
    /// Tokens added per second.
    var tokensPerSecond: Double { Double(tokensPerMinute ?? 0) / 60 }
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

    /// Whether any limit counts tokens: only then is an answer's usage charged.
    public var limitsTokens: Bool {
        user?.tokensPerMinute != nil || defaultService?.tokensPerMinute != nil
            || services.values.contains { $0.tokensPerMinute != nil }
    }

    func limit(service: String) -> RateLimit? { services[service] ?? defaultService }
}

/// Token buckets for services and end users, checked together: a request passes only if every bucket that applies
/// has a request token and is not in token debt, and then takes one request token from each (a refused request
/// takes none). The tokens an answer used are charged afterwards (``charge(service:user:tokens:now:)``) and may put
/// a bucket into debt, which refuses requests until it has refilled. Pure: the caller passes the time and keeps the
/// limiter behind a lock. Buckets are per process.
public struct RateLimiter<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    public enum Scope: Sendable, Equatable {
        case service(String)
        case user
    }

    /// What a bucket counts: requests, or the tokens of answers.
    public enum Measure: String, Sendable, Equatable {
        case requests, tokens
    }

    /// Why a request was refused, and when the bucket will let it through.
    public struct Refusal: Sendable, Equatable {
        public var scope: Scope
        public var measure: Measure
        public var limit: RateLimit
        public var retryAfter: Duration

        public init(scope: Scope, measure: Measure, limit: RateLimit, retryAfter: Duration) {
            self.scope = scope
            self.measure = measure
            self.limit = limit
            self.retryAfter = retryAfter
        }
    }

    /// The state of one bucket, after the decision (for OpenAI's `x-ratelimit-*` headers).
    public struct Quota: Sendable, Equatable {
        public var scope: Scope
        /// The bucket's rate: requests or tokens per minute.
        public var perMinute: Int
        /// Whole requests (or tokens) left: how many would pass at once now; 0 in debt.
        public var remaining: Int
        /// How long until the bucket is full again, at its rate.
        public var resetAfter: Duration

        public init(scope: Scope, perMinute: Int, remaining: Int, resetAfter: Duration) {
            self.scope = scope
            self.perMinute = perMinute
            self.remaining = remaining
            self.resetAfter = resetAfter
        }

        /// Fewer whole units left, or as many and longer to fill up again.
        func isTighter(than other: Quota) -> Bool {
            remaining < other.remaining || (remaining == other.remaining && resetAfter > other.resetAfter)
        }
    }

    /// The tightest request bucket and the tightest token bucket that applied: of each measure, the one with the
    /// fewest whole units left, the one that takes longer to fill up again on a tie.
    public struct Quotas: Sendable, Equatable {
        public var requests: Quota?
        public var tokens: Quota?

        public init(requests: Quota? = nil, tokens: Quota? = nil) {
            self.requests = requests
            self.tokens = tokens
        }

        mutating func note(_ quota: Quota, _ measure: Measure) {
            switch measure {
            case .requests: if requests.map(quota.isTighter) ?? true { requests = quota }
            case .tokens: if tokens.map(quota.isTighter) ?? true { tokens = quota }
            }
        }
    }

    /// What ``admit(service:user:now:)`` decided.
    public struct Admission: Sendable, Equatable {
        /// nil when admitted; else the refusing bucket with the longest wait.
        public var refusal: Refusal?
        /// nil when no bucket applies.
        public var quotas: Quotas?
    }

    private enum Key: Hashable {
        case service(String)
        case user(String)
    }

    private struct Bucket {
        var requests: Double
        /// Negative in debt: an answer used more than was left.
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

    /// The buckets that apply to a request.
    private func applying(service: String?, user: String?) -> [(Key, RateLimit, Scope)] {
        var checks: [(Key, RateLimit, Scope)] = []
        if let service, let limit = rules.limit(service: service) {
            checks.append((.service(service), limit, .service(service)))
        }
        if let user, !user.isEmpty, let limit = rules.user { checks.append((.user(user), limit, .user)) }
        return checks
    }

    /// Takes a request token from each bucket that applies, or refuses without taking any: when a request bucket
    /// is empty or a token bucket is in debt.
    /// - Parameters:
    ///   - service: The calling service, if known.
    ///   - user: The end user, if the request names one.
    ///   - now: The current instant.
    /// - Returns: The refusal with the longest wait if any bucket refuses, and the tightest buckets' state.
    public mutating func admit(service: String?, user: String?, now: Instant) -> Admission {
        let checks = applying(service: service, user: user)
        guard !checks.isEmpty else { return Admission() }
        var refusal: Refusal?
        func refuse(_ scope: Scope, _ measure: Measure, _ limit: RateLimit, wait: Duration) {
            if refusal == nil || wait > refusal!.retryAfter {
                refusal = Refusal(scope: scope, measure: measure, limit: limit, retryAfter: wait)
            }
        }
        var refilled: [(Key, Bucket, RateLimit, Scope)] = []
        for (key, limit, scope) in checks {
            let bucket = refill(buckets[key], limit: limit, now: now)
            refilled.append((key, bucket, limit, scope))
            if limit.requestsPerMinute != nil, bucket.requests < 1 {
                refuse(scope, .requests, limit, wait: .seconds((1 - bucket.requests) / limit.requestsPerSecond))
            }
            if limit.tokensPerMinute != nil, bucket.tokens < 1 {
                refuse(scope, .tokens, limit, wait: .seconds((1 - bucket.tokens) / limit.tokensPerSecond))
            }
        }
        var quotas = Quotas()
        for (key, var bucket, limit, scope) in refilled {
            if refusal == nil, limit.requestsPerMinute != nil { bucket.requests -= 1 }
            buckets[key] = bucket
            if let perMinute = limit.requestsPerMinute {
                quotas.note(
                    Self.quota(scope, perMinute, left: bucket.requests, capacity: Double(limit.burst)), .requests)
            }
            if let perMinute = limit.tokensPerMinute {
                quotas.note(Self.quota(scope, perMinute, left: bucket.tokens, capacity: Double(perMinute)), .tokens)
            }
        }
        if buckets.count > pruneAbove { prune(now: now) }
        return Admission(refusal: refusal, quotas: quotas)
    }

    /// A bucket's state: whole units left, and the time to fill it at its rate.
    private static func quota(_ scope: Scope, _ perMinute: Int, left: Double, capacity: Double) -> Quota {
        Quota(
            scope: scope, perMinute: perMinute, remaining: max(0, Int(left.rounded(.down))),
            resetAfter: .seconds(max(0, capacity - left) * 60 / Double(perMinute)))
    }

    /// Charges the tokens an answer used to every token bucket that applies to its request, into debt if need be.
    /// - Parameters:
    ///   - service: The calling service, if known.
    ///   - user: The end user, if the request named one.
    ///   - tokens: Prompt and completion tokens.
    ///   - now: The current instant.
    public mutating func charge(service: String?, user: String?, tokens: Int, now: Instant) {
        guard tokens > 0 else { return }
        for (key, limit, _) in applying(service: service, user: user) where limit.tokensPerMinute != nil {
            var bucket = refill(buckets[key], limit: limit, now: now)
            bucket.tokens -= Double(tokens)
            buckets[key] = bucket
        }
    }

    private func refill(_ bucket: Bucket?, limit: RateLimit, now: Instant) -> Bucket {
        let tokenCapacity = Double(limit.tokensPerMinute ?? 0)
        guard let bucket else { return Bucket(requests: Double(limit.burst), tokens: tokenCapacity, updated: now) }
        let elapsed = max(0, bucket.updated.duration(to: now).seconds)
        return Bucket(
            requests: min(Double(limit.burst), bucket.requests + elapsed * limit.requestsPerSecond),
            tokens: min(tokenCapacity, bucket.tokens + elapsed * limit.tokensPerSecond), updated: now)
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
            let refilled = refill(bucket, limit: limit, now: now)
            return refilled.requests < Double(limit.burst) || refilled.tokens < Double(limit.tokensPerMinute ?? 0)
        }
    }
}
