import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SwitchyardCore
import SwitchyardGateway
import SwitchyardProviders
import SwitchyardServer
import SwitchyardTesting
import Testing

/// The clients the backend uses to reach the gateway: over HTTP and in process, they validate alike and classify
/// failures alike.
@Suite struct GatewayClientTests {
    let request = GenerationRequest(
        provider: "mock", model: "echo", systemInstruction: "be kind",
        messages: [ChatMessage(role: .user, content: "how are you")])

    enum Way: String, CaseIterable, Sendable {
        case http, inProcess
    }

    /// A live gateway whose `openai` provider is a fake upstream, and a client of the chosen kind.
    func withClient(
        _ way: Way, _ body: @Sendable (any GatewayClient, FakeOpenAIUpstream) async throws -> Void
    ) async throws {
        let upstream = FakeOpenAIUpstream(flavor: .openai)
        try await upstream.run { url in
            let settings = GatewayHarness.settings(
                providers: [GatewayHarness.openAIFamily("openai", flavor: .openai, baseURL: url)],
                routing: RoutingTable(routes: []))
            let built = try await buildApplication(settings: settings, httpClient: .shared, logger: Logger(label: "t"))
            let service = try requireGateway(built.gateway)
            try await GatewayHarness.live(built) { client in
                let port = try #require(client.port)
                switch way {
                case .http:
                    let gateway = HTTPGatewayClient(
                        baseURL: "http://127.0.0.1:\(port)", client: .shared,
                        minter: try await ServiceTokenMinter(secret: Secret(GatewayHarness.secret)))
                    try await body(gateway, upstream)
                case .inProcess:
                    try await body(InProcessGatewayClient(service: service), upstream)
                }
            }
        }
    }

    func openAI(_ retry: Int? = nil, fallbacks: [Target]? = [], temperature: Double? = nil) -> GenerationRequest {
        var request = GenerationRequest(
            provider: "openai", model: "gpt-4o-mini", messages: [ChatMessage(role: .user, content: "hi")],
            retry: retry, fallbacks: fallbacks)
        request.sampling.temperature = temperature
        return request
    }

    @Test func overHTTPTheTokenIsMintedOnceAndReused() async throws {
        let built = try await buildApplication(
            settings: GatewayHarness.settings(providers: []), httpClient: .shared, logger: Logger(label: "t"))
        try await GatewayHarness.live(built) { client in
            let port = try #require(client.port)
            let gateway = HTTPGatewayClient(
                baseURL: "http://127.0.0.1:\(port)", client: .shared,
                minter: try await ServiceTokenMinter(secret: Secret(GatewayHarness.secret)), serviceName: "backend",
                tokenLifetime: 60)
            for _ in 0..<3 {
                let response = try await gateway.generate(request)
                #expect(response.text == "Mock reply to: how are you")
                #expect(response.provider == "mock")
                #expect(response.attempts.map(\.outcome) == [.success])
            }
            #expect(await gateway.mintedTokens == 1)
        }
    }

    /// The in-process client used to skip the gateway's checks (a `retry` of 9 walked the chain ten times).
    @Test(arguments: Way.allCases)
    func bothClientsRefuseWhatTheGatewayRefuses(_ way: Way) async throws {
        try await withClient(way) { client, upstream in
            let cases: [(GenerationRequest, String)] = [
                (openAI(9), "retry"),
                (openAI(fallbacks: [Target(provider: "openai", model: "x", retry: 6)]), "fallbacks[0].retry"),
                (openAI(fallbacks: [Target(provider: "nope", model: "x")]), "fallbacks[0].provider"),
                (openAI(temperature: 9), "temperature"),
            ]
            for (request, parameter) in cases {
                let error = await #expect(throws: GatewayCallError.self) { try await client.generate(request) }
                guard case .invalidRequest(let validation) = error?.reason else {
                    Issue.record("expected a validation refusal for \(parameter), got \(String(describing: error))")
                    continue
                }
                #expect(validation.parameter == parameter)
            }
            #expect(await upstream.state.requestCount == 0)
        }
    }

    @Test(arguments: Way.allCases)
    func bothClientsClassifyProviderFailuresAlike(_ way: Way) async throws {
        try await withClient(way) { client, upstream in
            await upstream.state.enqueue(
                .raw(
                    status: 400,
                    body: OpenAIBytes.openAIError(
                        message: "This model's maximum context length is 128000 tokens.",
                        type: "invalid_request_error", code: "context_length_exceeded")),
                .raw(
                    status: 429,
                    body: OpenAIBytes.openAIError(message: "Slow down", type: "requests", code: "rate_limit_exceeded"),
                    headers: ["retry-after": "7"]))
            let tooLong = await #expect(throws: GatewayCallError.self) { try await client.generate(openAI(0)) }
            #expect(tooLong?.reason == .provider(.contextTooLong))
            let limited = await #expect(throws: GatewayCallError.self) { try await client.generate(openAI(0)) }
            #expect(limited?.reason == .provider(.rateLimited))
            #expect(limited?.retryAfter == .seconds(7))
            // The attempt log comes back either way (over HTTP in the error object), so a failed turn is recorded.
            #expect(tooLong?.attempts.map(\.outcome) == [.failed(.contextTooLong)])
            #expect(limited?.attempts.map(\.status) == [429])
        }
    }

    @Test func inProcessFailuresCarryTheAttemptLog() async throws {
        let service = GatewayService(
            registry: ProviderRegistry(providers: [], unavailable: ["gemini": "no key"]),
            routing: RoutingTable(universalFallback: Target(provider: "gemini", model: "gemini-2.0-flash")))
        let client = InProcessGatewayClient(service: service)
        var request = self.request
        request.provider = "gemini"
        request.model = "gemini-2.5-pro"
        let error = await #expect(throws: GatewayCallError.self) { try await client.generate(request) }
        #expect(error?.reason == .noProvider)
        #expect(error?.attempts.map(\.outcome) == [.skippedUnavailable, .skippedUnavailable])
    }
}

/// Streams through either client: deltas past the commit point, a break after it as the classified failure, and a
/// failure before it as the classified call error, over HTTP (`/v1/generate/` with `stream`) as in process.
@Suite struct GatewayClientStreamTests {
    let tests = GatewayClientTests()

    func collect(_ stream: GatewayStream) async -> (String, Usage?, (any Error)?) {
        var text = ""
        var usage: Usage?
        do {
            for try await event in stream.events {
                switch event {
                case .delta(let piece): text += piece
                case .usage(let reported): usage = reported
                case .finish: break
                }
            }
            return (text, usage, nil)
        } catch {
            return (text, usage, error)
        }
    }

    @Test(arguments: GatewayClientTests.Way.allCases)
    func aStreamArrivesPieceByPieceWithItsUsage(way: GatewayClientTests.Way) async throws {
        try await tests.withClient(way) { client, upstream in
            await upstream.state.enqueue(.success("one two three four"))
            let streaming = try #require(client as? any StreamingGatewayClient)
            let stream = try await streaming.stream(tests.openAI())
            #expect(stream.provider == "openai" && stream.model == "gpt-4o-mini")
            let (text, usage, error) = await collect(stream)
            #expect(text == "one two three four")
            #expect(usage != nil && usage?.completionTokens ?? 0 > 0)
            #expect(error == nil)
            // Once the stream has ended, its attempt log holds the serving attempt with the final usage (in process,
            // or from the gateway's closing `cost` event over HTTP) and the time to its first token.
            let served = try #require(stream.attempts.value.last)
            #expect(served.outcome == .success && served.provider == "openai")
            #expect(served.usage == usage)
            #expect(served.timeToFirstTokenMilliseconds != nil)
        }
    }

    @Test(arguments: GatewayClientTests.Way.allCases)
    func aBreakAfterTheCommitPointArrivesAsTheClassifiedFailure(way: GatewayClientTests.Way) async throws {
        try await tests.withClient(way) { client, upstream in
            await upstream.state.enqueue(.streamCut(afterChunks: 2))
            let streaming = try #require(client as? any StreamingGatewayClient)
            let (text, _, error) = await collect(try await streaming.stream(tests.openAI()))
            #expect(text == "one two")
            #expect((error as? ProviderFailure)?.kind == .transport)
        }
    }

    @Test(arguments: GatewayClientTests.Way.allCases)
    func aFailureBeforeTheFirstTokenIsACallError(way: GatewayClientTests.Way) async throws {
        try await tests.withClient(way) { client, upstream in
            await upstream.state.enqueue(
                .raw(status: 429, body: OpenAIBytes.openAIError(message: "slow down", type: "requests", code: nil)))
            let streaming = try #require(client as? any StreamingGatewayClient)
            do {
                _ = try await streaming.stream(tests.openAI())
                Issue.record("a 429 before the first token must fail the call")
            } catch {
                #expect((error as? GatewayCallError)?.reason == .provider(.rateLimited))
            }
        }
    }
}
