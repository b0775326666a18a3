import SwitchyardCore
import Tracing

/// Why a request produced no answer, with its attempt log.
public struct GatewayFailure: Error, Sendable {
    public enum Reason: Sendable, Equatable {
        /// A provider said the request itself is invalid; the chain was not walked further.
        case rejected
        /// Every target was tried (or skipped) and none answered.
        case exhausted
        /// No target of the chain has a usable provider.
        case noProvider
        /// The request's deadline passed.
        case deadline
        /// The caller went away (its task was cancelled); no further attempt was started.
        case cancelled
    }

    public var reason: Reason
    /// The last provider failure, if any attempt was sent.
    public var lastFailure: ProviderFailure?
    public var attempts: [AttemptRecord]
}

/// The state of the tightest request and token buckets a request met.
public typealias RateLimitQuotas = RateLimiter<AnyClock.Instant>.Quotas

/// A request refused by a rate limit before any upstream call.
public struct RateLimitExceeded: Error, Sendable {
    public var refusal: RateLimiter<AnyClock.Instant>.Refusal
    /// The tightest buckets, for the `x-ratelimit-*` headers of the 429.
    public var quotas: RateLimitQuotas?

    /// Whole seconds to wait, at least 1.
    public var retryAfterSeconds: Int {
        let (seconds, attoseconds) = refusal.retryAfter.components
        return max(1, Int(seconds) + (attoseconds > 0 ? 1 : 0))
    }

    /// What a person reads: which limit, and how long to wait.
    public var message: String {
        let limit =
            switch refusal.measure {
            case .requests:
                "\(refusal.limit.requestsPerMinute ?? 0) requests per minute (bursts of \(refusal.limit.burst))"
            case .tokens:
                "\(refusal.limit.tokensPerMinute ?? 0) tokens per minute, and the tokens of earlier answers used it up"
            }
        let whose: String
        switch refusal.scope {
        case .service(let name): whose = "service '\(name)'"
        case .user: whose = "this user"
        }
        return "Rate limit reached for \(whose): \(limit). Retry in \(retryAfterSeconds) s."
    }
}

/// A stream that passed its commit point: the first content token has arrived, and nothing has been sent yet.
public struct CommittedStream: Sendable {
    public var target: Target
    /// The events read up to and including the first content token.
    public var head: [StreamEvent]
    /// The rest of the stream.
    public var rest: EventIteratorBox
    /// The chain walk up to the commit point; its last attempt is the one streaming.
    var walk: ChainWalk
    /// When its attempt started, on the gateway's clock.
    var started: AnyClock.Instant
    /// The serving attempt's span, ended with the stream.
    var span: (any Span)?
    /// Whose token buckets its usage is charged to.
    var charged: (service: String?, user: String?)
    /// On a caching route, for a deterministic request: `hit` when it replays a kept answer (no provider is
    /// called), `miss` when its answer is kept once it ends well (`x-switchyard-cache`).
    public internal(set) var cacheStatus: CacheStatus?
    /// Where a `miss` keeps its answer.
    var keeping: SharedResponses.Keeping?
    /// The shared upstream stream this request reads (a route's `dedupe`), whose pump records its end.
    var flight: StreamFlight?
    public var attempts: [AttemptRecord] { walk.attempts }

    /// The walk once the stream delivered `usage`: its ``ChainWalk/attempts`` (the streaming one with that usage and
    /// its cost) and its ``ChainWalk/cost`` (every attempt, in nano-dollars; nil for an unpriced model).
    public func ended(with usage: Usage) -> ChainWalk {
        var walk = walk
        walk.recordStreamEnd(usage: usage)
        return walk
    }
}

/// Holds a stream iterator while it passes from the task that waited for the first token to the response writer.
/// Only one task uses it at a time.
public final class EventIteratorBox: @unchecked Sendable {
    /// Nil while `next()` has it, and for a stream with no more events.
    private var iterator: ProviderEventStream.AsyncIterator?
    /// The text of the deltas read since ``startRecording()``, for a stream whose answer is kept.
    private(set) var recorded: String?

    init(_ iterator: ProviderEventStream.AsyncIterator) {
        self.iterator = iterator
    }

    /// A box with no events.
    init() {}

    /// Keeps the text of every delta read from now on in ``recorded``.
    func startRecording() {
        recorded = ""
    }

    /// - Returns: The next event, or nil at the end.
    /// - Throws: The stream's ``ProviderFailure``; `CancellationError` when the reading task was cancelled, rather
    ///   than an end (a stream whose reader is cancelled may just stop early: an `AsyncThrowingStream` does).
    public func next() async throws -> StreamEvent? {
        // Moved out while it waits: an access to the property held across the wait would be tracked (and checked
        // against every other access) for as long as the stream waits for its upstream.
        guard var iterator = iterator.take() else { return try end() }
        defer { self.iterator = iterator }
        guard let event = try await iterator.next() else { return try end() }
        if recorded != nil, case .delta(let text) = event { recorded! += text }
        return event
    }

    private func end() throws -> StreamEvent? {
        try Task.checkCancellation()
        return nil
    }
}
