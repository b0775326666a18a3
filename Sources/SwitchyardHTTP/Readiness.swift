/// What `/ready` asks beyond the gateway's own check: each check answers whether this process can serve (the
/// database answers; for a separate backend, the gateway's `/health` answers). All must say yes.
public struct Readiness: Sendable {
    public typealias Check = @Sendable () async -> Bool

    let checks: [Check]

    public init(_ checks: [Check] = []) {
        self.checks = checks
    }

    /// Runs the checks in order and stops at the first that fails.
    public func isReady() async -> Bool {
        for check in checks where !(await check()) { return false }
        return true
    }
}

/// A probe whose answer is reused for `interval`, and run by one caller at a time: a load balancer polling `/ready`
/// every few hundred milliseconds from several places costs one cheap query per interval.
public actor CachedProbe {
    private let interval: Duration
    private let probe: @Sendable () async -> Bool
    private var last: (at: ContinuousClock.Instant, ready: Bool)?
    private var running: Task<Bool, Never>?

    /// - Parameters:
    ///   - interval: How long an answer is reused.
    ///   - probe: The check.
    public init(interval: Duration = .seconds(1), _ probe: @escaping @Sendable () async -> Bool) {
        self.interval = interval
        self.probe = probe
    }

    /// The cached answer if it is fresh, else a new one.
    public func check() async -> Bool {
        if let last, ContinuousClock.now - last.at < interval { return last.ready }
        if let running { return await running.value }
        let task = Task { await probe() }
        running = task
        let ready = await task.value
        last = (ContinuousClock.now, ready)
        running = nil
        return ready
    }
}
