import Logging
import SwitchyardCore
import Synchronization

/// How the gateway turns a request into a plan: validation, the chain of a route or of `provider/model`, and the
/// timeouts that apply.
extension GatewayService {
    /// Every check a generation request must pass, for the HTTP route and the in-process client alike.
    /// - Parameter request: The request.
    /// - Throws: ``RequestValidationError`` naming the field.
    public func validate(_ request: GenerationRequest) throws(RequestValidationError) {
        try RequestValidation.validate(
            request, knownProviders: registry.knownIDs, knownRoutes: Set(routing.routes.map(\.name)))
    }

    /// The gateway's default attempt timeouts.
    public var defaultTimeouts: AttemptTimeouts {
        AttemptTimeouts(
            attempt: settings.attemptTimeout, timeToFirstToken: settings.timeToFirstToken,
            stream: settings.streamTimeout)
    }

    /// The plan for an internal request: its primary, then its own fallbacks or the defaults, then the universal
    /// fallback.
    /// - Parameter request: The request.
    /// - Returns: The chain and the default timeouts.
    public func plan(for request: GenerationRequest) -> RoutePlan {
        if let name = request.route, let route = routing.route(named: name) {
            let chain = ChainBuilder.chain(
                route: route, table: routing, systemInstruction: request.systemInstruction,
                regionName: request.regionName)
            var plan = RoutePlan(
                chain: chain, timeouts: route.timeouts?.applied(to: defaultTimeouts) ?? defaultTimeouts,
                requireContent: request.requireContent)
            plan.sessionID = request.metadata["session"]?.stringValue
            plan.share(route)
            return plan
        }
        let primary = Target(
            provider: request.provider, model: request.model, retry: request.retry ?? settings.defaultRetries)
        if request.fallbacks == nil { noteMissingFallbackRule(primary) }
        let chain = ChainBuilder.chain(
            primary: primary, explicitFallbacks: request.fallbacks, table: routing,
            systemInstruction: request.systemInstruction, regionName: request.regionName)
        var plan = RoutePlan(chain: chain, timeouts: defaultTimeouts, requireContent: request.requireContent)
        plan.sessionID = request.metadata["session"]?.stringValue
        return plan
    }

    /// Logs, once per provider and model, that a primary has no fallback rule (only the universal fallback follows
    /// it), as the reference does.
    private func noteMissingFallbackRule(_ primary: Target) {
        guard routing.fallbackRules.first(where: { $0.matches(primary) }) == nil else { return }
        let key = "\(primary.provider)/\(primary.model)"
        guard unruledPrimaries.withLock({ $0.count < 4096 && $0.insert(key).inserted }) else { return }
        logger.info(
            "no specific fallback defined", metadata: ["provider": "\(primary.provider)", "model": "\(primary.model)"])
    }

    /// The plan for an OpenAI-style `model`: a route name (with its own timeouts, if set), or `provider/model`.
    /// - Parameters:
    ///   - model: The model string.
    ///   - systemInstruction: The request's system instruction.
    /// - Returns: The plan, or nil when the string names no route and no known provider.
    public func plan(forModel model: String, systemInstruction: String?) -> RoutePlan? {
        if let route = routing.route(named: model) {
            let chain = ChainBuilder.chain(
                route: route, table: routing, systemInstruction: systemInstruction, regionName: nil)
            var plan = RoutePlan(
                chain: chain, timeouts: route.timeouts?.applied(to: defaultTimeouts) ?? defaultTimeouts)
            plan.share(route)
            return plan
        }
        guard let slash = model.firstIndex(of: "/") else { return nil }
        let provider = String(model[..<slash])
        let modelID = String(model[model.index(after: slash)...])
        guard registry.isKnown(provider), !modelID.isEmpty else { return nil }
        let primary = Target(provider: provider, model: modelID, retry: settings.defaultRetries)
        let chain = ChainBuilder.chain(
            primary: primary, explicitFallbacks: nil, table: routing, systemInstruction: systemInstruction,
            regionName: nil)
        return RoutePlan(chain: chain, timeouts: defaultTimeouts)
    }
}
