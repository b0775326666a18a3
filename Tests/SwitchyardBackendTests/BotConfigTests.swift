import Foundation
import HTTPTypes
import SwitchyardBackend
import SwitchyardCore
import SwitchyardProviders
import SwitchyardServer
import SwitchyardTesting
import Testing

@testable import SwitchyardStore

/// Bots and configs as the reference has them: free JSON metadata, required profile fields, config editing with the
/// reference's defaults, switch semantics, routes, owners and types; the user's sessions; language instructions.
@Suite struct BotConfigTests {
    @Test func botMetadataIsFreeJSONAndItsTypedKeysAreChecked() async throws {
        try await BackendHarness.run { app in
            let metadata =
                #"{"required_fields":["birth_date"],"character_rating":4.5,"response_length":"short","extra":{"tags":["vedic",{"deep":true}],"n":3}}"#
            let created = try await app.admin(
                .post, "/admin/v1/bots", json: #"{"name":"Free","type":"expert","metadata":\#(metadata)}"#)
            #expect(created.status == 201, "\(created.body)")
            let slug = try requireString(created.json["slug"])
            let read = try await app.admin(.get, "/admin/v1/bots/\(slug)")
            let stored = try #require(read.json["metadata"] as? [String: Any])
            #expect(
                NSDictionary(dictionary: stored)
                    == NSDictionary(
                        dictionary: try JSONSerialization.jsonObject(with: Data(metadata.utf8)) as! [String: Any]))
            #expect(read.json["type"] as? String == "expert")
            let count = try await app.admin(.get, "/admin/v1/bots").array.count
            for (body, param) in [
                (#"{"name":"B","metadata":{"required_fields":["shoe_size"]}}"#, "metadata.required_fields"),
                (#"{"name":"B","metadata":{"required_fields":"birth_date"}}"#, "metadata.required_fields"),
                (#"{"name":"B","metadata":{"response_length":"epic"}}"#, "metadata.response_length"),
                (#"{"name":"B","metadata":{"character_rating":"five"}}"#, "metadata.character_rating"),
                (#"{"name":"B","metadata":{"blob":"\#(String(repeating: "x", count: 17_000))"}}"#, "metadata"),
                (#"{"name":"B","type":"wizard"}"#, "type"),
                (#"{"name":"B","owner_id":"\#(UUID().uuidString)"}"#, "owner_id"),
            ] {
                let refused = try await app.admin(.post, "/admin/v1/bots", json: body)
                #expect(refused.status == 400, "\(body)")
                #expect(refused.error["param"] as? String == param)
            }
            #expect(try await app.admin(.get, "/admin/v1/bots").array.count == count, "nothing was written")
        }
    }

    @Test func aBotHasAnOwnerAnUpdateTimeAndACompanionTypeByDefault() async throws {
        try await BackendHarness.run { app in
            let me = try await app.user("creator", .get, "/v1/me")
            let owner = try requireString(me.json["id"])
            let created = try await app.admin(
                .post, "/admin/v1/bots", json: #"{"name":"Owned","owner_id":"\#(owner)"}"#)
            #expect(created.json["type"] as? String == "companion")
            #expect((created.json["owner_id"] as? String)?.lowercased() == owner.lowercased())
            let slug = try requireString(created.json["slug"])
            let before = try requireString(created.json["updated_at"])
            try await Task.sleep(for: .milliseconds(1100))  // the API's times have whole seconds
            let changed = try await app.admin(.patch, "/admin/v1/bots/\(slug)", json: #"{"description":"new"}"#)
            #expect(try requireString(changed.json["updated_at"]) > before)
            #expect(try requireString(changed.json["created_at"]) == created.json["created_at"] as? String)
        }
    }

    @Test func configsAreEditedDeletedAndListedActiveFirst() async throws {
        try await BackendHarness.run { app in
            let (slug, active) = try await app.launchBot(name: "Editable")
            let plain = try await app.admin(
                .post, "/admin/v1/bots/\(slug)/llm-configs",
                json:
                    #"{"llm_provider":"mock","model_name":"second","metadata":{"tools":[{"name":"kundli"}],"api_endpoint":"x"}}"#
            )
            #expect(plain.status == 201)
            let id = try requireString(plain.json["id"])
            // The reference's defaults fill unset sampling values.
            #expect(plain.json["temperature"] as? Double == 0.7)
            #expect(plain.json["top_p"] as? Double == 0.95)
            #expect(plain.json["max_output_tokens"] as? Int == 1024)
            #expect(
                ((plain.json["metadata"] as? [String: Any])?["tools"] as? [[String: Any]])?.first?["name"] as? String
                    == "kundli")
            for (body, param) in [
                (#"{"llm_provider":"nobody"}"#, "llm_provider"), (#"{"temperature":2.5}"#, "temperature"),
                (#"{"top_p":1.5}"#, "top_p"), (#"{"max_output_tokens":0}"#, "max_output_tokens"),
                (#"{"prompt_template":"missing-template"}"#, "prompt_template"), (#"{"route":"nowhere"}"#, "route"),
                (#"{"is_active":true}"#, "is_active"), (#"{"prompt":"Hi {{who}}"}"#, "prompt"),
                (#"{"route":"r","llm_provider":"mock"}"#, "route"),
            ] {
                let refused = try await app.admin(.patch, "/admin/v1/llm-configs/\(id)", json: body)
                #expect(refused.status == 400, "\(body): \(refused.body)")
                #expect(refused.error["param"] as? String == param, "\(body)")
            }
            let changed = try await app.admin(
                .patch, "/admin/v1/llm-configs/\(id)",
                json: #"{"model_name":"third","temperature":0.2,"prompt_template":"mira-vedic-astrologer"}"#)
            #expect(changed.status == 200, "\(changed.body)")
            #expect(changed.json["model_name"] as? String == "third")
            #expect(changed.json["temperature"] as? Double == 0.2)
            #expect(changed.json["is_active"] as? Bool == false)
            let list = try await app.admin(.get, "/admin/v1/bots/\(slug)/llm-configs")
            #expect(list.array.map { $0["id"] as? String } == [active, id].map(Optional.some))
            #expect(try await app.admin(.post, "/admin/v1/llm-configs/\(id)/activate").status == 200)
            let reordered = try await app.admin(.get, "/admin/v1/bots/\(slug)/llm-configs")
            #expect(reordered.array.first?["id"] as? String == id)
            let refused = try await app.admin(.delete, "/admin/v1/llm-configs/\(id)")
            #expect(refused.status == 409)
            #expect(refused.error["code"] as? String == "config_active")
            #expect(try await app.admin(.delete, "/admin/v1/llm-configs/\(active)").status == 204)
            #expect(try await app.admin(.get, "/admin/v1/bots/\(slug)/llm-configs").array.count == 1)
            #expect(try await app.admin(.post, "/admin/v1/llm-configs/\(active)/activate").status == 404)
            #expect(try await app.admin(.patch, "/admin/v1/llm-configs/\(active)", json: "{}").status == 404)
            #expect(try await app.user("x", .post, "/v1/bots/\(slug)/chat", json: #"{"message":"hi"}"#).status == 200)
        }
    }

    @Test func activatingAConfigSwitchesExistingSessionsAtTheirNextTurn() async throws {
        try await BackendHarness.run { app in
            let (slug, first) = try await app.launchBot(name: "Switch")
            let second = try requireString(
                try await app.admin(
                    .post, "/admin/v1/bots/\(slug)/llm-configs", json: #"{"llm_provider":"mock","model_name":"b"}"#
                ).json["id"])
            let opened = try await app.user("s", .post, "/v1/bots/\(slug)/chat", json: #"{"message":"one"}"#)
            #expect(opened.json["config_id"] as? String == first)
            let session = try requireString(opened.json["session_id"])
            #expect(try await app.admin(.post, "/admin/v1/llm-configs/\(second)/activate").status == 200)
            let next = try await app.user(
                "s", .post, "/v1/bots/\(slug)/chat", json: #"{"session_id":"\#(session)","message":"two"}"#)
            #expect(next.json["config_id"] as? String == second)
            let messages = try await app.user("s", .get, "/v1/sessions/\(session)/messages")
            #expect(
                messages.array.filter { $0["role"] as? String == "assistant" }.map { $0["config_id"] as? String }
                    == [first, second])
        }
    }

    @Test func aConfigMayNameAGatewayRouteAndItsChainServes() async throws {
        let routing = RoutingTable(routes: [
            .init(
                name: "sturdy", targets: [Target(provider: "broken", model: "x"), Target(provider: "mock", model: "y")])
        ])
        try await BackendHarness.run(routing: routing) { app in
            let bot = try await app.admin(.post, "/admin/v1/bots", json: #"{"name":"Routed","status":"launched"}"#)
            let slug = try requireString(bot.json["slug"])
            let config = try await app.admin(
                .post, "/admin/v1/bots/\(slug)/llm-configs", json: #"{"route":"sturdy","is_active":true}"#)
            #expect(config.status == 201, "\(config.body)")
            #expect(config.json["route"] as? String == "sturdy")
            #expect(config.json["llm_provider"] is NSNull || config.json["llm_provider"] == nil)
            let reply = try await app.user("r", .post, "/v1/bots/\(slug)/chat", json: #"{"message":"hi"}"#)
            #expect(reply.status == 200, "\(reply.body)")
            let session = try #require(UUID(uuidString: try requireString(reply.json["session_id"])))
            let stored = try await app.store.chats.recentMessages(sessionID: session, limit: 1)
            #expect(stored.last?.provider == "mock", "the route's second target served after the first failed")
        }
    }

    @Test func aUserListsAndDeletesTheirSessions() async throws {
        try await BackendHarness.run { app in
            let (slug, _) = try await app.launchBot(name: "Lister")
            var sessions: [String] = []
            for text in ["first", "second", "third"] {
                let reply = try await app.user("l", .post, "/v1/bots/\(slug)/chat", json: #"{"message":"\#(text)"}"#)
                sessions.append(try requireString(reply.json["session_id"]))
                try await Task.sleep(for: .milliseconds(5))
            }
            let page = try await app.user("l", .get, "/v1/sessions?bot=\(slug)&limit=2")
            let listed = try #require(page.json["sessions"] as? [[String: Any]])
            #expect(listed.map { $0["id"] as? String } == [sessions[2], sessions[1]])
            #expect(listed.first?["last_message"] as? String == "Mock reply to: third")
            #expect(listed.first?["last_message_role"] as? String == "assistant")
            #expect(page.json["next_offset"] as? Int == 2)
            let rest = try await app.user("l", .get, "/v1/sessions?bot=\(slug)&limit=2&offset=2")
            #expect((rest.json["sessions"] as? [[String: Any]])?.count == 1)
            #expect(rest.json["next_offset"] is NSNull)
            #expect(try await app.user("other", .delete, "/v1/sessions/\(sessions[0])").status == 404)
            #expect(try await app.user("l", .delete, "/v1/sessions/\(sessions[0])").status == 204)
            #expect(try await app.user("l", .get, "/v1/sessions/\(sessions[0])/messages").status == 404)
            #expect(try await app.user("l", .get, "/v1/sessions/\(sessions[0])").status == 404)
            let continued = try await app.user(
                "l", .post, "/v1/bots/\(slug)/chat", json: #"{"session_id":"\#(sessions[0])","message":"back?"}"#)
            #expect(continued.status == 404)
            let after = try await app.user("l", .get, "/v1/sessions?bot=\(slug)")
            #expect((after.json["sessions"] as? [[String: Any]])?.count == 2)
            #expect(try await app.user("l", .get, "/v1/sessions").status == 400)
            #expect(try await app.user("l", .get, "/v1/sessions?bot=\(slug)&limit=0").status == 400)
            #expect(try await app.user("l", .get, "/v1/sessions?bot=nobody").status == 404)
        }
    }

    @Test func languageInstructionsAreDataByAppAndLanguage() async throws {
        try await BackendHarness.run { app in
            let defaults = try await app.admin(.get, "/admin/v1/language-instructions")
            #expect(
                Set(defaults.array.compactMap { $0["language"] as? String }).isSuperset(of: [
                    "hi", "hinglish", "en", "*",
                ]))
            let set = try await app.admin(
                .put, "/admin/v1/language-instructions/kundli-app/en", json: #"{"text":"Use British English."}"#)
            #expect(set.status == 200)
            #expect(
                try await app.admin(.put, "/admin/v1/language-instructions/bad%20app/en", json: #"{"text":"x"}"#)
                    .status == 400)
            #expect(
                try await app.admin(.put, "/admin/v1/language-instructions/a/en", json: #"{"text":"  "}"#).status
                    == 400)
            let preview = try await app.admin(.get, "/admin/v1/language-instructions")
            #expect(
                preview.array.contains {
                    $0["app"] as? String == "kundli-app" && $0["text"] as? String == "Use British English."
                })
            #expect(try await app.admin(.delete, "/admin/v1/language-instructions/kundli-app/en").status == 204)
            #expect(try await app.admin(.delete, "/admin/v1/language-instructions/kundli-app/en").status == 404)
        }
    }

    @Test func thePreviewShowsExactlyWhatTheModelReceivesAndTakesAnyScalar() async throws {
        try await BackendHarness.run { app in
            let yaml = BackendHarness.quote(
                "Profile:\n  Name: \"{{user_name}}\"\n  Age: \"{{user_age}}\"\nSteps:\n  - one\n  - two")
            let preview = try await app.admin(
                .post, "/admin/v1/prompts/render",
                json: #"{"yaml":\#(yaml),"values":{"user_name":"Asha","user_age":31}}"#)
            #expect(preview.status == 200, "\(preview.body)")
            #expect(
                preview.json["rendered"] as? String == "Profile:\n  Name: Asha\n  Age: \"31\"\nSteps:\n- one\n- two")
            #expect(preview.json["output"] as? String == "yaml")
            let json = try await app.admin(
                .post, "/admin/v1/prompts/render",
                json: #"{"yaml":\#(yaml),"output":"json","values":{"user_name":"Asha","user_age":31.0}}"#)
            let object = try JSONSerialization.jsonObject(with: Data(try requireString(json.json["rendered"]).utf8))
            #expect(((object as? [String: Any])?["Profile"] as? [String: Any])?["Age"] as? String == "31")
            #expect(
                try await app.admin(
                    .post, "/admin/v1/prompts/render", json: #"{"yaml":\#(yaml),"values":{"user_name":["a"]}}"#
                ).status == 400)
            #expect(
                try await app.admin(.post, "/admin/v1/prompts", json: #"{"name":"t","template":"x","output":"json"}"#)
                    .status == 400)
            let created = try await app.admin(
                .post, "/admin/v1/prompts", json: #"{"name":"structured","yaml":\#(yaml),"output":"json"}"#)
            #expect(created.json["output"] as? String == "json")
        }
    }
}
