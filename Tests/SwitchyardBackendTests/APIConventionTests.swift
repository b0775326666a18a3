import Foundation
import HTTPTypes
import Testing

/// Conventions every JSON answer keeps.
@Suite struct APIConventionTests {
    /// UUIDs are written lowercase everywhere (sessions, messages, configs, bots, users, ledger entries), and an
    /// uppercase UUID in a body or a path is accepted as the same id.
    @Test func uuidsAreLowercaseOutAndEitherCaseIn() async throws {
        try await BackendHarness.run { app in
            let (slug, configID) = try await app.launchBot(name: "Cased", prompt: "You are {{bot_name}}.")
            let first = try await app.user("cased", .post, "/v1/bots/\(slug)/chat", json: #"{"message":"hi"}"#)
            #expect(first.status == 200)
            let session = try requireString(first.json["session_id"])
            let again = try await app.user(
                "cased", .post, "/v1/bots/\(slug)/chat",
                json: #"{"session_id":"\#(session.uppercased())","message":"again"}"#)
            #expect(again.status == 200)
            #expect(again.json["session_id"] as? String == session, "the uppercase id names the same session")
            var bodies = [first.body, again.body]
            for uri in [
                "/v1/sessions/\(session.uppercased())/messages", "/v1/sessions?bot=\(slug)", "/v1/me",
                "/v1/sessions/\(session)",
            ] {
                let reply = try await app.user("cased", .get, uri)
                #expect(reply.status == 200, "\(uri): \(reply.body)")
                bodies.append(reply.body)
            }
            for uri in ["/admin/v1/bots/\(slug)", "/admin/v1/bots/\(slug)/llm-configs", "/admin/v1/bots"] {
                let reply = try await app.admin(.get, uri)
                #expect(reply.status == 200, "\(uri): \(reply.body)")
                bodies.append(reply.body)
            }
            let missing = try await app.admin(.patch, "/admin/v1/llm-configs/\(UUID().uuidString)", json: "{}")
            #expect(missing.status == 404)
            bodies.append(missing.body)
            // A UUID in any case.
            let anyUUID = #/[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}/#
            let ids = bodies.flatMap { $0.matches(of: anyUUID).map { String($0.output) } }
            #expect(ids.contains(configID.lowercased()) && ids.contains(session))
            #expect(ids.count > 10)
            #expect(
                ids.filter { $0 != $0.lowercased() }.isEmpty, "uppercase UUIDs: \(ids.filter { $0 != $0.lowercased() })"
            )
        }
    }
}
