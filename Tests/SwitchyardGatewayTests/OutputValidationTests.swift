import Foundation
import HTTPTypes
import SwitchyardCore
import SwitchyardGateway
import SwitchyardProviders
import SwitchyardTesting
import Testing

/// The chat flow's "validate output" step inside the gateway (an answer without text is a failed attempt, and the
/// chain moves on), routes named by a request instead of a provider and model, and the log line for a primary
/// without a fallback rule.
@Suite struct OutputValidationTests {
    static let members = (
        primary: GatewayHarness.Member(fake: .openai, flavor: .openai, model: "gpt-4o-mini"),
        fallback: GatewayHarness.Member(fake: .groq, flavor: .groq, model: "llama-3.1-8b-instant")
    )

    static func body(stream: Bool, requireContent: Bool) -> String {
        #"{"route":"chain","require_content":\#(requireContent),"stream":\#(stream),"messages":[{"role":"user","content":"hi"}]}"#
    }

    @Test(arguments: ["", " \n\t "])
    func anAnswerWithoutTextFallsBackWhenTextIsRequired(empty: String) async throws {
        try await GatewayHarness.withChain(primary: Self.members.primary, fallback: Self.members.fallback) {
            client, primary, fallback in
            await primary.state.enqueue(.success(empty))
            await fallback.state.enqueue(.success("a real answer"))
            let response = try await GatewayHarness.post(
                client, "/v1/generate/", json: Self.body(stream: false, requireContent: true))
            #expect(response.status == 200, "\(response.body)")
            #expect(response.json["provider"] as? String == "groq")
            let attempts = try #require(response.json["attempts"] as? [[String: Any]])
            #expect(attempts.map { $0["outcome"] as? String } == ["empty_response", "success"])
            // Without the requirement an empty answer is an answer (the OpenAI surface stays faithful).
            await primary.state.enqueue(.success(empty))
            let plain = try await GatewayHarness.post(
                client, "/v1/generate/", json: Self.body(stream: false, requireContent: false))
            #expect(plain.json["provider"] as? String == "openai")
        }
    }

    @Test func aStreamOfOnlyWhitespaceFallsBackBeforeTheCommitPoint() async throws {
        try await GatewayHarness.withChain(primary: Self.members.primary, fallback: Self.members.fallback) {
            client, primary, fallback in
            await primary.state.enqueue(.success("   "))
            await fallback.state.enqueue(.success("streamed from the fallback"))
            let response = try await GatewayHarness.post(
                client, "/v1/generate/", json: Self.body(stream: true, requireContent: true))
            #expect(response.status == 200)
            #expect(response.headers[.init("x-switchyard-provider")!] == "groq")
            #expect(response.body.contains("streamed"))
            #expect(await fallback.state.requestCount == 1)
        }
    }

    @Test func aRequestNamesARouteOrAProviderAndAnUnknownRouteIsRefused() async throws {
        try await GatewayHarness.withChain(primary: Self.members.primary, fallback: Self.members.fallback) {
            client, primary, _ in
            await primary.state.enqueue(.success("via the route"))
            let routed = try await GatewayHarness.post(
                client, "/v1/generate/", json: Self.body(stream: false, requireContent: false))
            #expect(routed.json["provider"] as? String == "openai")
            let unknown = try await GatewayHarness.post(
                client, "/v1/generate/", json: #"{"route":"nope","messages":[{"role":"user","content":"hi"}]}"#)
            #expect(unknown.status == 400)
            #expect(unknown.error["param"] as? String == "route")
            #expect((unknown.error["message"] as? String)?.contains("chain") == true)
            let neither = try await GatewayHarness.post(
                client, "/v1/generate/", json: #"{"messages":[{"role":"user","content":"hi"}]}"#)
            #expect(neither.status == 400)
            #expect(neither.error["param"] as? String == "provider")
            let nested = try await GatewayHarness.post(
                client, "/v1/generate/",
                json:
                    #"{"provider":"mock","model":"m","metadata":{"experiment":{"arm":"b","ids":[1,2]},"region_name":"us-east-1"},"messages":[{"role":"user","content":"hi"}]}"#
            )
            #expect(nested.status == 200, "nested metadata is accepted: \(nested.body)")
        }
    }

    @Test func aPrimaryWithoutAFallbackRuleIsLoggedOncePerProviderAndModel() {
        let logs = CapturedLogs()
        let service = GatewayService(
            registry: ProviderRegistry(providers: [MockProvider()]),
            routing: RoutingTable(fallbackRules: [.init(provider: "mock", model: "ruled", fallbacks: [])]),
            logger: logs.logger())
        for model in ["free", "free", "ruled", "other", "free"] {
            _ = service.plan(for: GenerationRequest(provider: "mock", model: model, messages: []))
        }
        let lines = logs.text.split(separator: "\n").filter { $0.contains("no specific fallback defined") }
        #expect(lines.count == 2)
        #expect(lines.contains { $0.contains("free") } && lines.contains { $0.contains("other") })
    }
}
