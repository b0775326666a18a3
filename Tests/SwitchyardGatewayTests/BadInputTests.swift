import Foundation
import HummingbirdTesting
import NIOCore
import SwitchyardCore
import SwitchyardGateway
import SwitchyardServer
import Testing

/// Bad input gets a 4xx with a message a person can act on; never a 500.
@Suite struct BadInputTests {
    static let cases: [(String, String, Int, String?)] = [
        ("/v1/generate/", "{not json", 400, nil),
        ("/v1/generate/", "", 400, nil),
        ("/v1/generate/", #"{"provider":"mock","model":"m"}"#, 400, "messages"),
        ("/v1/generate/", #"{"provider":"mock","messages":[{"role":"user","content":"x"}]}"#, 400, "model"),
        (
            "/v1/generate/", #"{"provider":"nope","model":"m","messages":[{"role":"user","content":"x"}]}"#, 400,
            "provider"
        ),
        (
            "/v1/generate/",
            #"{"provider":"mock","model":"m","temperature":3,"messages":[{"role":"user","content":"x"}]}"#, 400,
            "temperature"
        ),
        (
            "/v1/generate/",
            #"{"provider":"mock","model":"m","temperature":"hot","messages":[{"role":"user","content":"x"}]}"#, 400,
            "temperature"
        ),
        (
            "/v1/generate/", #"{"provider":"mock","model":"m","messages":[{"role":"wizard","content":"x"}]}"#, 400,
            "messages[0].role"
        ),
        (
            "/v1/generate/",
            #"{"provider":"mock","model":"m","fallbacks":[{"provider":"zzz","model":"m"}],"messages":[{"role":"user","content":"x"}]}"#,
            400, "fallbacks[0].provider"
        ),
        (
            "/v1/generate/", #"{"provider":"mock","model":"m","retry":50,"messages":[{"role":"user","content":"x"}]}"#,
            400, "retry"
        ),
        (
            "/v1/generate/", #"{"provider":"mock","model":"m","messages":[{"role":"system","content":"only system"}]}"#,
            400, "messages"
        ),
        ("/v1/chat/completions", #"{"messages":[{"role":"user","content":"x"}]}"#, 400, "model"),
        ("/v1/chat/completions", #"{"model":"mock/x","n":2,"messages":[{"role":"user","content":"x"}]}"#, 400, "n"),
        (
            "/v1/chat/completions",
            #"{"model":"mock/x","tools":[{"type":"function"}],"messages":[{"role":"user","content":"x"}]}"#, 400,
            "tools"
        ),
        (
            "/v1/chat/completions",
            #"{"model":"mock/x","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"x"}}]}]}"#,
            400, "messages[0].content"
        ),
        (
            "/v1/chat/completions", #"{"model":"no-such-route","messages":[{"role":"user","content":"x"}]}"#, 404,
            "model"
        ),
        (
            "/v1/chat/completions", #"{"model":"mock/x","top_p":-1,"messages":[{"role":"user","content":"x"}]}"#, 400,
            "top_p"
        ),
    ]

    @Test(arguments: cases)
    func isRefusedWithAnActionableMessage(path: String, body: String, status: Int, param: String?) async throws {
        try await GatewayHarness.withGateway(GatewayHarness.settings(providers: [])) { client, _ in
            let response = try await GatewayHarness.post(client, path, json: body)
            #expect(response.status == status, "\(response.body)")
            #expect(response.error["param"] as? String == param)
            let message = try #require(response.error["message"] as? String)
            // Actionable: the message names the field to change (or, for a body that is not JSON, says so).
            #expect(message.contains(param.map { "`\($0)`" } ?? "JSON"), "\(message)")
            #expect(response.error["type"] as? String == "invalid_request_error")
        }
    }

    @Test func aBodyOverTheLimitIs413() async throws {
        var settings = GatewayHarness.settings(providers: [])
        settings.gateway.maximumBodyBytes = 2048
        try await GatewayHarness.withGateway(settings) { client, _ in
            let big = String(repeating: "a", count: 4096)
            let response = try await GatewayHarness.post(
                client, "/v1/generate/",
                json: #"{"provider":"mock","model":"m","messages":[{"role":"user","content":"\#(big)"}]}"#)
            #expect(response.status == 413)
            #expect(response.error["code"] as? String == "request_too_large")
        }
    }

    @Test func unknownRoutesAndMethodsAnswerInTheSameShape() async throws {
        try await GatewayHarness.withGateway(GatewayHarness.settings(providers: [])) { client, _ in
            let token = try await GatewayHarness.token()
            let missing = try await GatewayHarness.get(client, "/v1/nothing", token: token)
            #expect(missing.status == 404)
            #expect(missing.error["code"] as? String == "unknown_route")
            let wrongMethod = try await GatewayHarness.get(client, "/v1/chat/completions", token: token)
            #expect([404, 405].contains(wrongMethod.status))
            #expect(wrongMethod.error["message"] != nil)
        }
    }

    @Test func systemMessagesBecomeTheSystemInstruction() async throws {
        try await GatewayHarness.withGateway(GatewayHarness.settings(providers: [])) { client, _ in
            let response = try await GatewayHarness.post(
                client, "/v1/chat/completions",
                json:
                    #"{"model":"mock/echo","messages":[{"role":"system","content":"be brief"},{"role":"user","content":[{"type":"text","text":"hello"},{"type":"text","text":"world"}]}]}"#
            )
            #expect(response.status == 200)
            let choices = try #require(response.json["choices"] as? [[String: Any]])
            #expect(
                (choices.first?["message"] as? [String: Any])?["content"] as? String == "Mock reply to: hello world")
            #expect((response.json["usage"] as? [String: Any])?["prompt_tokens"] as? Int == 4)
        }
    }
}
