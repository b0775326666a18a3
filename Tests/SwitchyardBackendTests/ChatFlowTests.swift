import Foundation
import HTTPTypes
import SwitchyardBackend
import SwitchyardCore
import SwitchyardProviders
import SwitchyardServer
import SwitchyardTesting
import Testing

@testable import SwitchyardStore

/// The chat flow, the admin API and the user API end to end through HTTP.
@Suite struct ChatFlowTests {
    @Test func aConversationWithMiraIsStoredAndContinues() async throws {
        try await BackendHarness.run { app in
            let bots = try await app.user("asha", .get, "/v1/bots")
            #expect(bots.array.contains { $0["slug"] as? String == DemoSeed.botSlug })
            let profile = try await app.user(
                "asha", .patch, "/v1/me",
                json:
                    #"{"name":"Asha","time_zone":"Asia/Kolkata","birth_date":"1994-03-02","birth_place":"Pune","language":"hinglish"}"#
            )
            #expect(profile.status == 200)
            // Mira reads charts: without a birth time she asks for it, before any provider call.
            let incomplete = try await app.user("asha", .post, "/v1/bots/mira/chat", json: #"{"message":"Hello"}"#)
            #expect(incomplete.status == 422)
            #expect(incomplete.error["code"] as? String == "profile_incomplete")
            #expect(incomplete.error["missing_fields"] as? [String] == ["birth_time"])
            #expect(try await app.user("asha", .patch, "/v1/me", json: #"{"birth_time":"06:15"}"#).status == 200)
            let first = try await app.user("asha", .post, "/v1/bots/mira/chat", json: #"{"message":"Hello Mira"}"#)
            #expect(first.status == 200, "\(first.body)")
            #expect(first.json["message"] as? String == "Mock reply to: Hello Mira")
            let session = try requireString(first.json["session_id"])
            #expect(((first.json["usage"] as? [String: Any])?["completion_tokens"] as? Int ?? 0) > 0)
            let second = try await app.user(
                "asha", .post, "/v1/bots/mira/chat", json: #"{"session_id":"\#(session)","message":"And my week?"}"#)
            #expect(second.json["session_id"] as? String == session)
            let messages = try await app.user("asha", .get, "/v1/sessions/\(session)/messages")
            #expect(messages.array.map { $0["role"] as? String } == ["user", "assistant", "user", "assistant"])
            #expect(messages.array.last?["provider"] as? String == "mock")
        }
    }

    @Test func totalFailureIsA503WithRetryAfterAndStoresNothing() async throws {
        try await BackendHarness.run { app in
            let (slug, _) = try await app.launchBot(name: "Fragile", provider: "broken")
            let reply = try await app.user("ravi", .post, "/v1/bots/\(slug)/chat", json: #"{"message":"hi"}"#)
            #expect(reply.status == 503)
            #expect(reply.headers[.retryAfter] == "5")
            #expect(reply.error["code"] as? String == "overloaded")
            #expect(
                reply.error["message"] as? String == "Fragile can't answer right now. Please try again in 5 seconds.")
            #expect(!reply.body.contains("mock failure"))
            let user = try await app.store.catalog.findOrCreateUser(externalID: "ravi")
            #expect(try await app.store.sessionCount(userID: user.id) == 0, "no half-written session")
        }
    }

    /// Retrying cannot help a message the model cannot take: the user hears what to do, and nothing is stored.
    @Test func aConversationTooLongForTheModelIsA422ThatSaysWhatToDo() async throws {
        let upstream = FakeOpenAIUpstream(flavor: .openai)
        try await upstream.run { url in
            let openai = ProviderSettings(
                id: "openai", kind: .openAIFamily(.openai), apiKey: Secret("sk-test-key"), baseURL: url)
            try await BackendHarness.run(providers: [openai]) { app in
                let (slug, _) = try await app.launchBot(name: "Sage", provider: "openai", model: "gpt-4o-mini")
                await upstream.state.enqueue(
                    .raw(
                        status: 400,
                        body: OpenAIBytes.openAIError(
                            message: "This model's maximum context length is 128000 tokens. However, your messages "
                                + "resulted in 130000 tokens.", type: "invalid_request_error",
                            code: "context_length_exceeded")))
                let reply = try await app.user("lena", .post, "/v1/bots/\(slug)/chat", json: #"{"message":"hi"}"#)
                #expect(reply.status == 422)
                #expect(reply.error["code"] as? String == "context_too_long")
                #expect(reply.error["param"] as? String == "message")
                let message = try requireString(reply.error["message"])
                #expect(message.contains("shorter message") && message.contains("new session"))
                #expect(!reply.body.contains("128000"), "the provider's words stay out")
                #expect(reply.headers[.retryAfter] == nil)
                let user = try await app.store.catalog.findOrCreateUser(externalID: "lena")
                #expect(try await app.store.sessionCount(userID: user.id) == 0)
                #expect(await upstream.state.requestCount == 1, "a context error is not retried")
            }
        }
    }

    @Test func aConfigTheGatewayWouldRefuseIsRefusedWhenSaved() async throws {
        try await BackendHarness.run { app in
            let (slug, _) = try await app.launchBot(name: "Strict")
            let cases: [(String, String)] = [
                (#"{"llm_provider":"nope","model_name":"m"}"#, "llm_provider"),
                (#"{"llm_provider":"mock","model_name":" "}"#, "model_name"),
                (
                    #"{"llm_provider":"mock","model_name":"m","metadata":{"fallbacks":[{"provider":"mock","model":"x","retry":9}]}}"#,
                    "metadata.fallbacks[0].retry"
                ),
                (
                    #"{"llm_provider":"mock","model_name":"m","metadata":{"fallbacks":[{"provider":"zzz","model":"x"}]}}"#,
                    "metadata.fallbacks[0].provider"
                ),
                (#"{"llm_provider":"mock","model_name":"m","max_output_tokens":0}"#, "max_output_tokens"),
            ]
            for (body, param) in cases {
                let reply = try await app.admin(.post, "/admin/v1/bots/\(slug)/llm-configs", json: body)
                #expect(reply.status == 400, "\(body)")
                #expect(reply.error["param"] as? String == param)
                #expect((reply.error["message"] as? String)?.contains("`\(param)`") == true, "\(reply.body)")
            }
            let configs = try await app.admin(.get, "/admin/v1/bots/\(slug)/llm-configs")
            #expect(configs.array.count == 1, "nothing refused was stored")
        }
    }

    @Test func anIdempotentRetryIsAnsweredFromTheStoreWithoutASecondTurn() async throws {
        try await BackendHarness.run { app in
            let (slug, _) = try await app.launchBot(name: "Echo")
            let first = try await app.user("kim", .post, "/v1/bots/\(slug)/chat", json: #"{"message":"one"}"#)
            let session = try requireString(first.json["session_id"])
            let body = #"{"session_id":"\#(session)","message":"two","idempotency_key":"k-2"}"#
            let a = try await app.user("kim", .post, "/v1/bots/\(slug)/chat", json: body)
            let b = try await app.user("kim", .post, "/v1/bots/\(slug)/chat", json: body)
            #expect(a.json["message"] as? String == b.json["message"] as? String)
            let messages = try await app.user("kim", .get, "/v1/sessions/\(session)/messages")
            #expect(messages.array.count == 4)
        }
    }

    @Test func concurrentRetriesWithOneIdempotencyKeyStoreOneTurn() async throws {
        try await BackendHarness.run { app in
            let (slug, _) = try await app.launchBot(name: "Echo")
            let first = try await app.user("lee", .post, "/v1/bots/\(slug)/chat", json: #"{"message":"one"}"#)
            let session = try requireString(first.json["session_id"])
            let body = #"{"session_id":"\#(session)","message":"two","idempotency_key":"same"}"#
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<8 {
                    group.addTask { try await app.user("lee", .post, "/v1/bots/\(slug)/chat", json: body).status }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses == Array(repeating: 200, count: 8))
            let messages = try await app.user("lee", .get, "/v1/sessions/\(session)/messages")
            #expect(messages.array.count == 4)
        }
    }

    @Test func aRetriedFirstMessageFindsTheSessionItOpened() async throws {
        try await BackendHarness.run { app in
            let (slug, _) = try await app.launchBot(name: "Echo")
            let body = #"{"message":"hello","idempotency_key":"open-1"}"#
            let first = try await app.user("ria", .post, "/v1/bots/\(slug)/chat", json: body)
            let again = try await app.user("ria", .post, "/v1/bots/\(slug)/chat", json: body)
            let session = try requireString(first.json["session_id"])
            #expect(try requireString(again.json["session_id"]) == session)
            let concurrent = #"{"message":"hello","idempotency_key":"open-2"}"#
            let sessions = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        try requireString(
                            try await app.user("ria", .post, "/v1/bots/\(slug)/chat", json: concurrent).json[
                                "session_id"])
                    }
                }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(sessions.count == 1)
            for id in [session] + Array(sessions) {
                #expect(try await app.user("ria", .get, "/v1/sessions/\(id)/messages").array.count == 2)
            }
            // The same key opens a new session for another user.
            let other = try await app.user("sam", .post, "/v1/bots/\(slug)/chat", json: body)
            #expect(try requireString(other.json["session_id"]) != session)
        }
    }

    @Test func nobodyReadsAnotherUsersSession() async throws {
        try await BackendHarness.run { app in
            let (slug, _) = try await app.launchBot(name: "Echo")
            let mine = try await app.user("owner", .post, "/v1/bots/\(slug)/chat", json: #"{"message":"secret"}"#)
            let session = try requireString(mine.json["session_id"])
            #expect(try await app.user("intruder", .get, "/v1/sessions/\(session)/messages").status == 404)
            #expect(
                try await app.user(
                    "intruder", .post, "/v1/bots/\(slug)/chat", json: #"{"session_id":"\#(session)","message":"x"}"#
                )
                .status == 404)
            #expect(try await app.send(.get, "/v1/sessions/\(session)/messages", bearer: nil).status == 401)
            #expect(try await app.send(.get, "/v1/bots", bearer: "not-a-token").status == 401)
        }
    }

    @Test func adminRoutesNeedTheAdminKey() async throws {
        try await BackendHarness.run { app in
            let userToken = try await BackendHarness.userToken("u")
            var statuses: [Int] = []
            for bearer in [nil, "wrong", userToken, BackendHarness.adminKey] {
                statuses.append(try await app.send(.get, "/admin/v1/bots", bearer: bearer).status)
            }
            #expect(statuses == [401, 401, 401, 200])
        }
    }

    @Test func slugsAreUniqueAndDeletedBotsDisappear() async throws {
        try await BackendHarness.run { app in
            let a = try await app.admin(.post, "/admin/v1/bots", json: #"{"name":"Mira"}"#)
            #expect(a.status == 201)
            #expect(a.json["slug"] as? String == "mira-2")
            #expect(try await app.admin(.delete, "/admin/v1/bots/mira-2").status == 204)
            #expect(try await app.admin(.get, "/admin/v1/bots/mira-2").status == 404)
            let b = try await app.admin(.post, "/admin/v1/bots", json: #"{"name":"Mira"}"#)
            #expect(b.json["slug"] as? String == "mira-3")
            #expect(try await app.admin(.post, "/admin/v1/bots", json: #"{"description":"no name"}"#).status == 400)
            #expect(
                try await app.admin(.post, "/admin/v1/bots", json: #"{"name":"X","time_zone":"Mars/Base"}"#).status
                    == 400)
        }
    }

    @Test func switchingTheActiveConfigChangesNewSessionsAtOnce() async throws {
        try await BackendHarness.run { app in
            let (slug, firstConfig) = try await app.launchBot(name: "Switcher", prompt: "First {{bot_name}}")
            let second = try await app.admin(
                .post, "/admin/v1/bots/\(slug)/llm-configs", json: #"{"llm_provider":"mock","model_name":"x"}"#)
            let secondID = try requireString(second.json["id"])
            /// The config that served a new session of `user`, read from the stored reply.
            @Sendable func servingConfig(_ user: String) async throws -> String? {
                let reply = try await app.user(user, .post, "/v1/bots/\(slug)/chat", json: #"{"message":"a"}"#)
                #expect(reply.status == 200)
                let session = try #require(UUID(uuidString: try requireString(reply.json["session_id"])))
                return try await app.store.chats.recentMessages(sessionID: session, limit: 1).last?.configID?.uuidString
                    .lowercased()
            }
            #expect(try await servingConfig("u1") == firstConfig)
            #expect(try await app.admin(.post, "/admin/v1/llm-configs/\(secondID)/activate").status == 200)
            #expect(try await servingConfig("u2") == secondID)
            #expect(try await app.admin(.post, "/admin/v1/llm-configs/\(firstConfig)/activate").status == 200)
            #expect(try await servingConfig("u3") == firstConfig)
            let configs = try await app.admin(.get, "/admin/v1/bots/\(slug)/llm-configs")
            #expect(configs.array.filter { $0["is_active"] as? Bool == true }.count == 1)
        }
    }

    @Test func weightedVariantsSplitSessionsAndEachReplyRecordsItsVariant() async throws {
        try await BackendHarness.run { app in
            let bot = try await app.admin(.post, "/admin/v1/bots", json: #"{"name":"Split","status":"launched"}"#)
            let slug = try requireString(bot.json["slug"])
            var ids: [String] = []
            for model in ["a", "b"] {
                let config = try await app.admin(
                    .post, "/admin/v1/bots/\(slug)/llm-configs",
                    json: #"{"llm_provider":"mock","model_name":"\#(model)","metadata":{"weight":1}}"#)
                ids.append(try requireString(config.json["id"]))
            }
            var seen = Set<String>()
            for index in 0..<16 {
                let reply = try await app.user("v\(index)", .post, "/v1/bots/\(slug)/chat", json: #"{"message":"hi"}"#)
                let session = try requireString(reply.json["session_id"])
                let again = try await app.user(
                    "v\(index)", .post, "/v1/bots/\(slug)/chat",
                    json: #"{"session_id":"\#(session)","message":"again"}"#)
                #expect(again.status == 200)
                let stored = try await app.store.chats.recentMessages(sessionID: UUID(uuidString: session)!, limit: 10)
                let variants = Set(stored.compactMap(\.configID).map(\.uuidString))
                #expect(variants.count == 1, "a session keeps its variant")
                seen.formUnion(variants)
            }
            #expect(seen == Set(ids.map { $0.uppercased() }))
        }
    }

    @Test func promptsAreValidatedWhenSavedAndPreviewed() async throws {
        try await BackendHarness.run { app in
            let bad = try await app.admin(
                .post, "/admin/v1/prompts", json: #"{"name":"bad","template":"Hi {{nobody}}"}"#)
            #expect(bad.status == 400)
            #expect((bad.error["message"] as? String)?.contains("nobody") == true)
            #expect(
                try await app.admin(.post, "/admin/v1/prompts", json: #"{"name":"bad","yaml":"- a"}"#).status == 400)
            let good = try await app.admin(
                .post, "/admin/v1/prompts", json: #"{"name":"greeter","template":"Hi {{user_name}}"}"#)
            #expect(good.status == 201)
            #expect(
                try await app.admin(.post, "/admin/v1/prompts", json: #"{"name":"greeter","template":"x"}"#).status
                    == 409)
            let v2 = try await app.admin(
                .post, "/admin/v1/prompts/greeter/versions", json: #"{"template":"Hello {{user_name}}"}"#)
            #expect(v2.json["version"] as? Int == 2)
            #expect(
                try await app.admin(
                    .post, "/admin/v1/prompts/greeter/labels", json: #"{"label":"production","version":2}"#
                )
                .status == 200)
            let preview = try await app.admin(
                .post, "/admin/v1/prompts/render",
                json: #"{"template":"Hi {{user_name}} ({{user_age}})","values":{"user_name":"Asha"}}"#)
            #expect(preview.json["rendered"] as? String == "Hi Asha ()")
            let variables = try await app.admin(.get, "/admin/v1/variables")
            #expect(variables.array.count == PromptVariable.allCases.count)
            #expect(
                variables.array.first { $0["name"] as? String == "current_time" }?["category"] as? String == "system")
        }
    }
}

/// The gateway's rate limit on an end user reaches the user as a 429 they can act on: the wait, in words and in
/// `Retry-After`; nothing is stored.
@Suite struct ChatRateLimitTests {
    @Test func aLimitedUserIsToldHowLongToWait() async throws {
        try await BackendHarness.run(rateLimits: RateLimitRules(user: RateLimit(requestsPerMinute: 2, burst: 1))) {
            app in
            let (slug, _) = try await app.launchBot(name: "Patient")
            let first = try await app.user("eager", .post, "/v1/bots/\(slug)/chat", json: #"{"message":"one"}"#)
            #expect(first.status == 200)
            let second = try await app.user("eager", .post, "/v1/bots/\(slug)/chat", json: #"{"message":"two"}"#)
            #expect(second.status == 429)
            #expect(second.headers[.retryAfter] == "30")
            #expect(second.error["code"] as? String == "too_many_requests")
            #expect(
                second.error["message"] as? String
                    == "You're sending messages faster than Patient can answer. Please wait 30 seconds and send it again."
            )
            let other = try await app.user("calm", .post, "/v1/bots/\(slug)/chat", json: #"{"message":"one"}"#)
            #expect(other.status == 200, "another user is not held back")
        }
    }
}
