import Foundation
import HTTPTypes
import HummingbirdTesting
import SwitchyardCore
import SwitchyardProviders
import SwitchyardServer
import SwitchyardTesting
import Testing

/// The native adapters end to end through HTTP: regional Bedrock chains with verified SigV4, and streams that fall
/// back across Anthropic, Gemini and Bedrock.
@Suite struct NativeProviderFallbackTests {
    func withNatives(
        routing: RoutingTable, clock: some Clock<Duration> = ContinuousClock(),
        _ body:
            @Sendable (any TestClientProtocol, FakeAnthropicUpstream, FakeGeminiUpstream, FakeBedrockUpstream)
            async throws -> Void
    ) async throws {
        let anthropic = FakeAnthropicUpstream()
        let gemini = FakeGeminiUpstream()
        let bedrock = FakeBedrockUpstream()
        try await anthropic.run { anthropicURL in
            try await gemini.run { geminiURL in
                try await bedrock.run { bedrockURL in
                    let settings = GatewayHarness.settings(
                        providers: [
                            ProviderSettings(
                                id: "anthropic", kind: .anthropic, apiKey: Secret(anthropic.apiKey),
                                baseURL: anthropicURL),
                            ProviderSettings(
                                id: "gemini", kind: .gemini, apiKey: Secret(gemini.apiKey), baseURL: geminiURL),
                            ProviderSettings(
                                id: "bedrock", kind: .bedrock(defaultRegion: "ap-south-1"),
                                awsCredentials: AWSCredentials(
                                    accessKeyID: bedrock.accessKeyID, secretAccessKey: Secret(bedrock.secretAccessKey),
                                    sessionToken: Secret("SESSIONTOKENEXAMPLE")),
                                baseURL: bedrockURL),
                        ], routing: routing)
                    try await GatewayHarness.withGateway(settings, clock: clock) { client, _ in
                        try await body(client, anthropic, gemini, bedrock)
                    }
                }
            }
        }
    }

    static let regional = RoutingTable(
        routes: [
            .init(
                name: "deepseek-v3",
                targets: [
                    Target(provider: "bedrock", model: "deepseek.v3-v1:0", regionName: "ap-south-1"),
                    Target(provider: "bedrock", model: "deepseek.v3-v1:0", regionName: "us-east-1"),
                    Target(provider: "bedrock", model: "deepseek.v3-v1:0", regionName: "eu-west-1"),
                    Target(provider: "gemini", model: "gemini-2.0-flash"),
                ]),
            .init(
                name: "claude-first",
                targets: [
                    Target(provider: "anthropic", model: "claude-sonnet-4-5"),
                    Target(provider: "gemini", model: "gemini-2.0-flash"),
                ], timeouts: .init(timeToFirstTokenMs: 300)),
        ])

    @Test func aRegionalChainFallsThroughRegionsWithVerifiedSignatures() async throws {
        try await withNatives(routing: Self.regional) { client, _, gemini, bedrock in
            await bedrock.state.enqueue(
                .raw(
                    status: 503, body: #"{"message":"Service unavailable"}"#,
                    headers: ["x-amzn-ErrorType": "ServiceUnavailableException"]),
                .raw(
                    status: 429, body: #"{"message":"Too many requests"}"#,
                    headers: ["x-amzn-ErrorType": "ThrottlingException"]),
                .success("served from eu-west-1"))
            let response = try await GatewayHarness.post(
                client, "/v1/chat/completions", json: GatewayHarness.chat(model: "deepseek-v3"))
            #expect(response.status == 200, "\(response.body)")
            let choices = try #require(response.json["choices"] as? [[String: Any]])
            #expect((choices.first?["message"] as? [String: Any])?["content"] as? String == "served from eu-west-1")
            let requests = await bedrock.state.requests
            #expect(requests.map(FakeBedrockUpstream.region) == ["ap-south-1", "us-east-1", "eu-west-1"])
            #expect(requests.allSatisfy { $0.path == "/model/deepseek.v3-v1%3A0/converse" })
            #expect(requests.allSatisfy { $0.headers["x-amz-security-token"] == "SESSIONTOKENEXAMPLE" })
            #expect(await gemini.state.requestCount == 0)
        }
    }

    @Test func aBadSignatureIsAnAuthFailureAndTheChainMovesOn() async throws {
        let bedrock = FakeBedrockUpstream()
        let gemini = FakeGeminiUpstream()
        try await bedrock.run { bedrockURL in
            try await gemini.run { geminiURL in
                let settings = GatewayHarness.settings(
                    providers: [
                        ProviderSettings(
                            id: "gemini", kind: .gemini, apiKey: Secret(gemini.apiKey), baseURL: geminiURL),
                        ProviderSettings(
                            id: "bedrock", kind: .bedrock(defaultRegion: "ap-south-1"),
                            awsCredentials: AWSCredentials(
                                accessKeyID: bedrock.accessKeyID, secretAccessKey: Secret("wrong-secret")),
                            baseURL: bedrockURL),
                    ], routing: Self.regional)
                try await GatewayHarness.withGateway(settings) { client, _ in
                    let response = try await GatewayHarness.post(
                        client, "/v1/generate/",
                        json:
                            #"{"provider":"bedrock","model":"deepseek.v3-v1:0","retry":0,"fallbacks":[{"provider":"gemini","model":"gemini-2.0-flash"}],"messages":[{"role":"user","content":"hi"}]}"#
                    )
                    #expect(response.status == 200)
                    let attempts = try #require(response.json["attempts"] as? [[String: Any]])
                    #expect(attempts.map { $0["outcome"] as? String } == ["auth", "success"])
                    #expect(attempts.first?["status"] as? Int == 403)
                    #expect(attempts.first?["region_name"] as? String == "ap-south-1")
                }
            }
        }
    }

    @Test func anOverloadedClaudeStreamFallsBackToGeminiInvisibly() async throws {
        try await withNatives(routing: Self.regional) { client, anthropic, gemini, _ in
            await anthropic.state.enqueue(
                .raw(status: 529, body: FakeAnthropicUpstream.errorBody("overloaded_error", "Overloaded")))
            await gemini.state.enqueue(.success("gemini stepped in"))
            let response = try await GatewayHarness.post(
                client, "/v1/chat/completions", json: GatewayHarness.chat(model: "claude-first", stream: true))
            #expect(response.status == 200)
            #expect(response.streamedText == "gemini stepped in")
            #expect(response.events.last == "[DONE]")
            let body = try #require(await anthropic.state.requests.first?.json)
            #expect(body["system"] as? String == "Be brief.")
        }
    }

    @Test func anInBandClaudeErrorBeforeContentFallsBack() async throws {
        try await withNatives(routing: Self.regional) { client, anthropic, gemini, _ in
            await anthropic.state.enqueue(
                .streamError(
                    afterChunks: 0,
                    data: #"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#))
            await gemini.state.enqueue(.success("rescued"))
            let response = try await GatewayHarness.post(
                client, "/v1/chat/completions", json: GatewayHarness.chat(model: "claude-first", stream: true))
            #expect(response.streamedText == "rescued")
        }
    }

    @Test func theRoutesOwnTimeToFirstTokenApplies() async throws {
        let clock = ManualClock()
        try await withNatives(routing: Self.regional, clock: clock) { client, anthropic, gemini, _ in
            await anthropic.state.enqueue(.delayed(.seconds(3), .success("late")))
            await gemini.state.enqueue(.success("on time"))
            async let response = GatewayHarness.post(
                client, "/v1/chat/completions", json: GatewayHarness.chat(model: "claude-first", stream: true))
            // The first attempt waits for its first token on the route's 300 ms, not the gateway's 1.5 s.
            try await clock.waitForSleepers()
            #expect(clock.pendingDeadlines == [.milliseconds(300)])
            while await anthropic.state.requestCount == 0 { try await Task.sleep(for: .milliseconds(1)) }
            clock.advance(by: .milliseconds(300))
            #expect(try await response.streamedText == "on time")
            #expect(await anthropic.state.requestCount == 1)
        }
    }

    @Test func aBedrockExceptionAfterContentEndsTheStreamWithATypedError() async throws {
        try await withNatives(routing: Self.regional) { client, _, gemini, bedrock in
            await bedrock.state.enqueue(.streamError(afterChunks: 2, data: "throttlingException"))
            let response = try await GatewayHarness.post(
                client, "/v1/chat/completions", json: GatewayHarness.chat(model: "deepseek-v3", stream: true))
            #expect(response.status == 200)
            #expect(response.streamedText == "one two")
            let last = try #require(response.events.last)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
            #expect((object["error"] as? [String: Any])?["code"] as? String == "stream_interrupted_rate_limited")
            #expect(((object["usage"] as? [String: Any])?["completion_tokens"] as? Int ?? 0) > 0)
            #expect(await gemini.state.requestCount == 0)
            #expect(await bedrock.state.requests.first?.path == "/model/deepseek.v3-v1%3A0/converse-stream")
        }
    }

    @Test func geminiSafetyBlocksAreContentFilteredAndFallBack() async throws {
        try await withNatives(routing: Self.regional) { client, anthropic, gemini, _ in
            await gemini.state.enqueue(.raw(status: 200, body: FakeGeminiUpstream.promptBlocked))
            let response = try await GatewayHarness.post(
                client, "/v1/generate/",
                json:
                    #"{"provider":"gemini","model":"gemini-2.0-flash","fallbacks":[{"provider":"anthropic","model":"claude-sonnet-4-5"}],"messages":[{"role":"user","content":"hi"}]}"#
            )
            #expect(response.status == 200)
            let attempts = try #require(response.json["attempts"] as? [[String: Any]])
            #expect(attempts.map { $0["outcome"] as? String } == ["content_filtered", "success"])
            #expect(await anthropic.state.requestCount == 1)
        }
    }
}
