import Synchronization

/// How the backend reaches the gateway: in process when both roles run together, over HTTP otherwise.
public protocol GatewayClient: Sendable {
    /// - Parameter request: What to generate.
    /// - Returns: The answer and its attempt log.
    /// - Throws: ``GatewayCallError``.
    func generate(_ request: GenerationRequest) async throws(GatewayCallError) -> GenerationResponse
}

/// Why a gateway call produced no answer, classified so that the caller can tell the user what helps: the same
/// value whether the gateway ran in process or answered over HTTP. It holds no provider text.
public struct GatewayCallError: Error, Sendable, Equatable {
    public enum Reason: Sendable, Equatable {
        /// The provider failure that decided the outcome (the last one of the chain, or the one that stopped it).
        case provider(ProviderFailure.Kind)
        /// The gateway refused the request before any provider call.
        case invalidRequest(RequestValidationError)
        /// No target of the chain has a usable provider.
        case noProvider
        /// The request's deadline passed before any provider answered.
        case deadline
        /// The caller went away; nothing more was attempted.
        case cancelled
        /// The gateway itself could not be reached, refused our credentials, or answered something unreadable.
        case gatewayUnavailable
        /// The gateway's rate limit for this caller or end user; `retryAfter` says when to try again.
        case rateLimited
    }

    public var reason: Reason
    /// How long the last provider asked us to wait, where it said.
    public var retryAfter: Duration?
    public var attempts: [AttemptRecord]

    /// - Parameters:
    ///   - reason: The classified reason.
    ///   - retryAfter: The wait a provider asked for, if any.
    ///   - attempts: The attempt log, where known.
    public init(_ reason: Reason, retryAfter: Duration? = nil, attempts: [AttemptRecord] = []) {
        self.reason = reason
        self.retryAfter = retryAfter
        self.attempts = attempts
    }

    /// A name for logs and the `code` of error bodies: the failure kind (`context_too_long`, `rate_limited`, …)
    /// or the gateway's own reason (`no_provider`, `deadline`, `cancelled`, `gateway_unavailable`,
    /// `invalid_request`).
    /// ``retryAfter`` in whole seconds, rounded up; nil when no wait was given.
    public var retryAfterSeconds: Int? {
        retryAfter.map { Int($0.components.seconds) + ($0.components.attoseconds > 0 ? 1 : 0) }
    }

    public var code: String {
        switch reason {
        case .provider(let kind): kind.rawValue
        case .invalidRequest: ProviderFailure.Kind.invalidRequest.rawValue
        case .noProvider: "no_provider"
        case .deadline: "deadline"
        case .cancelled: "cancelled"
        case .gatewayUnavailable: "gateway_unavailable"
        case .rateLimited: "too_many_requests"
        }
    }
}

/// A streamed answer past its commit point (its first content token): nothing was sent to the user before it.
public struct GatewayStream: Sendable {
    /// Who serves it.
    public var provider: String
    public var model: String
    /// The events from the first content token on. A break after that point throws (a ``ProviderFailure`` when it
    /// is classified).
    public var events: AsyncThrowingStream<StreamEvent, any Error>
    /// The chain walk's attempts: those up to the commit point at first, every one with the serving attempt's final
    /// usage and cost once the stream has ended.
    public var attempts: StreamAttempts

    public init(
        provider: String, model: String, events: AsyncThrowingStream<StreamEvent, any Error>,
        attempts: StreamAttempts = StreamAttempts()
    ) {
        self.provider = provider
        self.model = model
        self.events = events
        self.attempts = attempts
    }
}

/// A stream's attempt log, completed by its producer when the stream ends.
public final class StreamAttempts: Sendable {
    private let records: Mutex<[AttemptRecord]>

    public init(_ attempts: [AttemptRecord] = []) {
        records = Mutex(attempts)
    }

    public var value: [AttemptRecord] { records.withLock { $0 } }

    public func set(_ attempts: [AttemptRecord]) {
        records.withLock { $0 = attempts }
    }
}

/// Streaming through the gateway, for clients that have a streaming path.
public protocol StreamingGatewayClient: GatewayClient {
    /// Walks the chain until a target's stream yields its first content token.
    /// - Throws: ``GatewayCallError`` when no target gets that far.
    func stream(_ request: GenerationRequest) async throws(GatewayCallError) -> GatewayStream
}

extension GatewayClient {
    /// Streams through ``StreamingGatewayClient`` when the client has a streaming path; otherwise the whole answer
    /// arrives as one delta once it is complete.
    public func streamOrGenerate(_ request: GenerationRequest) async throws(GatewayCallError) -> GatewayStream {
        if let streaming = self as? any StreamingGatewayClient { return try await streaming.stream(request) }
        let response = try await generate(request)
        let events = AsyncThrowingStream<StreamEvent, any Error> { continuation in
            continuation.yield(.delta(response.text))
            continuation.yield(.usage(response.usage))
            continuation.yield(.finish(response.finishReason))
            continuation.finish()
        }
        return GatewayStream(
            provider: response.provider, model: response.model, events: events,
            attempts: StreamAttempts(response.attempts))
    }
}
