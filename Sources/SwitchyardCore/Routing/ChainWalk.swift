/// The attempt loop over a fallback chain, as a pure state machine.
///
/// The I/O shell asks ``next(remaining:skipReason:)`` what to do, performs it (sleep or call a provider), and reports
/// the result with ``recordSuccess(_:latency:usage:)`` or ``recordFailure(_:latency:jitterUnit:)``. Semantics:
/// - targets are tried in order; one that is unavailable or cooling down is skipped and logged as such;
/// - a retryable failure retries the same target while it has retries left, after a ``Backoff`` delay (or the
///   upstream's `Retry-After`); a wait longer than the time left moves on instead;
/// - a failure whose decision is `nextTarget` moves on; `failFast` stops the walk at once;
/// - if every target was skipped for cooldown, the first of them is tried anyway (a probe), so a chain is never
///   refused without one real attempt.
public struct ChainWalk: Sendable {
    /// What the caller should do next.
    public enum Step: Sendable, Equatable {
        case attempt(Target)
        case wait(Duration)
        case done
    }

    /// Why a target cannot be tried now.
    public enum SkipReason: Sendable, Equatable {
        case unavailable
        case coolingDown
    }

    public let chain: [Target]
    public let backoff: Backoff
    /// Prices each attempt's usage.
    public let prices: PriceTable
    public private(set) var attempts: [AttemptRecord] = []
    /// The failure that stopped the walk early, if one did.
    public private(set) var fatalFailure: ProviderFailure?
    /// The last failure seen, for the final answer.
    public private(set) var lastFailure: ProviderFailure?
    /// Whether the deadline ended the walk.
    public private(set) var deadlineExceeded = false

    private var index = 0
    private var retriesUsed = 0
    private var pendingWait: Duration?
    private var retryReady = false
    private var firstCooledIndex: Int?
    private var probed = false
    private var succeeded = false

    /// - Parameters:
    ///   - chain: The ordered targets.
    ///   - backoff: The retry delays.
    ///   - prices: The list prices that give each attempt its cost.
    public init(chain: [Target], backoff: Backoff, prices: PriceTable = PriceTable()) {
        self.chain = chain
        self.backoff = backoff
        self.prices = prices
    }

    /// What the attempts sent so far cost, in nano-dollars; nil when one of them used tokens of a model that the
    /// price table does not know.
    public var cost: Int64? {
        attempts.reduce(Int64(0)) { total, attempt in
            guard let total, let cost = attempt.cost else { return nil }
            return total + cost
        }
    }

    /// The number of requests actually sent upstream.
    public var sentAttempts: Int {
        attempts.count { record in
            switch record.outcome {
            case .success, .failed: true
            case .skippedCooldown, .skippedUnavailable: false
            }
        }
    }

    /// - Parameters:
    ///   - remaining: Time left before the request's deadline.
    ///   - skipReason: Says whether a target must be skipped now.
    /// - Returns: The next step.
    public mutating func next(remaining: Duration, skipReason: (Target) -> SkipReason?) -> Step {
        if succeeded || fatalFailure != nil { return .done }
        if remaining <= .zero {
            deadlineExceeded = true
            return .done
        }
        if let wait = pendingWait {
            pendingWait = nil
            if wait < remaining {
                retryReady = true
                return wait > .zero ? .wait(wait) : next(remaining: remaining, skipReason: skipReason)
            }
            moveOn()
        }
        if retryReady, index < chain.count {
            retryReady = false
            return .attempt(chain[index])
        }
        while index < chain.count {
            let target = chain[index]
            switch skipReason(target) {
            case nil:
                return .attempt(target)
            case .unavailable:
                attempts.append(AttemptRecord(target: target, outcome: .skippedUnavailable))
            case .coolingDown:
                attempts.append(AttemptRecord(target: target, outcome: .skippedCooldown))
                if firstCooledIndex == nil { firstCooledIndex = index }
            }
            index += 1
        }
        if sentAttempts == 0, !probed, let cooled = firstCooledIndex {
            probed = true
            index = cooled
            return .attempt(chain[cooled])
        }
        return .done
    }

    /// Records that the current target answered.
    /// - Parameters:
    ///   - target: The target that answered.
    ///   - latency: How long it took.
    ///   - usage: Its token counts.
    public mutating func recordSuccess(_ target: Target, latency: Duration, usage: Usage?) {
        attempts.append(
            AttemptRecord(
                target: target, outcome: .success, latency: latency, usage: usage, cost: cost(usage, at: target)))
        succeeded = true
    }

    /// Records that the current target failed and decides what follows.
    /// - Parameters:
    ///   - failure: The classified failure.
    ///   - target: The target that failed.
    ///   - latency: How long the attempt took.
    ///   - usage: Token counts that were already spent (a stream cut after it began).
    ///   - jitterUnit: A number in [−1, 1] for the backoff's jitter.
    /// - Returns: The policy decision that was applied.
    @discardableResult
    public mutating func recordFailure(
        _ failure: ProviderFailure,
        target: Target,
        latency: Duration,
        usage: Usage? = nil,
        jitterUnit: Double
    ) -> FailureDecision {
        attempts.append(
            AttemptRecord(
                target: target, outcome: .failed(failure.kind), latency: latency, status: failure.status,
                usage: usage, cost: cost(usage, at: target)))
        lastFailure = failure
        let decision = FailurePolicy.decision(for: failure.kind)
        switch decision {
        case .failFast:
            fatalFailure = failure
        case .nextTarget:
            moveOn()
        case .retrySameTarget:
            guard index < chain.count, retriesUsed < chain[index].retry, !probed else {
                moveOn()
                break
            }
            retriesUsed += 1
            if let delay = backoff.delay(forRetry: retriesUsed, retryAfter: failure.retryAfter, unit: jitterUnit) {
                pendingWait = delay
            } else {
                moveOn()
            }
        }
        return decision
    }

    /// Records when the serving attempt of a stream delivered its first content token (the commit point).
    public mutating func recordFirstToken(after delay: Duration) {
        guard let index = attempts.lastIndex(where: { $0.outcome == .success }) else { return }
        attempts[index].timeToFirstTokenMilliseconds = delay.milliseconds
    }

    /// Completes the serving attempt of a stream when it ends: its usage (delivered or estimated) and its cost.
    public mutating func recordStreamEnd(usage: Usage) {
        guard let index = attempts.lastIndex(where: { $0.outcome == .success }) else { return }
        let target = Target(
            provider: attempts[index].provider, model: attempts[index].model, regionName: attempts[index].regionName)
        attempts[index].usage = usage
        attempts[index].cost = cost(usage, at: target)
    }

    /// An attempt's cost: its usage at the target's price; 0 when it used no tokens that anyone reported (nothing
    /// is billed for a refused or timed-out request), nil when it used tokens of an unknown model.
    func cost(_ usage: Usage?, at target: Target) -> Int64? {
        guard let usage, usage.promptTokens > 0 || usage.completionTokens > 0 else { return 0 }
        return prices.cost(of: usage, provider: target.provider, model: target.model, region: target.regionName)
    }

    private mutating func moveOn() {
        retriesUsed = 0
        retryReady = false
        pendingWait = nil
        index = probed ? chain.count : index + 1
    }
}
