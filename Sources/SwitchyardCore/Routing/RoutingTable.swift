/// Fallback chains as data: named routes, default fallback rules per provider or model, and the universal fallback.
///
/// Loaded from the configuration file (see `config/switchyard.json`); nothing here names a real provider.
public struct RoutingTable: Sendable, Equatable, Codable {
    /// A named route: the name a client sends as `model`, and its ordered chain.
    public struct Route: Sendable, Equatable, Codable {
        public var name: String
        public var targets: [Target]
        /// Timeouts of this route's attempts, where they differ from the gateway's defaults.
        public var timeouts: TimeoutOverrides?
        /// Identical concurrent non-streamed requests (same service, same request) share one upstream call.
        public var dedupe: Bool?
        /// An exact-match cache of non-streamed answers to deterministic requests.
        public var cache: CachePolicy?

        /// - Parameters:
        ///   - name: What clients send as `model`.
        ///   - targets: The chain, primary first.
        ///   - timeouts: Per-route timeouts, if any.
        ///   - dedupe: Whether identical concurrent requests share one upstream call.
        ///   - cache: The response cache, if any.
        public init(
            name: String, targets: [Target], timeouts: TimeoutOverrides? = nil, dedupe: Bool? = nil,
            cache: CachePolicy? = nil
        ) {
            self.name = name
            self.targets = targets
            self.timeouts = timeouts
            self.dedupe = dedupe
            self.cache = cache
        }
    }

    /// A route's response cache: answers live `ttl_seconds`.
    public struct CachePolicy: Sendable, Equatable, Codable {
        public var ttlSeconds: Int

        /// - Parameter ttlSeconds: How long an answer is served from the cache.
        public init(ttlSeconds: Int) {
            self.ttlSeconds = ttlSeconds
        }

        enum CodingKeys: String, CodingKey {
            case ttlSeconds = "ttl_seconds"
        }
    }

    /// Per-route timeouts in milliseconds; nil fields keep the gateway's defaults.
    public struct TimeoutOverrides: Sendable, Equatable, Codable {
        public var attemptMs: Int?
        public var timeToFirstTokenMs: Int?
        public var streamMs: Int?

        /// - Parameters:
        ///   - attemptMs: One non-streamed attempt.
        ///   - timeToFirstTokenMs: From opening a stream to its first token.
        ///   - streamMs: One whole streamed attempt.
        public init(attemptMs: Int? = nil, timeToFirstTokenMs: Int? = nil, streamMs: Int? = nil) {
            self.attemptMs = attemptMs
            self.timeToFirstTokenMs = timeToFirstTokenMs
            self.streamMs = streamMs
        }

        enum CodingKeys: String, CodingKey {
            case attemptMs = "attempt_ms"
            case timeToFirstTokenMs = "ttft_ms"
            case streamMs = "stream_ms"
        }

        /// - Parameter defaults: The gateway's timeouts.
        /// - Returns: The defaults with these overrides applied.
        public func applied(to defaults: AttemptTimeouts) -> AttemptTimeouts {
            AttemptTimeouts(
                attempt: attemptMs.map { .milliseconds($0) } ?? defaults.attempt,
                timeToFirstToken: timeToFirstTokenMs.map { .milliseconds($0) } ?? defaults.timeToFirstToken,
                stream: streamMs.map { .milliseconds($0) } ?? defaults.stream)
        }
    }

    /// Default fallbacks for a primary that matches `provider` and, if set, `model`.
    public struct FallbackRule: Sendable, Equatable, Codable {
        public var provider: String
        public var model: String?
        public var fallbacks: [Target]

        /// - Parameters:
        ///   - provider: The primary's provider.
        ///   - model: The primary's model; nil matches every model of the provider.
        ///   - fallbacks: The chain that follows the primary.
        public init(provider: String, model: String? = nil, fallbacks: [Target]) {
            self.provider = provider
            self.model = model
            self.fallbacks = fallbacks
        }

        public func matches(_ target: Target) -> Bool {
            target.provider == provider && (model == nil || model == target.model)
        }
    }

    public var routes: [Route]
    public var fallbackRules: [FallbackRule]
    /// Appended to every chain unless already in it. Nil disables it.
    public var universalFallback: Target?

    /// - Parameters:
    ///   - routes: Named routes.
    ///   - fallbackRules: Default fallbacks, most specific first (the first match wins).
    ///   - universalFallback: The last resort of every chain.
    public init(routes: [Route] = [], fallbackRules: [FallbackRule] = [], universalFallback: Target? = nil) {
        self.routes = routes
        self.fallbackRules = fallbackRules
        self.universalFallback = universalFallback
    }

    enum CodingKeys: String, CodingKey {
        case routes
        case fallbackRules = "fallback_rules"
        case universalFallback = "universal_fallback"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        routes = try container.decodeIfPresent([Route].self, forKey: .routes) ?? []
        fallbackRules = try container.decodeIfPresent([FallbackRule].self, forKey: .fallbackRules) ?? []
        universalFallback = try container.decodeIfPresent(Target.self, forKey: .universalFallback)
    }

    /// - Parameter name: A route name.
    /// - Returns: The route, if one has that name.
    public func route(named name: String) -> Route? {
        routes.first { $0.name == name }
    }

    /// The default fallbacks for a primary, from the first rule that matches it.
    /// - Parameter primary: The primary target.
    /// - Returns: The fallbacks (possibly empty), without the universal fallback.
    public func defaultFallbacks(for primary: Target) -> [Target] {
        fallbackRules.first { $0.matches(primary) }?.fallbacks ?? []
    }
}
