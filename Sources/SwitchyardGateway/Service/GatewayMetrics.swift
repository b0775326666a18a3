import Metrics
import SwitchyardCore
import SwitchyardHTTP
import Synchronization

/// The gateway's metrics, named after the OpenTelemetry GenAI conventions where they have a name
/// (`gen_ai.client.operation.duration`, `gen_ai.client.token.usage`, `gen_ai.client.operation.time_to_first_chunk`,
/// with their bucket boundaries), recorded through swift-metrics into the application's ``ServiceMetrics``.
///
/// Labels: the configured provider id (`provider`) or its GenAI name (`gen_ai_provider_name`), the model, the region,
/// the outcome or error type: all from the configuration and a closed set of names, never from request data.
public final class GatewayMetrics: Sendable {
    public static let operationDuration = "gen_ai_client_operation_duration_seconds"
    public static let tokenUsage = "gen_ai_client_token_usage"
    public static let timeToFirstChunk = "gen_ai_client_operation_time_to_first_chunk_seconds"
    public static let attemptsTotal = "switchyard_upstream_attempts_total"
    public static let fallbacksTotal = "switchyard_fallbacks_total"
    public static let costTotal = "switchyard_cost_nanodollars_total"
    public static let coolingDown = "switchyard_target_cooling_down"
    public static let rateLimitedTotal = "switchyard_rate_limited_total"
    public static let cacheLookupsTotal = "switchyard_cache_lookups_total"
    public static let deduplicatedTotal = "switchyard_deduplicated_total"

    /// The conventions' advisory bucket boundaries for `gen_ai.client.operation.duration` (0.01 s to 81.92 s), in
    /// milliseconds so that they print exactly.
    public static let durationBoundaries: [Int] = [
        10, 20, 40, 80, 160, 320, 640, 1280, 2560, 5120, 10240, 20480, 40960, 81920,
    ]
    /// The conventions' advisory bucket boundaries for `gen_ai.client.token.usage` (tokens).
    public static let tokenBoundaries: [Double] = [
        1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1_048_576, 4_194_304, 16_777_216, 67_108_864,
    ]
    /// The conventions' advisory bucket boundaries for time to the first chunk (0.001 s to 10 s), in milliseconds.
    public static let firstChunkBoundaries: [Int] = [
        1, 5, 10, 20, 40, 60, 80, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000,
    ]

    /// A ``ServiceMetrics`` with the buckets above.
    public static func makeServiceMetrics() -> ServiceMetrics {
        ServiceMetrics(
            durationBuckets: [
                operationDuration: durationBoundaries.map(Duration.milliseconds),
                timeToFirstChunk: firstChunkBoundaries.map(Duration.milliseconds),
            ],
            valueBuckets: [tokenUsage: tokenBoundaries])
    }

    public let service: ServiceMetrics
    /// The handles a served attempt records to, per target: one lookup per request instead of five.
    private let served = Mutex<[ServedKey: ServedHandles]>([:])

    /// - Parameter service: Where the metrics go; made with ``makeServiceMetrics()`` for the buckets to apply.
    public init(service: ServiceMetrics = GatewayMetrics.makeServiceMetrics()) {
        self.service = service
    }

    /// Records the attempts of one finished request: every attempt by outcome (skipped ones too), and for each one
    /// sent its duration, tokens, time to first chunk and cost; a fallback when the serving attempt was not the
    /// first one sent.
    /// - Parameters:
    ///   - attempts: The request's attempt log, final (a stream's with the usage it delivered).
    ///   - streamDuration: For a committed stream, how long it ran from its request to its end (its attempt
    ///     record's latency is its time to first token).
    ///   - providerName: The GenAI name of a provider id.
    public func record(
        _ attempts: [AttemptRecord], streamDuration: Duration? = nil, providerName: (String) -> String
    ) {
        let served = attempts.lastIndex { $0.outcome == .success }
        var firstSent: Int?
        for (index, attempt) in attempts.enumerated() {
            let duration =
                (index == served ? streamDuration : nil) ?? .milliseconds(attempt.latencyMilliseconds)
            if attempt.outcome == .success {
                if firstSent == nil { firstSent = index }
                record(success: attempt, duration: duration, providerName: providerName)
                continue
            }
            service.counter(Self.attemptsTotal, Self.attemptDimensions(attempt)).increment()
            guard case .failed(let kind) = attempt.outcome else { continue }
            if firstSent == nil { firstSent = index }
            let dimensions = Self.operationDimensions(attempt, providerName: providerName)
            service.timer(Self.operationDuration, dimensions + [("error_type", kind.rawValue)])
                .record(duration: duration)
            if let ttft = attempt.timeToFirstTokenMilliseconds {
                service.timer(Self.timeToFirstChunk, dimensions).record(duration: .milliseconds(ttft))
            }
            if let usage = attempt.usage {
                service.recorder(Self.tokenUsage, Self.tokenDimensions(dimensions, "input")).record(usage.promptTokens)
                service.recorder(Self.tokenUsage, Self.tokenDimensions(dimensions, "output"))
                    .record(usage.completionTokens)
            }
            if let cost = attempt.cost, cost > 0 {
                service.counter(Self.costTotal, Self.targetDimensions(attempt)).increment(by: cost)
            }
        }
        if let served, let firstSent, served != firstSent {
            service.counter(Self.fallbacksTotal, Self.targetDimensions(attempts[served])).increment()
        }
    }

    /// A served attempt: the same series as any other attempt, through its target's kept handles (those for tokens
    /// and cost made when first needed, so that a target without them shows no empty series).
    private func record(success attempt: AttemptRecord, duration: Duration, providerName: (String) -> String) {
        let key = ServedKey(provider: attempt.provider, model: attempt.model, region: attempt.regionName ?? "")
        var changed = false
        var handles =
            served.withLock { $0[key] }
            ?? {
                changed = true
                return ServedHandles(
                    attempt, metrics: self, dimensions: Self.operationDimensions(attempt, providerName: providerName))
            }()
        handles.attempts.increment()
        handles.duration.record(duration: duration)
        if let ttft = attempt.timeToFirstTokenMilliseconds {
            service.timer(Self.timeToFirstChunk, handles.dimensions).record(duration: .milliseconds(ttft))
        }
        if let usage = attempt.usage {
            if handles.tokens == nil {
                handles.tokens = (
                    service.recorder(Self.tokenUsage, Self.tokenDimensions(handles.dimensions, "input")),
                    service.recorder(Self.tokenUsage, Self.tokenDimensions(handles.dimensions, "output"))
                )
                changed = true
            }
            handles.tokens?.input.record(usage.promptTokens)
            handles.tokens?.output.record(usage.completionTokens)
        }
        if let cost = attempt.cost, cost > 0 {
            if handles.cost == nil {
                handles.cost = service.counter(Self.costTotal, Self.targetDimensions(attempt))
                changed = true
            }
            handles.cost?.increment(by: cost)
        }
        if changed {
            served.withLock { if $0.count < 10_000 || $0[key] != nil { $0[key] = handles } }
        }
    }

    /// The dimensions of `switchyard_upstream_attempts_total`.
    private static func attemptDimensions(_ attempt: AttemptRecord) -> [(String, String)] {
        [
            ("provider", attempt.provider), ("model", attempt.model), ("region", attempt.regionName ?? ""),
            ("outcome", attempt.outcome.name),
        ]
    }

    /// The dimensions of the per-target counters (cost, fallbacks).
    private static func targetDimensions(_ attempt: AttemptRecord) -> [(String, String)] {
        [("provider", attempt.provider), ("model", attempt.model)]
    }

    private static func tokenDimensions(_ operation: [(String, String)], _ type: String) -> [(String, String)] {
        operation + [("gen_ai_token_type", type)]
    }

    /// The GenAI dimensions of an attempt's operation.
    private static func operationDimensions(
        _ attempt: AttemptRecord, providerName: (String) -> String
    ) -> [(String, String)] {
        [
            ("gen_ai_operation_name", "chat"), ("gen_ai_provider_name", providerName(attempt.provider)),
            ("gen_ai_request_model", attempt.model),
        ]
    }

    private struct ServedKey: Hashable {
        var provider: String
        var model: String
        var region: String
    }

    private struct ServedHandles: Sendable {
        let dimensions: [(String, String)]
        let attempts: CoreMetrics.Counter
        let duration: CoreMetrics.Timer
        var tokens: (input: CoreMetrics.Recorder, output: CoreMetrics.Recorder)?
        var cost: CoreMetrics.Counter?

        init(_ attempt: AttemptRecord, metrics: GatewayMetrics, dimensions: [(String, String)]) {
            self.dimensions = dimensions
            attempts = metrics.service.counter(GatewayMetrics.attemptsTotal, GatewayMetrics.attemptDimensions(attempt))
            duration = metrics.service.timer(GatewayMetrics.operationDuration, dimensions)
        }
    }

    /// Counts a request refused by a rate limit: by scope (`service` or `user`), for a service's its name, and by
    /// the measure that refused it (`limit`: `requests` or `tokens`).
    public func recordRateLimited(
        _ scope: RateLimiter<AnyClock.Instant>.Scope, _ measure: RateLimiter<AnyClock.Instant>.Measure
    ) {
        let dimensions: [(String, String)]
        switch scope {
        case .service(let name): dimensions = [("scope", "service"), ("service", name), ("limit", measure.rawValue)]
        case .user: dimensions = [("scope", "user"), ("service", ""), ("limit", measure.rawValue)]
        }
        service.counter(Self.rateLimitedTotal, dimensions).increment()
    }

    /// Counts a cacheable request of a route: served from the cache (`hit`) or not (`miss`).
    public func recordCache(route: String, status: CacheStatus) {
        service.counter(Self.cacheLookupsTotal, [("route", route), ("result", status.rawValue)]).increment()
    }

    /// Counts a request that shared another's upstream call.
    public func recordDeduplicated(route: String) {
        service.counter(Self.deduplicatedTotal, [("route", route)]).increment()
    }

    /// Sets the cooling-down gauge of every target seen: 1 while it cools down, else 0.
    public func recordCooldowns(_ states: [TargetKey: Bool]) {
        for (key, cooling) in states {
            Gauge(
                label: Self.coolingDown,
                dimensions: [("provider", key.provider), ("model", key.model), ("region", key.regionName ?? "")],
                factory: service.factory
            ).record(cooling ? 1 : 0)
        }
    }
}

extension Timer {
    fileprivate func record(duration: Duration) {
        let (seconds, attoseconds) = duration.components
        recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
