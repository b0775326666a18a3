import AsyncHTTPClient
import Foundation
import HTTPTypes
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import SwitchyardCore
import SwitchyardHTTP
import SwitchyardProviders
import Tracing

/// Calls the gateway in the same process, when both roles run together: the same validation as
/// `POST /v1/generate/`, and failures classified straight into ``GatewayCallError``.
public struct InProcessGatewayClient: StreamingGatewayClient {
    let service: GatewayService

    /// - Parameter service: The gateway.
    public init(service: GatewayService) {
        self.service = service
    }

    /// The gateway's checks, as over HTTP: the request's validity, then the rate limits (this client is the
    /// `backend` service, as the HTTP client's tokens say, and the request's `user`).
    private func check(_ request: GenerationRequest) throws(GatewayCallError) {
        do {
            try service.validate(request)
        } catch {
            throw GatewayCallError(.invalidRequest(error))
        }
        do {
            _ = try service.admit(service: HTTPGatewayClient.defaultServiceName, user: request.user)
        } catch {
            throw GatewayCallError(.rateLimited, retryAfter: .seconds(error.retryAfterSeconds))
        }
    }

    public func generate(_ request: GenerationRequest) async throws(GatewayCallError) -> GenerationResponse {
        try check(request)
        do {
            return try await service.respond(
                service.plan(for: request), request: ProviderRequest(request),
                caller: HTTPGatewayClient.defaultServiceName
            ).0
        } catch {
            throw error.callError
        }
    }
}

extension InProcessGatewayClient {
    /// Opens the stream through the gateway's commit point, then hands its events on; the end of the stream (or its
    /// break) is recorded for cooldown and metrics, as for `/v1/chat/completions`. Dropping the events (the user
    /// left) cancels the upstream.
    public func stream(_ request: GenerationRequest) async throws(GatewayCallError) -> GatewayStream {
        try check(request)
        let committed: CommittedStream
        do {
            committed = try await service.openStream(
                service.plan(for: request), request: ProviderRequest(request),
                caller: HTTPGatewayClient.defaultServiceName)
        } catch {
            throw error.callError
        }
        let service = self.service
        let attempts = StreamAttempts(committed.attempts)
        let events = AsyncThrowingStream<StreamEvent, any Error> { continuation in
            let pump = Task {
                let (tally, failure) = await committed.drain { continuation.yield($0) }
                service.streamEnded(committed, usage: tally.usage, failure: failure, finishReason: tally.finishReason)
                // Before the end is seen: the reader stores the attempts as soon as the events end.
                attempts.set(committed.ended(with: tally.usage).attempts)
                continuation.finish(throwing: failure)
            }
            continuation.onTermination = { _ in pump.cancel() }
        }
        return GatewayStream(
            provider: committed.target.provider, model: committed.target.model, events: events, attempts: attempts)
    }
}

extension GatewayFailure {
    /// The failure as the backend sees it.
    public var callError: GatewayCallError {
        let reason: GatewayCallError.Reason
        switch self.reason {
        case .noProvider: reason = .noProvider
        case .deadline: reason = .deadline
        case .cancelled: reason = .cancelled
        case .rejected, .exhausted: reason = lastFailure.map { .provider($0.kind) } ?? .provider(.upstream5xx)
        }
        return GatewayCallError(reason, retryAfter: lastFailure?.retryAfter, attempts: attempts)
    }
}

/// Calls a remote gateway over HTTP with a service token that it mints itself and reuses until 2 seconds before
/// it expires.
public final class HTTPGatewayClient: StreamingGatewayClient {
    private let baseURL: String
    private let client: HTTPClient
    private let minter: ServiceTokenMinter
    private let serviceName: String
    private let tokenLifetime: TimeInterval
    private let tokens: TokenStore
    /// The `service` claim of the backend's tokens.
    public static let defaultServiceName = "backend"
    /// Writes the current trace context (W3C `traceparent`) into each call, so that the gateway's spans join the
    /// turn's trace; nil when tracing is off.
    private let tracer: (any Tracer)?

    /// Serializes minting so that concurrent calls share one token.
    actor TokenStore {
        var cache = TokenCache<ContinuousClock.Instant>()
        private(set) var minted = 0

        func token(mint: () async throws -> (String, Duration)) async throws -> String {
            let now = ContinuousClock.now
            if let token = cache.validToken(now: now) { return token }
            let (token, lifetime) = try await mint()
            minted += 1
            cache.store(token, expiresAt: now.advanced(by: lifetime))
            return token
        }
    }

    /// - Parameters:
    ///   - baseURL: The gateway's base URL (`http://gateway:8080`).
    ///   - client: The shared HTTP client.
    ///   - minter: Mints service tokens.
    ///   - serviceName: The `service` claim.
    ///   - tokenLifetime: Lifetime of each minted token, in seconds.
    public init(
        baseURL: String, client: HTTPClient, minter: ServiceTokenMinter, serviceName: String = defaultServiceName,
        tokenLifetime: TimeInterval = 300, tracer: (any Tracer)? = nil
    ) {
        self.tracer = tracer
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.client = client
        self.minter = minter
        self.serviceName = serviceName
        self.tokenLifetime = tokenLifetime
        self.tokens = TokenStore()
    }

    /// How many tokens this client has minted (each is reused until shortly before it expires).
    public var mintedTokens: Int {
        get async { await tokens.minted }
    }

    /// - Returns: A valid token, minted if the cached one is about to expire.
    public func currentToken() async throws -> String {
        try await tokens.token {
            let (token, _) = try await minter.mint(service: serviceName, ttl: tokenLifetime)
            return (token, .seconds(tokenLifetime))
        }
    }

    /// Whether the gateway's `GET /health` answers 200 within a second (for the backend's `/ready`).
    public func isHealthy() async -> Bool {
        do {
            let response = try await client.execute(HTTPClientRequest(url: baseURL + "/health"), timeout: .seconds(1))
            _ = try? await response.body.collect(upTo: 4096)
            return response.status == .ok
        } catch {
            return false
        }
    }

    public func generate(_ request: GenerationRequest) async throws(GatewayCallError) -> GenerationResponse {
        let response: HTTPClientResponse
        let body: ByteBuffer
        do {
            response = try await client.execute(
                try await generateRequest(GenerateRequestBody(request)), timeout: .seconds(120))
            body = try await response.body.collect(upTo: 16 * 1024 * 1024)
        } catch {
            throw GatewayCallError(Task.isCancelled ? .cancelled : .gatewayUnavailable)
        }
        guard response.status == .ok else { throw Self.callError(response, body: body) }
        guard let decoded = try? JSONDecoder().decode(GenerateResponseDTO.self, from: body),
            let choice = decoded.choices.first
        else { throw GatewayCallError(.gatewayUnavailable) }
        return GenerationResponse(
            text: choice.message.content, finishReason: FinishReason(rawValue: choice.finishReason) ?? .stop,
            usage: decoded.usage.usage, provider: decoded.provider, model: decoded.model, attempts: decoded.attempts,
            cost: decoded.usage.cost)
    }

    /// Streams through the gateway's `POST /v1/generate/` with `"stream": true`: the gateway walks the chain to its
    /// commit point, so a failure before the first token is an error response (classified as for ``generate(_:)``);
    /// after it, the events arrive as the gateway sends them, and a break arrives as the ``ProviderFailure`` the
    /// gateway reports (or `transport` if the connection to the gateway drops). Dropping the events cancels the call.
    public func stream(_ request: GenerationRequest) async throws(GatewayCallError) -> GatewayStream {
        let response: HTTPClientResponse
        do {
            var body = GenerateRequestBody(request)
            body.stream = true
            response = try await client.execute(try await generateRequest(body), timeout: .seconds(600))
        } catch {
            throw GatewayCallError(Task.isCancelled ? .cancelled : .gatewayUnavailable)
        }
        guard response.status == .ok else {
            let body = (try? await response.body.collect(upTo: 1 << 20)) ?? ByteBuffer()
            throw Self.callError(response, body: body)
        }
        let provider = response.headers.first(name: ServedFields.provider.canonicalName) ?? request.provider
        let model = response.headers.first(name: ServedFields.model.canonicalName) ?? request.model
        let attempts = StreamAttempts()
        let events = AsyncThrowingStream<StreamEvent, any Error> { continuation in
            let reader = Task {
                var parser = SSEParser()
                do {
                    for try await buffer in response.body {
                        for event in parser.feed(buffer.readableBytesView) {
                            if let record = GenerateStreamEncoder.summary(event) {
                                attempts.set(record.attempts)
                            } else if let decoded = try GenerateStreamEncoder.decode(event) {
                                continuation.yield(decoded)
                            }
                        }
                    }
                    continuation.finish()
                } catch let failure as ProviderFailure {
                    continuation.finish(throwing: failure)
                } catch {
                    continuation.finish(throwing: ProviderFailure(.transport, detail: "the gateway's stream broke"))
                }
            }
            continuation.onTermination = { _ in reader.cancel() }
        }
        return GatewayStream(provider: provider, model: model, events: events, attempts: attempts)
    }

    /// `POST /v1/generate/` with `body` and a current service token.
    private func generateRequest(_ body: GenerateRequestBody) async throws -> HTTPClientRequest {
        var http = HTTPClientRequest(url: baseURL + "/v1/generate/")
        http.method = .POST
        http.headers.add(name: "content-type", value: "application/json")
        http.headers.add(name: "authorization", value: "Bearer \(try await currentToken())")
        http.body = .bytes(try JSONCoding.encode(body))
        if let tracer, let context = InstrumentationContext.current {
            tracer.inject(context, into: &http.headers, using: HeaderInjector())
        }
        return http
    }

    /// Reads the gateway's error body back into the failure it stands for.
    static func callError(_ response: HTTPClientResponse, body: ByteBuffer) -> GatewayCallError {
        let envelope = try? JSONDecoder().decode(ErrorEnvelope.self, from: body)
        let retryAfter = response.headers.first(name: "retry-after").flatMap(Int.init).map { Duration.seconds($0) }
        let attempts = envelope?.error.attempts ?? []
        if let reason = GatewayErrorCode.reason(code: envelope?.error.code) {
            return GatewayCallError(reason, retryAfter: retryAfter, attempts: attempts)
        }
        if response.status == .badRequest, let error = envelope?.error {
            return GatewayCallError(
                .invalidRequest(
                    RequestValidationError(
                        parameter: error.param, message: error.message ?? "The gateway refused the request.")))
        }
        return GatewayCallError(.gatewayUnavailable, retryAfter: retryAfter, attempts: attempts)
    }

    private struct ErrorEnvelope: Decodable {
        struct Body: Decodable {
            var message: String?
            var code: String?
            var param: String?
            var attempts: [AttemptRecord]?
        }

        var error: Body
    }
}

/// The internal payload, as the HTTP client sends it.
struct GenerateRequestBody: Encodable {
    struct Message: Encodable {
        var role: String
        var content: String
    }

    var provider: String
    var model: String
    var systemInstruction: String?
    var messages: [Message]
    var temperature: Double?
    var topP: Double?
    var topK: Int?
    var maxTokens: Int?
    var retry: Int?
    var fallbacks: [Target]?
    var regionName: String?
    var metadata: [String: JSONValue]
    var user: String?
    var stream: Bool?
    var route: String?
    var requireContent: Bool

    init(_ request: GenerationRequest) {
        provider = request.provider
        model = request.model
        systemInstruction = request.systemInstruction
        messages = request.messages.map { Message(role: $0.role.rawValue, content: $0.content) }
        temperature = request.sampling.temperature
        topP = request.sampling.topP
        topK = request.sampling.topK
        maxTokens = request.sampling.maxTokens
        retry = request.retry
        fallbacks = request.fallbacks
        regionName = request.regionName
        metadata = request.metadata
        user = request.user
        route = request.route
        requireContent = request.requireContent
    }

    enum CodingKeys: String, CodingKey {
        case provider, model, messages, temperature, retry, fallbacks, metadata, user, stream, route
        case systemInstruction = "system_instruction"
        case requireContent = "require_content"
        case topP = "top_p"
        case topK = "top_k"
        case maxTokens = "max_tokens"
        case regionName = "region_name"
    }
}

/// Writes trace context into an outgoing request's headers.
private struct HeaderInjector: Injector {
    func inject(_ value: String, forKey key: String, into headers: inout HTTPHeaders) {
        headers.replaceOrAdd(name: key, value: value)
    }
}
