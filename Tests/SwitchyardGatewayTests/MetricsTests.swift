import SwitchyardCore
import SwitchyardGateway
import SwitchyardProviders
import SwitchyardTesting
import Testing

/// `/metrics` after a scripted mix of successes, a fallback, a failure and a stream: exact counts per label set,
/// exact token buckets, and no request data among the labels.
@Suite struct MetricsTests {
    static let generate =
        #"{"provider":"openai","model":"gpt-4o-mini","fallbacks":[{"provider":"groq","model":"llama-3.1-8b-instant"}],"user":"user-secret-4711","metadata":{"session":"session-secret-0815"},"messages":[{"role":"user","content":"hi"}]}"#

    @Test func aScriptedMixShowsExactCountsAndBuckets() async throws {
        try await GatewayHarness.withChain(
            primary: .init(fake: .openai, flavor: .openai, model: "gpt-4o-mini"),
            fallback: .init(fake: .groq, flavor: .groq, model: "llama-3.1-8b-instant")
        ) { client, primary, fallback in
            let serverError = FakeResponse.raw(
                status: 500, body: OpenAIBytes.openAIError(message: "boom", type: "server_error", code: nil))
            // 1: the primary answers (3 output tokens). 2: the primary fails, the fallback answers (2).
            // 3: both fail. 4: the primary streams (4), through the OpenAI surface.
            await primary.state.enqueue(.success("one two three"), serverError, serverError, .success("a b c d"))
            await fallback.state.enqueue(.success("fallback answers"), serverError)
            for expected in [200, 200, 502] {
                let reply = try await GatewayHarness.post(client, "/v1/generate/", json: Self.generate)
                #expect(reply.status == expected, "\(reply.body)")
            }
            let stream = try await GatewayHarness.post(
                client, "/v1/chat/completions",
                json:
                    #"{"model":"chain","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}"#
            )
            #expect(stream.status == 200)
            #expect(stream.body.contains("[DONE]"))

            let text = try await GatewayHarness.get(client, "/metrics", token: nil).body
            let metrics = PrometheusText(text)
            let openai = ["provider": "openai", "model": "gpt-4o-mini", "region": ""]
            let groq = ["provider": "groq", "model": "llama-3.1-8b-instant", "region": ""]
            let attempts = GatewayMetrics.attemptsTotal
            #expect(metrics.value(attempts, openai.merging(["outcome": "success"]) { $1 }) == 2)
            #expect(metrics.value(attempts, openai.merging(["outcome": "upstream_5xx"]) { $1 }) == 2)
            #expect(metrics.value(attempts, groq.merging(["outcome": "success"]) { $1 }) == 1)
            #expect(metrics.value(attempts, groq.merging(["outcome": "upstream_5xx"]) { $1 }) == 1)
            #expect(metrics.total(attempts) == 6)

            let chat = ["gen_ai_operation_name": "chat"]
            let openaiChat = chat.merging(["gen_ai_provider_name": "openai", "gen_ai_request_model": "gpt-4o-mini"]) {
                $1
            }
            let groqChat = chat.merging(
                ["gen_ai_provider_name": "groq", "gen_ai_request_model": "llama-3.1-8b-instant"]
            ) { $1 }
            let duration = GatewayMetrics.operationDuration
            #expect(metrics.value(duration + "_count", openaiChat) == 2)
            #expect(metrics.value(duration + "_count", openaiChat.merging(["error_type": "upstream_5xx"]) { $1 }) == 2)
            #expect(metrics.value(duration + "_count", groqChat) == 1)
            #expect(metrics.value(duration + "_count", groqChat.merging(["error_type": "upstream_5xx"]) { $1 }) == 1)
            #expect(metrics.value(duration + "_bucket", openaiChat.merging(["le": "+Inf"]) { $1 }) == 2)
            // The conventions' boundaries, from 10 ms to 81.92 s.
            #expect(metrics.value(duration + "_bucket", openaiChat.merging(["le": "0.01"]) { $1 }) != nil)
            #expect(metrics.value(duration + "_bucket", openaiChat.merging(["le": "81.92"]) { $1 }) == 2)

            // Tokens: the fake reports 11 prompt tokens and one completion token per word.
            let usage = GatewayMetrics.tokenUsage
            let openaiInput = openaiChat.merging(["gen_ai_token_type": "input"]) { $1 }
            let openaiOutput = openaiChat.merging(["gen_ai_token_type": "output"]) { $1 }
            #expect(metrics.value(usage + "_count", openaiInput) == 2)
            #expect(metrics.value(usage + "_sum", openaiInput) == 22)
            #expect(metrics.value(usage + "_bucket", openaiInput.merging(["le": "4.0"]) { $1 }) == 0)
            #expect(metrics.value(usage + "_bucket", openaiInput.merging(["le": "16.0"]) { $1 }) == 2)
            #expect(metrics.value(usage + "_sum", openaiOutput) == 7)
            #expect(metrics.value(usage + "_bucket", openaiOutput.merging(["le": "1.0"]) { $1 }) == 0)
            #expect(metrics.value(usage + "_bucket", openaiOutput.merging(["le": "4.0"]) { $1 }) == 2)
            #expect(metrics.value(usage + "_sum", groqChat.merging(["gen_ai_token_type": "output"]) { $1 }) == 2)
            #expect(
                metrics.value(usage + "_count", groqChat.merging(["gen_ai_token_type": "input"]) { $1 }) == 1,
                "a failed attempt reports no tokens")

            // Only the stream has a time to first chunk.
            #expect(metrics.value(GatewayMetrics.timeToFirstChunk + "_count", openaiChat) == 1)
            #expect(metrics.total(GatewayMetrics.timeToFirstChunk + "_count") == 1)
            #expect(
                metrics.value(GatewayMetrics.fallbacksTotal, ["provider": "groq", "model": "llama-3.1-8b-instant"])
                    == 1)
            #expect(metrics.total(GatewayMetrics.fallbacksTotal) == 1)
            #expect(metrics.value("switchyard_http_requests_total", ["route": "/v1/generate", "status": "200"]) == 2)
            #expect(metrics.value("switchyard_http_requests_total", ["route": "/v1/generate", "status": "502"]) == 1)
            #expect(
                metrics.value("switchyard_http_requests_total", ["route": "/v1/chat/completions", "status": "200"])
                    == 1)
            #expect(metrics.value(GatewayMetrics.coolingDown, openai) == 0)
            // Labels come from the configuration, never from the request.
            #expect(!text.contains("user-secret-4711"))
            #expect(!text.contains("session-secret-0815"))
        }
    }

    /// A target that keeps failing shows as cooling down.
    @Test func aCoolingTargetShowsInTheGauge() async throws {
        try await GatewayHarness.withChain(
            primary: .init(fake: .openai, flavor: .openai, model: "gpt-4o-mini"),
            fallback: .init(fake: .groq, flavor: .groq, model: "llama-3.1-8b-instant")
        ) { client, primary, _ in
            // A refused key is a broken target: it cools down at once.
            await primary.state.enqueue(
                .raw(
                    status: 401,
                    body: OpenAIBytes.openAIError(message: "bad key", type: "invalid_request_error", code: nil)))
            let reply = try await GatewayHarness.post(client, "/v1/generate/", json: Self.generate)
            #expect(reply.status == 200)
            let metrics = PrometheusText(try await GatewayHarness.get(client, "/metrics", token: nil).body)
            #expect(
                metrics.value(GatewayMetrics.coolingDown, ["provider": "openai", "model": "gpt-4o-mini", "region": ""])
                    == 1)
            #expect(
                metrics.value(
                    GatewayMetrics.coolingDown, ["provider": "groq", "model": "llama-3.1-8b-instant", "region": ""])
                    == 0)
        }
    }
}
