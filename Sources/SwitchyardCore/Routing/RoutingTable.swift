/// Fallback chains as data: named routes, default fallback rules per provider or model, and the universal fallback.
///
/// Loaded from the configuration file (see `config/switchyard.json`); nothing here names a real provider.
public struct RoutingTable: Sendable, Equatable, Codable {
    /// A named route: the name a client sends as `model`, and its ordered chain.
    public struct Route: Sendable, Equatable, Codable {
        public var name: String
        public var targets: [Target]

        /// - Parameters:
        ///   - name: What clients send as `model`.
        ///   - targets: The chain, primary first.
        public init(name: String, targets: [Target]) {
            self.name = name
            self.targets = targets
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

        func matches(_ target: Target) -> Bool {
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
