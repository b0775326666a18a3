import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOPosix
import SwitchyardCore
import SwitchyardGateway
import SwitchyardHTTP
import SwitchyardProviders
import SwitchyardServer
import SwitchyardTesting
import Testing

/// Fallback scenarios end to end: HTTP in, the real adapters, fake upstreams that answer real bytes.
@Suite struct FallbackTests {
    /// A primary (OpenAI) and a fallback (Groq) fake, behind the route `chain`.
    func withTwoUpstreams(
        primaryRetry: Int = 0, clock: some Clock<Duration> = ContinuousClock(),
        _ body: @Sendable (any TestClientProtocol, FakeOpenAIUpstream, FakeOpenAIUpstream) async throws -> Void
    ) async throws {
        try await GatewayHarness.withChain(
            primary: .init(fake: .openai, flavor: .openai, model: "gpt-4o-mini", retry: primaryRetry),
            fallback: .init(fake: .groq, flavor: .groq, model: "llama-3.1-8b-instant"), clock: clock, body)
    }

    @Test func serverErrorsAreRetriedThenTheChainFallsBack() async throws {
        try await withTwoUpstreams(primaryRetry: 1) { client, primary, fallback in
            await primary.state.enqueue(
                .raw(status: 500, body: OpenAIBytes.openAIError(message: "boom", type: "server_error", code: nil)),
                .raw(status: 500, body: OpenAIBytes.openAIError(message: "boom", type: "server_error", code: nil)))
            await fallback.state.enqueue(.success("from the fallback"))
            let response = try await GatewayHarness.post(
                client, "/v1/generate/",
                json:
                    #"{"provider":"openai","model":"gpt-4o-mini","retry":1,"fallbacks":[{"provider":"groq","model":"llama-3.1-8b-instant"}],"messages":[{"role":"user","content":"hi"}]}"#
            )
            #expect(response.status == 200)
            #expect(response.json["provider"] as? String == "groq")
            let attempts = try #require(response.json["attempts"] as? [[String: Any]])
            #expect(attempts.map { $0["outcome"] as? String } == ["upstream_5xx", "upstream_5xx", "success"])
            #expect(attempts.first?["status"] as? Int == 500)
            let choices = try #require(response.json["choices"] as? [[String: Any]])
            #expect((choices.first?["message"] as? [String: Any])?["content"] as? String == "from the fallback")
            #expect(await primary.state.requestCount == 2)
        }
    }

    @Test func retryAfterIsHonouredOnTheSameTarget() async throws {
        let clock = ManualClock()
        try await withTwoUpstreams(primaryRetry: 1, clock: clock) { client, primary, fallback in
            await primary.state.enqueue(
                .raw(
                    status: 429,
                    body: OpenAIBytes.openAIError(
                        message: "Rate limit reached", type: "requests", code: "rate_limit_exceeded"),
                    headers: ["retry-after": "1"]))
            async let response = GatewayHarness.post(
                client, "/v1/chat/completions", json: GatewayHarness.chat(model: "chain"))
            // The gateway waits the second the upstream asked for, not its own 10 ms backoff, and not less.
            try await clock.waitForSleepers()
            #expect(clock.pendingDeadlines == [.seconds(1)])
            #expect(await primary.state.requestCount == 1)
            clock.advance(by: .milliseconds(999))
            #expect(clock.sleeperCount == 1)
            clock.advance(by: .milliseconds(1))
            #expect(try await response.status == 200)
            #expect(try await response.headers[.init("x-switchyard-provider")!] == "openai")
            #expect(await primary.state.requestCount == 2)
            #expect(await fallback.state.requestCount == 0)
        }
    }

    @Test func anInvalidRequestFailsFastWithoutBurningTheChain() async throws {
        try await withTwoUpstreams { client, primary, fallback in
            await primary.state.enqueue(
                .raw(
                    status: 400,
                    body: OpenAIBytes.openAIError(
                        message: "Invalid 'messages[1].content': string too long", type: "invalid_request_error",
                        code: nil)))
            let response = try await GatewayHarness.post(
                client, "/v1/chat/completions", json: GatewayHarness.chat(model: "chain"))
            #expect(response.status == 400)
            #expect(response.error["code"] as? String == "upstream_rejected")
            #expect(!response.body.contains("string too long"), "provider words must not reach the client")
            #expect(await fallback.state.requestCount == 0)
        }
    }

    @Test func aDroppedConnectionFallsBack() async throws {
        try await withTwoUpstreams { client, primary, fallback in
            await primary.state.enqueue(.drop)
            await fallback.state.enqueue(.success("rescued"))
            let response = try await GatewayHarness.post(
                client, "/v1/chat/completions", json: GatewayHarness.chat(model: "chain"))
            #expect(response.status == 200)
            let choices = try #require(response.json["choices"] as? [[String: Any]])
            #expect((choices.first?["message"] as? [String: Any])?["content"] as? String == "rescued")
            #expect(response.json["model"] as? String == "groq/llama-3.1-8b-instant")
        }
    }

    @Test func aSlowPrimaryTimesOutAndFallsBack() async throws {
        try await withTwoUpstreams { client, primary, _ in
            await primary.state.enqueue(.delayed(.seconds(3), .success("too late")))
            let response = try await GatewayHarness.post(
                client, "/v1/generate/",
                json:
                    #"{"provider":"openai","model":"gpt-4o-mini","retry":0,"fallbacks":[{"provider":"groq","model":"x"}],"messages":[{"role":"user","content":"hi"}]}"#
            )
            #expect(response.status == 200)
            let attempts = try #require(response.json["attempts"] as? [[String: Any]])
            #expect(attempts.map { $0["outcome"] as? String } == ["timeout", "success"])
        }
    }

    @Test func aBrokenKeyCoolsTheTargetDownSoLaterRequestsSkipIt() async throws {
        try await withTwoUpstreams { client, primary, _ in
            await primary.state.enqueue(
                .raw(
                    status: 401,
                    body: OpenAIBytes.openAIError(
                        message: "Incorrect API key provided: sk-abc", type: "invalid_request_error",
                        code: "invalid_api_key")))
            let first = try await GatewayHarness.post(
                client, "/v1/chat/completions", json: GatewayHarness.chat(model: "chain"))
            let second = try await GatewayHarness.post(
                client, "/v1/generate/",
                json:
                    #"{"provider":"openai","model":"gpt-4o-mini","fallbacks":[{"provider":"groq","model":"llama-3.1-8b-instant"}],"messages":[{"role":"user","content":"hi"}]}"#
            )
            #expect(first.status == 200)
            #expect(second.status == 200)
            let attempts = try #require(second.json["attempts"] as? [[String: Any]])
            #expect(attempts.map { $0["outcome"] as? String } == ["skipped_cooldown", "success"])
            #expect(await primary.state.requestCount == 1)
        }
    }

    @Test func whenEverythingFailsTheClientGetsAClassifiedErrorAndNoRawText() async throws {
        try await withTwoUpstreams { client, primary, fallback in
            let body = OpenAIBytes.openAIError(message: "internal detail xyz", type: "server_error", code: nil)
            await primary.state.enqueue(.raw(status: 503, body: body))
            await fallback.state.enqueue(.raw(status: 503, body: body))
            let response = try await GatewayHarness.post(
                client, "/v1/chat/completions", json: GatewayHarness.chat(model: "chain"))
            #expect(response.status == 503)
            #expect(response.error["code"] as? String == "upstream_overloaded")
            #expect(!response.body.contains("xyz"))
            let message = try #require(response.error["message"] as? String)
            #expect(message.contains("openai/gpt-4o-mini: overloaded"))
        }
    }

    @Test func aChainWithNoConfiguredProviderIs503() async throws {
        let settings = GatewayHarness.settings(
            providers: [ProviderSettings(id: "gemini", kind: .gemini, unavailableReason: "no key")])
        try await GatewayHarness.withGateway(settings) { client, _ in
            let response = try await GatewayHarness.post(
                client, "/v1/generate/",
                json: #"{"provider":"gemini","model":"gemini-2.5-pro","messages":[{"role":"user","content":"hi"}]}"#)
            #expect(response.status == 503)
            #expect(response.error["code"] as? String == "no_provider_available")
        }
    }

    /// A caller that goes away during a backoff ends the walk: the sleep ends at once and no later attempt starts.
    @Test func aCancelledCallerStartsNoFurtherAttempt() async throws {
        let clock = ManualClock()
        try await GatewayHarness.withChain(
            primary: .init(fake: .openai, flavor: .openai, model: "gpt-4o-mini", retry: 2),
            fallback: .init(fake: .groq, flavor: .groq, model: "llama-3.1-8b-instant"), clock: clock
        ) { _, service, primary, fallback in
            await primary.state.enqueue(
                .raw(status: 500, body: OpenAIBytes.openAIError(message: "boom", type: "server_error", code: nil)))
            do {
                let request = GenerationRequest(
                    provider: "openai", model: "gpt-4o-mini", messages: [ChatMessage(role: .user, content: "hi")],
                    retry: 2, fallbacks: [Target(provider: "groq", model: "llama-3.1-8b-instant")])
                let call = Task { try await InProcessGatewayClient(service: service).generate(request) }
                try await clock.waitForSleepers()
                call.cancel()
                let result = await call.result
                guard case .failure(let error as GatewayCallError) = result else {
                    Issue.record("expected a cancelled call, got \(result)")
                    return
                }
                #expect(error.reason == .cancelled)
                clock.advance(by: .seconds(60))
                #expect(await primary.state.requestCount == 1)
                #expect(await fallback.state.requestCount == 0)
            }
        }
    }

    /// Over a real socket: a client that hangs up while the gateway waits out a backoff ends the request there. The
    /// sleep ends without the clock moving, and no later attempt reaches either upstream.
    @Test func aClientThatDisconnectsDuringABackoffCausesNoLaterUpstreamCall() async throws {
        let clock = ManualClock()
        let primary = FakeOpenAIUpstream(flavor: .openai)
        let fallback = FakeOpenAIUpstream(flavor: .groq)
        try await primary.run { primaryURL in
            try await fallback.run { fallbackURL in
                let settings = GatewayHarness.settings(providers: [
                    GatewayHarness.openAIFamily("openai", flavor: .openai, baseURL: primaryURL),
                    GatewayHarness.openAIFamily("groq", flavor: .groq, baseURL: fallbackURL),
                ])
                await primary.state.enqueue(
                    .raw(status: 500, body: OpenAIBytes.openAIError(message: "boom", type: "server_error", code: nil)))
                let built = try await buildApplication(
                    settings: settings, httpClient: .shared, logger: Logger(label: "test"), clock: clock)
                let metrics = try requireGateway(built.gateway).metrics
                try await GatewayHarness.live(built) { client in
                    let port = try #require(client.port)
                    let body =
                        #"{"provider":"openai","model":"gpt-4o-mini","retry":2,"fallbacks":[{"provider":"groq","model":"llama-3.1-8b-instant"}],"messages":[{"role":"user","content":"hi"}]}"#
                    let token = try await GatewayHarness.token()
                    let raw =
                        "POST /v1/generate/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\n"
                        + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
                    let socket = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                        .connect(host: "127.0.0.1", port: port).get()
                    try await socket.writeAndFlush(ByteBuffer(string: raw)).get()
                    try await clock.waitForSleepers()
                    #expect(await primary.state.requestCount == 1)
                    try await socket.close().get()
                    // The sleep ends because the request was cancelled, not because time passed.
                    for _ in 0..<5_000 where clock.sleeperCount > 0 { try await Task.sleep(for: .milliseconds(1)) }
                    #expect(clock.sleeperCount == 0)
                    #expect(clock.now.offset == .zero)
                    clock.advance(by: .seconds(60))
                    // Wait until the request has been answered (counted), then count the upstream calls.
                    for _ in 0..<5_000 where !metrics.service.renderText().contains(#"route="/v1/generate""#) {
                        try await Task.sleep(for: .milliseconds(1))
                    }
                    #expect(metrics.service.renderText().contains(#"route="/v1/generate",status="503""#))
                    #expect(await primary.state.requestCount == 1)
                    #expect(await fallback.state.requestCount == 0)
                }
            }
        }
    }
}
