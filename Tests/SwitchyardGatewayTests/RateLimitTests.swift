import Foundation
import HTTPTypes
import HummingbirdTesting
import SwitchyardCore
import SwitchyardProviders
import SwitchyardTesting
import Testing

@testable import SwitchyardGateway

/// Rate limits on the gateway's HTTP surface: a service's bucket and each end user's, checked before any upstream
/// call (the fake upstream counts the calls that got through), answered 429 `rate_limited` with `Retry-After`.
@Suite struct RateLimitTests {
    func withLimitedGateway(
        _ rules: RateLimitRules, _ body: @Sendable (any TestClientProtocol, FakeOpenAIUpstream) async throws -> Void
    ) async throws {
        let upstream = FakeOpenAIUpstream(flavor: .openai)
        try await upstream.run { url in
            var gateway = GatewayHarness.fastSettings
            gateway.rateLimits = rules
            let settings = GatewayHarness.settings(
                providers: [GatewayHarness.openAIFamily("openai", flavor: .openai, baseURL: url)], gateway: gateway)
            try await GatewayHarness.withGateway(settings) { client, _ in
                try await body(client, upstream)
            }
        }
    }

    /// `19.995s` as 19.995, for a header whose exact value depends on the milliseconds between two requests.
    static func seconds(_ text: String?) -> Double? {
        guard let text, text.hasSuffix("s"), !text.hasSuffix("ms") else { return nil }
        return Double(text.dropLast())
    }

    @Test func resetTimesAreWrittenAsOpenAIWritesThem() {
        let cases: [(Duration, String)] = [
            (.zero, "0s"), (.nanoseconds(1), "1ms"), (.milliseconds(20), "20ms"), (.milliseconds(999), "999ms"),
            (.seconds(1), "1s"), (.milliseconds(1500), "1.5s"), (.milliseconds(19_995), "19.995s"),
            (.milliseconds(1_050), "1.05s"), (.seconds(360), "6m0s"), (.milliseconds(61_250), "1m1.25s"),
            (.seconds(3600), "1h0m0s"), (.seconds(3_725), "1h2m5s"),
        ]
        for (duration, text) in cases { #expect(RateLimitHeaders.durationText(duration) == text, "\(duration)") }
    }

    static func completion(user: String? = nil) -> String {
        let userField = user.map { #","user":"\#($0)""# } ?? ""
        return #"{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"hi"}]\#(userField)}"#
    }

    @Test func aServiceOverItsBurstIsRefusedBeforeAnyUpstreamCall() async throws {
        let rules = RateLimitRules(
            // A token every 10 s: a full suite's load (seconds between requests) refills none before the third.
            services: ["tests": RateLimit(requestsPerMinute: 6, burst: 2)],
            defaultService: RateLimit(requestsPerMinute: 600, burst: 100))
        try await withLimitedGateway(rules) { client, upstream in
            // OpenAI's headers: 6 a minute, whole tokens left, and the time until the bucket is full again.
            let first = try await GatewayHarness.post(client, "/v1/chat/completions", json: Self.completion())
            #expect(first.status == 200)
            #expect(first.headers[RateLimitHeaders.limit] == "6")
            #expect(first.headers[RateLimitHeaders.remaining] == "1")
            #expect(first.headers[RateLimitHeaders.reset] == "10s", "one token at 0.1 a second")
            let second = try await GatewayHarness.post(client, "/v1/chat/completions", json: Self.completion())
            #expect(second.status == 200)
            #expect(second.headers[RateLimitHeaders.remaining] == "0")
            #expect(Self.seconds(second.headers[RateLimitHeaders.reset]).map { (19...20).contains($0) } == true)
            let refused = try await GatewayHarness.post(client, "/v1/chat/completions", json: Self.completion())
            #expect(refused.status == 429)
            #expect(refused.headers[RateLimitHeaders.limit] == "6")
            #expect(refused.headers[RateLimitHeaders.remaining] == "0")
            #expect(Self.seconds(refused.headers[RateLimitHeaders.reset]).map { (19...20).contains($0) } == true)
            #expect(refused.headers[.retryAfter].flatMap(Int.init).map { (1...10).contains($0) } == true)
            let error = try #require(refused.json["error"] as? [String: Any])
            #expect(error["code"] as? String == "rate_limited")
            #expect(error["type"] as? String == "rate_limit_error")
            #expect((error["message"] as? String)?.contains("service 'tests'") == true)
            #expect(await upstream.state.requestCount == 2, "the refused request reached no provider")
            // Another service has a bucket of its own (the default rule).
            let other = try await GatewayHarness.token(service: "other")
            let generate = try await GatewayHarness.post(
                client, "/v1/generate/",
                json: #"{"provider":"openai","model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}"#,
                token: other)
            #expect(generate.status == 200)
            #expect(generate.headers[RateLimitHeaders.limit] == "600", "the default rule's bucket")
            #expect(generate.headers[RateLimitHeaders.remaining] == "99")
            #expect(generate.headers[RateLimitHeaders.reset] == "100ms")
            #expect(await upstream.state.requestCount == 3)
            let metrics = PrometheusText(try await GatewayHarness.get(client, "/metrics", token: nil).body)
            #expect(
                metrics.value(
                    GatewayMetrics.rateLimitedTotal, ["scope": "service", "service": "tests", "limit": "requests"]) == 1
            )
        }
    }

    @Test func eachUserHasABucketOfTheirOwn() async throws {
        try await withLimitedGateway(RateLimitRules(user: RateLimit(requestsPerMinute: 6, burst: 1))) {
            client, upstream in
            #expect(
                try await GatewayHarness.post(client, "/v1/chat/completions", json: Self.completion(user: "ana")).status
                    == 200)
            let refused = try await GatewayHarness.post(
                client, "/v1/chat/completions", json: Self.completion(user: "ana"))
            #expect(refused.status == 429)
            #expect(refused.headers[.retryAfter] == "10")
            #expect(
                try await GatewayHarness.post(client, "/v1/chat/completions", json: Self.completion(user: "ben")).status
                    == 200)
            let anonymous = try await GatewayHarness.post(client, "/v1/chat/completions", json: Self.completion())
            #expect(anonymous.status == 200, "a request without a user is not limited per user")
            #expect(anonymous.headers[RateLimitHeaders.remaining] == nil, "and no limit applied to it")
            // A stream's head carries the headers too.
            let streamed = try await GatewayHarness.post(
                client, "/v1/chat/completions",
                json: #"{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"user":"cy","#
                    + #""stream":true}"#)
            #expect(streamed.status == 200)
            #expect(streamed.headers[.contentType] == "text/event-stream")
            #expect(streamed.headers[RateLimitHeaders.limit] == "6")
            #expect(streamed.headers[RateLimitHeaders.remaining] == "0")
            #expect(streamed.headers[RateLimitHeaders.reset] == "10s")
            #expect(await upstream.state.requestCount == 4)
        }
    }

    @Test func answersAreChargedToTheirUsersTokenBucketAndDebtRefusesTheNext() async throws {
        // 30 tokens a minute (half a token a second), requests unlimited; the fake's answer uses 14 tokens (a prompt
        // of 11, "Hello from openai." is 3).
        let perAnswer = OpenAIBytes.usage(for: "Hello from openai.")
        #expect(perAnswer.prompt + perAnswer.completion == 14)
        try await withLimitedGateway(RateLimitRules(user: RateLimit(requestsPerMinute: nil, tokensPerMinute: 30))) {
            client, upstream in
            let first = try await GatewayHarness.post(
                client, "/v1/chat/completions", json: Self.completion(user: "ana"))
            #expect(first.status == 200)
            #expect(first.headers[RateLimitHeaders.tokenLimit] == "30")
            #expect(first.headers[RateLimitHeaders.tokensRemaining] == "30", "nothing charged before the answer")
            #expect(first.headers[RateLimitHeaders.tokensReset] == "0s")
            #expect(first.headers[RateLimitHeaders.limit] == nil, "requests are not limited")
            let second = try await GatewayHarness.post(
                client, "/v1/chat/completions", json: Self.completion(user: "ana"))
            #expect(second.status == 200)
            #expect(second.headers[RateLimitHeaders.tokensRemaining] == "16", "30 - 14")
            #expect(Self.seconds(second.headers[RateLimitHeaders.tokensReset]).map { (27...28).contains($0) } == true)
            // A stream is charged when it ends: 16 - 14 = 2 left before it, 12 in debt after it.
            let streamed = try await GatewayHarness.post(
                client, "/v1/chat/completions",
                json: #"{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"user":"ana","#
                    + #""stream":true}"#)
            #expect(streamed.status == 200)
            #expect(streamed.headers[RateLimitHeaders.tokensRemaining] == "2")
            #expect(streamed.body.contains("data: [DONE]"))
            let refused = try await GatewayHarness.post(
                client, "/v1/chat/completions", json: Self.completion(user: "ana"))
            #expect(refused.status == 429)
            #expect(refused.headers[RateLimitHeaders.tokensRemaining] == "0")
            // 13 tokens short of one, at half a token a second: 26 s.
            #expect(refused.headers[.retryAfter].flatMap(Int.init).map { (25...26).contains($0) } == true)
            let error = try #require(refused.json["error"] as? [String: Any])
            #expect(error["code"] as? String == "rate_limited")
            #expect((error["message"] as? String)?.contains("30 tokens per minute") == true)
            #expect(await upstream.state.requestCount == 3, "the refused request reached no provider")
            let ben = try await GatewayHarness.post(client, "/v1/chat/completions", json: Self.completion(user: "ben"))
            #expect(ben.status == 200)
            #expect(ben.headers[RateLimitHeaders.tokensRemaining] == "30", "Ben's bucket is his own")
            let metrics = PrometheusText(try await GatewayHarness.get(client, "/metrics", token: nil).body)
            #expect(
                metrics.value(GatewayMetrics.rateLimitedTotal, ["scope": "user", "service": "", "limit": "tokens"]) == 1
            )
        }
    }
}
