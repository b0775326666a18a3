import Logging
import SwitchyardCore
import SwitchyardHTTP
import SwitchyardProviders
import Synchronization

/// The gateway: walks a fallback chain over providers, honouring the failure policy, retries, cooldowns and
/// deadlines, and records every attempt. The I/O shell around ``ChainWalk``.
public final class GatewayService: Sendable {
    public let registry: ProviderRegistry
    public let routing: RoutingTable
    public let settings: GatewaySettings
    public let metrics: GatewayMetrics
    private let spans: AttemptSpans
    private let cooldowns: Mutex<CooldownTracker<AnyClock.Instant>>
    let limiter: Mutex<RateLimiter<AnyClock.Instant>>
    /// Whether a limit counts tokens (answers are charged only then).
    let limitsTokens: Bool
    let shared: SharedResponses
    let clock: AnyClock
    let logger: Logger
    /// The primaries already logged as having no fallback rule.
    let unruledPrimaries = Mutex(Set<String>())

    /// - Parameters:
    ///   - registry: The providers.
    ///   - routing: Routes and fallback rules.
    ///   - settings: Timeouts, retries and cooldown thresholds.
    ///   - metrics: Where counters go.
    ///   - tracing: Where attempt spans go; nil for none.
    ///   - logger: The gateway's logger.
    ///   - clock: Measures latency and deadlines, and sleeps between retries (a manual clock in tests).
    public init(
        registry: ProviderRegistry,
        routing: RoutingTable,
        settings: GatewaySettings = .init(),
        metrics: GatewayMetrics = .init(),
        tracing: TraceSettings? = nil,
        logger: Logger = Logger(label: "switchyard.gateway"),
        clock: some Clock<Duration> = ContinuousClock()
    ) {
        self.clock = AnyClock(clock)
        self.registry = registry
        self.routing = routing
        self.settings = settings
        self.metrics = metrics
        self.spans = AttemptSpans(settings: tracing)
        self.cooldowns = Mutex(CooldownTracker(settings: settings.cooldown))
        self.limiter = Mutex(RateLimiter(rules: settings.rateLimits))
        self.limitsTokens = settings.rateLimits.limitsTokens
        self.shared = SharedResponses(
            maximumEntries: settings.cacheMaximumEntries, maximumBytes: settings.cacheMaximumBytes)
        self.logger = logger
        metrics.service.onRender { [weak self] in
            guard let self else { return }
            let now = self.clock.now
            self.metrics.recordCooldowns(self.cooldowns.withLock { $0.states(now: now) })
        }
    }

    // MARK: Non-streamed

    /// Walks the chain until one target answers, and charges the answer's tokens to its caller's and end user's
    /// token buckets.
    /// - Parameters:
    ///   - plan: The targets, in order, and the attempts' timeouts.
    ///   - request: The request; its model, system instruction and region are replaced per target.
    ///   - caller: The calling service.
    /// - Returns: The answer and the attempt log.
    /// - Throws: ``GatewayFailure``.
    public func generate(
        _ plan: RoutePlan, request: ProviderRequest, caller: String?
    ) async throws(GatewayFailure) -> GenerationResponse {
        let deadline = clock.now.advanced(by: settings.requestDeadline)
        var walk = ChainWalk(chain: plan.chain, backoff: settings.backoff, prices: settings.prices)
        while true {
            switch walk.next(remaining: clock.now.duration(to: deadline), skipReason: skipReason) {
            case .wait(let delay):
                do { try await clock.sleep(for: delay) } catch { throw cancelled(walk) }
            case .done:
                throw finalFailure(walk)
            case .attempt(var target):
                guard !Task.isCancelled else { throw cancelled(walk) }
                guard let provider = registry.provider(target.provider) else { continue }
                if target.regionName == nil { target.regionName = provider.defaultRegion }
                let started = clock.now
                let timeout = min(plan.timeouts.attempt, started.duration(to: deadline))
                let attemptRequest = self.request(request, for: target)
                let span = spans.start(
                    target, providerName: provider.genAIProviderName, request: attemptRequest,
                    sessionID: plan.sessionID, streamed: false)
                do {
                    let result = try await provider.complete(attemptRequest, timeout: timeout)
                    if plan.requireContent, result.text.trimmingWhitespace().isEmpty {
                        throw ProviderFailure(.emptyResponse, detail: "the answer held no text")
                    }
                    let latency = started.duration(to: clock.now)
                    walk.recordSuccess(target, latency: latency, usage: result.usage)
                    noteSuccess(target, usage: result.usage)
                    spans.end(
                        span, record: walk.attempts.last, finishReason: result.finishReason, output: result.text)
                    record(walk.attempts)
                    charge(service: caller, user: request.user, usage: result.usage)
                    return GenerationResponse(
                        text: result.text, finishReason: result.finishReason, usage: result.usage,
                        provider: target.provider, model: target.model, attempts: walk.attempts, cost: walk.cost)
                } catch {
                    // A call cut short because the caller went away says nothing about the provider.
                    guard !Task.isCancelled else {
                        spans.end(span, record: nil, errorType: "cancelled")
                        throw cancelled(walk)
                    }
                    let failure = HTTPTransport.classify(error)
                    noteFailure(target, failure)
                    walk.recordFailure(
                        failure, target: target, latency: started.duration(to: clock.now),
                        jitterUnit: Double.random(in: -1...1))
                    spans.end(span, record: walk.attempts.last, errorType: failure.kind.rawValue)
                }
            }
        }
    }

    // MARK: Streamed

    /// Walks the chain until one target's stream yields its first content token (the commit point).
    /// Failures before that point fall back like any other failure. (``openStream(_:request:caller:)`` first looks in
    /// the route's cache.)
    /// - Parameters:
    ///   - plan: The targets, in order, and the attempts' timeouts.
    ///   - request: The request.
    ///   - caller: The calling service, whose token bucket (and the request's user's) the stream's usage is charged
    ///     to when it ends.
    /// - Returns: The committed stream.
    /// - Throws: ``GatewayFailure``.
    func commitStream(
        _ plan: RoutePlan, request: ProviderRequest, caller: String?
    ) async throws(GatewayFailure) -> CommittedStream {
        let deadline = clock.now.advanced(by: settings.requestDeadline)
        var walk = ChainWalk(chain: plan.chain, backoff: settings.backoff, prices: settings.prices)
        while true {
            switch walk.next(remaining: clock.now.duration(to: deadline), skipReason: skipReason) {
            case .wait(let delay):
                do { try await clock.sleep(for: delay) } catch { throw cancelled(walk) }
            case .done:
                throw finalFailure(walk)
            case .attempt(var target):
                guard !Task.isCancelled else { throw cancelled(walk) }
                guard let provider = registry.provider(target.provider) else { continue }
                if target.regionName == nil { target.regionName = provider.defaultRegion }
                let started = clock.now
                let firstTokenBudget = min(plan.timeouts.timeToFirstToken, started.duration(to: deadline))
                let attemptRequest = self.request(request, for: target)
                let span = spans.start(
                    target, providerName: provider.genAIProviderName, request: attemptRequest,
                    sessionID: plan.sessionID, streamed: true)
                do {
                    let (head, box) = try await firstContent(
                        provider: provider, request: attemptRequest, budget: firstTokenBudget,
                        streamTimeout: plan.timeouts.stream, requireContent: plan.requireContent)
                    let firstToken = started.duration(to: clock.now)
                    walk.recordSuccess(target, latency: firstToken, usage: nil)
                    walk.recordFirstToken(after: firstToken)
                    spans.firstToken(span)
                    return CommittedStream(
                        target: target, head: head, rest: box, walk: walk, started: started, span: span,
                        charged: (caller, request.user))
                } catch {
                    // A call cut short because the caller went away says nothing about the provider.
                    guard !Task.isCancelled else {
                        spans.end(span, record: nil, errorType: "cancelled")
                        throw cancelled(walk)
                    }
                    let failure = HTTPTransport.classify(error)
                    noteFailure(target, failure)
                    walk.recordFailure(
                        failure, target: target, latency: started.duration(to: clock.now),
                        jitterUnit: Double.random(in: -1...1))
                    spans.end(span, record: walk.attempts.last, errorType: failure.kind.rawValue)
                }
            }
        }
    }

    /// Records how a committed stream ended, for cooldown, metrics and its attempt's span, and charges its usage to
    /// the token buckets of its caller and end user.
    /// - Parameters:
    ///   - target: The target that served it.
    ///   - usage: The usage delivered (or estimated).
    ///   - failure: The failure that cut it, if one did.
    ///   - finishReason: How the provider said it finished, if it did.
    /// - Returns: What the whole request cost (every attempt), in nano-dollars; nil for an unpriced model.
    @discardableResult
    public func streamEnded(
        _ stream: CommittedStream, usage: Usage, failure: ProviderFailure?, finishReason: FinishReason? = nil
    ) -> Int64? {
        // A replayed answer called no provider: nothing to record, charge or keep.
        guard stream.cacheStatus != .hit else { return 0 }
        // A reader of a shared stream: its pump records the stream's end, once.
        if let flight = stream.flight {
            flight.leave()
            return stream.ended(with: usage).cost
        }
        let target = stream.target
        var walk = stream.walk
        walk.recordStreamEnd(usage: usage)
        if let failure {
            // A caller that left says nothing about the provider.
            if failure != .callerLeft { noteFailure(target, failure) }
        } else {
            noteSuccess(target, usage: usage)
        }
        record(walk.attempts, streamDuration: stream.started.duration(to: clock.now))
        charge(service: stream.charged.service, user: stream.charged.user, usage: usage)
        if failure == nil, let finishReason {
            keep(stream, finishReason: finishReason, usage: usage, walk: walk)
        }
        spans.end(
            stream.span, record: walk.attempts.last { $0.outcome == .success },
            finishReason: finishReason, errorType: failure == .callerLeft ? "cancelled" : failure?.kind.rawValue)
        return walk.cost
    }

    /// Opens the stream and reads up to its first content token, all within `budget` (the time-to-first-token
    /// timeout), so that a provider slow to answer at all and one slow to start writing are treated alike.
    /// With `requireContent`, whitespace-only deltas do not commit, and a stream that ends without text fails.
    private func firstContent(
        provider: any ChatProvider, request: ProviderRequest, budget: Duration, streamTimeout: Duration,
        requireContent: Bool
    ) async throws -> ([StreamEvent], EventIteratorBox) {
        return try await withThrowingTaskGroup(of: ([StreamEvent], EventIteratorBox)?.self) { group in
            group.addTask {
                let stream = try await provider.stream(request, timeout: streamTimeout)
                let box = EventIteratorBox(stream.makeAsyncIterator())
                var head: [StreamEvent] = []
                while let event = try await box.next() {
                    head.append(event)
                    switch event {
                    case .delta(let text):
                        if requireContent, text.allSatisfy(\.isWhitespace) { continue }
                        return (head, box)
                    case .finish(.contentFilter):
                        throw ProviderFailure(.contentFiltered, detail: "stream filtered before any content")
                    case .finish, .usage: continue
                    }
                }
                if requireContent { throw ProviderFailure(.emptyResponse, detail: "the stream ended without text") }
                return (head, box)
            }
            group.addTask { [clock] in
                try await clock.sleep(for: budget)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let result = first else {
                throw ProviderFailure(.timeout, detail: "no first token within \(budget)")
            }
            return result
        }
    }

    // MARK: Bookkeeping

    private func request(_ base: ProviderRequest, for target: Target) -> ProviderRequest {
        var request = base
        request.model = target.model
        request.systemInstruction = target.systemInstruction ?? base.systemInstruction
        request.regionName = target.regionName ?? base.regionName
        return request
    }

    private func skipReason(_ target: Target) -> ChainWalk.SkipReason? {
        guard let provider = registry.provider(target.provider) else { return .unavailable }
        var key = target.key
        if key.regionName == nil { key.regionName = provider.defaultRegion }
        let now = clock.now
        return cooldowns.withLock { $0.isCoolingDown(key, now: now) } ? .coolingDown : nil
    }

    private func noteSuccess(_ target: Target, usage: Usage) {
        let now = clock.now
        let transition = cooldowns.withLock { $0.recordSuccess(target.key, now: now) }
        if transition == .recovered {
            logger.info("target recovered", metadata: ["target": "\(target.key)"])
        }
    }

    private func noteFailure(_ target: Target, _ failure: ProviderFailure) {
        let now = clock.now
        let transition = cooldowns.withLock { $0.recordFailure(target.key, kind: failure.kind, now: now) }
        logger.warning("attempt failed", metadata: ["target": "\(target.key)", "kind": "\(failure.kind.rawValue)"])
        // The upstream's own words may quote the request: debug only.
        logger.debug("attempt failure detail", metadata: ["target": "\(target.key)", "detail": "\(failure.detail)"])
        if case .cooledDown(let until) = transition {
            logger.warning(
                "target cooling down",
                metadata: ["target": "\(target.key)", "seconds": "\(now.duration(to: until).seconds)"])
        }
    }

    private func cancelled(_ walk: ChainWalk) -> GatewayFailure {
        record(walk.attempts)
        return GatewayFailure(reason: .cancelled, lastFailure: walk.lastFailure, attempts: walk.attempts)
    }

    /// Records a finished request's attempts in the metrics.
    private func record(_ attempts: [AttemptRecord], streamDuration: Duration? = nil) {
        metrics.record(attempts, streamDuration: streamDuration) { [registry] id in
            registry.provider(id)?.genAIProviderName ?? id
        }
    }

    private func finalFailure(_ walk: ChainWalk) -> GatewayFailure {
        let reason: GatewayFailure.Reason
        if walk.fatalFailure != nil {
            reason = .rejected
        } else if walk.deadlineExceeded {
            reason = .deadline
        } else if walk.sentAttempts == 0 {
            reason = .noProvider
        } else {
            reason = .exhausted
        }
        record(walk.attempts)
        return GatewayFailure(reason: reason, lastFailure: walk.lastFailure, attempts: walk.attempts)
    }
}
