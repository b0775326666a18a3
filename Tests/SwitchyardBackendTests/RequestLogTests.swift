import Foundation
import HTTPTypes
import SwitchyardCore
import SwitchyardGateway
import SwitchyardTesting
import Testing

/// The audit log: one line per request with its id, route, status, latency and calling service, and nothing a
/// client sent: no message text, no token, no key.
@Suite struct RequestLogTests {
    @Test func everyRequestIsOneLineWithoutSecretsOrText() async throws {
        let logs = CapturedLogs()
        let secretText = "my-secret-question-\(UUID().uuidString)"
        let userToken = try await BackendHarness.userToken("audited")
        let serviceToken = try await ServiceTokenMinter(secret: Secret(BackendHarness.gatewaySecret))
            .mint(service: "billing-worker", ttl: 60).0
        try await BackendHarness.run(logger: logs.logger("switchyard")) { app in
            let (slug, _) = try await app.launchBot(name: "Audited")
            let reply = try await app.send(
                .post, "/v1/bots/\(slug)/chat", bearer: userToken, json: #"{"message":"\#(secretText)"}"#)
            #expect(reply.status == 200)
            let id = try #require(reply.headers[HTTPField.Name("x-request-id")!])
            let generated = try await app.send(
                .post, "/v1/generate/", bearer: serviceToken,
                json: #"{"provider":"mock","model":"m-1","messages":[{"role":"user","content":"\#(secretText)"}]}"#)
            #expect(generated.status == 200)
            let refused = try await app.send(.get, "/admin/v1/bots", bearer: "wrong-\(BackendHarness.adminKey)")
            #expect(refused.status == 401)

            let lines = logs.text.split(separator: "\n").filter { $0.contains("request") && $0.contains("request_id") }
            #expect(lines.count >= 5, "\(logs.text)")
            let chat = try #require(lines.first { $0.contains(id) })
            #expect(chat.contains("/v1/bots/{slug}/chat") && chat.contains("200") && chat.contains("latency_ms"))
            let gateway = try #require(lines.first { $0.contains("/v1/generate") })
            #expect(gateway.contains("billing-worker"), "the calling service, from the verified token")
            #expect(gateway.contains("mock") && gateway.contains("m-1"), "the serving provider and model")
            #expect(lines.contains { $0.contains("/admin/v1/bots") && $0.contains("401") })
        }
        let text = logs.text
        for secret in [
            secretText, userToken, serviceToken, BackendHarness.adminKey, BackendHarness.userSecret,
            BackendHarness.gatewaySecret,
        ] {
            #expect(!text.contains(secret), "a log line carries \(secret.prefix(12))…")
        }
    }
}
