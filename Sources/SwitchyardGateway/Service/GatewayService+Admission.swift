import SwitchyardCore
import Synchronization

/// What the gateway does before and around a chain walk: the rate limits, and a route's sharing of answers.
extension GatewayService {
    /// Takes a token from the caller's service bucket and the end user's, before any upstream call.
    /// - Parameters:
    ///   - service: The calling service (the token's `service` claim); nil in process.
    ///   - user: The request's `user`, if any.
    /// - Returns: The tightest buckets' state after taking, for the `x-ratelimit-*` headers; nil when no limit
    ///   applies.
    /// - Throws: ``RateLimitExceeded`` when a request bucket is empty or a token bucket in debt (nothing is taken
    ///   from the others).
    public func admit(service: String?, user: String?) throws(RateLimitExceeded) -> RateLimitQuotas? {
        guard !settings.rateLimits.isEmpty else { return nil }
        let now = clock.now
        let admission = limiter.withLock { $0.admit(service: service, user: user, now: now) }
        guard let refusal = admission.refusal else { return admission.quotas }
        metrics.recordRateLimited(refusal.scope, refusal.measure)
        throw RateLimitExceeded(refusal: refusal, quotas: admission.quotas)
    }

    /// Charges the tokens of an answer that went upstream to the caller's and the end user's token buckets, when the
    /// walk that got it ends (``generate(_:request:caller:)``, ``streamEnded(_:usage:failure:finishReason:)``): a
    /// cached answer, or one shared with an identical concurrent request, costs them nothing.
    /// - Parameters:
    ///   - service: The calling service.
    ///   - user: The request's `user`.
    ///   - usage: What the answer used.
    func charge(service: String?, user: String?, usage: Usage) {
        guard limitsTokens else { return }
        let now = clock.now
        limiter.withLock { $0.charge(service: service, user: user, tokens: usage.totalTokens, now: now) }
    }

    /// A non-streamed answer through the route's sharing rules: from its cache, or from one upstream call that
    /// identical concurrent requests of the same caller share, or on its own (a route without rules, or a
    /// `provider/model` request).
    /// - Parameters:
    ///   - plan: The plan, with its route's rules.
    ///   - request: The request.
    ///   - caller: The calling service: requests of different services never share.
    ///   - directive: What the request asks of the cache.
    /// - Returns: The answer, and its cache status when the route caches and the request is deterministic.
    /// - Throws: ``GatewayFailure``.
    public func respond(
        _ plan: RoutePlan, request: ProviderRequest, caller: String?, directive: CacheDirective = .use
    ) async throws(GatewayFailure) -> (GenerationResponse, CacheStatus?) {
        guard let route = plan.routeName, plan.dedupe || plan.cacheTTL != nil else {
            return (try await generate(plan, request: request, caller: caller), nil)
        }
        let key = SharedResponses.Key(service: caller, route: route, request: request)
        let cacheable = SharedResponses.isCacheable(plan, request, directive)
        if cacheable, directive == .use, let hit = shared.cached(key, now: clock.now) {
            metrics.recordCache(route: route, status: .hit)
            return (hit, .hit)
        }
        let response: GenerationResponse
        if plan.dedupe {
            let (value, joined) = try await shared.deduplicated(key) { () async throws(GatewayFailure) in
                try await self.generate(plan, request: request, caller: caller)
            }
            if joined { metrics.recordDeduplicated(route: route) }
            response = value
        } else {
            response = try await generate(plan, request: request, caller: caller)
        }
        guard cacheable, let ttl = plan.cacheTTL else { return (response, nil) }
        shared.store(response, for: key, expires: clock.now.advanced(by: ttl))
        metrics.recordCache(route: route, status: .miss)
        return (response, .miss)
    }

    /// Opens a stream through the route's sharing rules. A deterministic request on a caching route replays a kept
    /// answer (no provider is called, no attempt, cost 0), or has its answer kept once the stream ends well; on a
    /// deduplicating route, identical concurrent streamed requests of one caller read one upstream stream (each from
    /// its first event). Anything else walks the chain on its own (``commitStream(_:request:caller:)``).
    /// - Parameters:
    ///   - plan: The targets, in order, and the route's rules.
    ///   - request: The request.
    ///   - caller: The calling service: its answers are kept apart, and its token bucket is charged.
    ///   - directive: What the request asks of the cache.
    /// - Returns: The committed stream.
    /// - Throws: ``GatewayFailure``.
    public func openStream(
        _ plan: RoutePlan, request: ProviderRequest, caller: String?, directive: CacheDirective = .use
    ) async throws(GatewayFailure) -> CommittedStream {
        guard let route = plan.routeName, plan.dedupe || plan.cacheTTL != nil else {
            return try await commitStream(plan, request: request, caller: caller)
        }
        let key = SharedResponses.Key(service: caller, route: route, request: request)
        let keeping: SharedResponses.Keeping?
        if let ttl = plan.cacheTTL, SharedResponses.isCacheable(plan, request, directive) {
            if directive == .use, let hit = shared.cached(key, now: clock.now) {
                metrics.recordCache(route: route, status: .hit)
                var replay = CommittedStream(
                    target: Target(provider: hit.provider, model: hit.model),
                    head: [.delta(hit.text), .finish(hit.finishReason), .usage(hit.usage)], rest: EventIteratorBox(),
                    walk: ChainWalk(chain: plan.chain, backoff: settings.backoff, prices: settings.prices),
                    started: clock.now, span: nil, charged: (caller, request.user))
                replay.cacheStatus = .hit
                return replay
            }
            keeping = (key, route, ttl)
        } else {
            keeping = nil
        }
        let open = { @Sendable () async throws(GatewayFailure) -> CommittedStream in
            var committed = try await self.commitStream(plan, request: request, caller: caller)
            if let keeping {
                committed.cacheStatus = .miss
                committed.keeping = keeping
                committed.rest.startRecording()
            }
            return committed
        }
        guard plan.dedupe else { return try await open() }
        let (flight, joined) = shared.streamFlight(key)
        if joined {
            metrics.recordDeduplicated(route: route)
        } else {
            flight.start(open: open) { committed, tally, failure in
                self.streamEnded(committed, usage: tally.usage, failure: failure, finishReason: tally.finishReason)
            } done: {
                self.shared.forget(flight, for: key)
            }
        }
        do {
            return try await flight.reader()
        } catch {
            flight.leave()
            throw error
        }
    }

    /// Keeps the answer of a stream that ended well, if its route caches it.
    func keep(_ stream: CommittedStream, finishReason: FinishReason, usage: Usage, walk: ChainWalk) {
        guard let keeping = stream.keeping, let rest = stream.rest.recorded else { return }
        var text = ""
        for case .delta(let delta) in stream.head { text += delta }
        let answer = GenerationResponse(
            text: text + rest, finishReason: finishReason, usage: usage, provider: stream.target.provider,
            model: stream.target.model, attempts: walk.attempts, cost: walk.cost)
        shared.store(answer, for: keeping.key, expires: clock.now.advanced(by: keeping.ttl))
        metrics.recordCache(route: keeping.route, status: .miss)
    }
}
