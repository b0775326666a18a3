import Foundation
import HTTPTypes
import HummingbirdTesting
import SwitchyardCore
import SwitchyardGateway
import SwitchyardProviders
import SwitchyardTesting
import Testing

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
            for _ in 0..<2 {
                #expect(
                    try await GatewayHarness.post(client, "/v1/chat/completions", json: Self.completion()).status == 200
                )
            }
            let refused = try await GatewayHarness.post(client, "/v1/chat/completions", json: Self.completion())
            #expect(refused.status == 429)
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
            #expect(await upstream.state.requestCount == 3)
            let metrics = PrometheusText(try await GatewayHarness.get(client, "/metrics", token: nil).body)
            #expect(metrics.value(GatewayMetrics.rateLimitedTotal, ["scope": "service", "service": "tests"]) == 1)
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
            #expect(
                try await GatewayHarness.post(client, "/v1/chat/completions", json: Self.completion()).status == 200,
                "a request without a user is not limited per user")
            #expect(await upstream.state.requestCount == 3)
        }
    }
}
