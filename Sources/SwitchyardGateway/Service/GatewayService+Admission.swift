import SwitchyardCore
import Synchronization

/// What the gateway does before and around a chain walk: the rate limits, and a route's sharing of answers.
extension GatewayService {
    /// Takes a token from the caller's service bucket and the end user's, before any upstream call.
    /// - Parameters:
    ///   - service: The calling service (the token's `service` claim); nil in process.
    ///   - user: The request's `user`, if any.
    /// - Returns: The tightest bucket's state after taking, for the `x-ratelimit-*` headers; nil when no limit
    ///   applies.
    /// - Throws: ``RateLimitExceeded`` when a bucket is empty (nothing is taken from the others).
    public func admit(service: String?, user: String?) throws(RateLimitExceeded) -> RateLimitQuota? {
        guard !settings.rateLimits.isEmpty else { return nil }
        let now = clock.now
        let admission = limiter.withLock { $0.admit(service: service, user: user, now: now) }
        guard let refusal = admission.refusal else { return admission.quota }
        metrics.recordRateLimited(refusal.scope)
        throw RateLimitExceeded(refusal: refusal, quota: admission.quota)
    }

    /// A non-streamed answer through the route's sharing rules: from its cache, or from one upstream call that
    /// identical concurrent requests of the same caller share, or on its own (a route without rules, or a
    /// `provider/model` request).
    /// - Parameters:
    ///   - plan: The plan, with its route's rules.
    ///   - request: The request.
    ///   - caller: The calling service: requests of different services never share.
    /// - Returns: The answer, and its cache status when the route caches and the request is deterministic.
    /// - Throws: ``GatewayFailure``.
    public func respond(
        _ plan: RoutePlan, request: ProviderRequest, caller: String?
    ) async throws(GatewayFailure) -> (GenerationResponse, CacheStatus?) {
        guard let route = plan.routeName, plan.dedupe || plan.cacheTTL != nil else {
            return (try await generate(plan, request: request), nil)
        }
        let key = SharedResponses.Key(service: caller, route: route, request: request)
        let cacheable = SharedResponses.isCacheable(plan, request)
        if cacheable, let hit = shared.cached(key, now: clock.now) {
            metrics.recordCache(route: route, status: .hit)
            return (hit, .hit)
        }
        let response: GenerationResponse
        if plan.dedupe {
            let (value, joined) = try await shared.deduplicated(key) { () async throws(GatewayFailure) in
                try await self.generate(plan, request: request)
            }
            if joined { metrics.recordDeduplicated(route: route) }
            response = value
        } else {
            response = try await generate(plan, request: request)
        }
        guard cacheable, let ttl = plan.cacheTTL else { return (response, nil) }
        let now = clock.now
        shared.store(response, for: key, expires: now.advanced(by: ttl), now: now)
        metrics.recordCache(route: route, status: .miss)
        return (response, .miss)
    }
}
