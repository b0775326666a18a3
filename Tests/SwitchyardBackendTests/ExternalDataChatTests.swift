import Foundation
import HTTPTypes
import SwitchyardCore
import SwitchyardProviders
import SwitchyardServer
import SwitchyardTesting
import Testing

/// External data in real turns through the HTTP API: the Mira prompt a fake OpenAI provider receives, required and
/// optional sources that fail, profiles, memories, and invalidation when birth details change.
@Suite struct ExternalDataChatTests {
    static let miraMetadata =
        #""required_fields":["birth_date","birth_time","birth_place"],"app":"demo""#

    /// Runs the app with the astrology and weather sources pointed at the fake, and Mira on the fake OpenAI provider.
    static func run(
        _ body: @Sendable (BackendHarness, FakeOpenAIUpstream, FakeExternalDataUpstream) async throws -> Void
    ) async throws {
        let provider = FakeOpenAIUpstream(flavor: .openai)
        let external = FakeExternalDataUpstream()
        try await provider.run { providerURL in
            try await external.run { dataURL in
                var settings = ExternalDataSettings()
                settings.geocodingBaseURL = dataURL
                settings.sources = [
                    .init(
                        name: "astrology", baseURL: dataURL, settings: .astrology,
                        credentials: (external.userID, Secret(external.apiKey))),
                    .init(name: "weather", baseURL: dataURL, settings: .weather),
                ]
                let openai = ProviderSettings(
                    id: "openai", kind: .openAIFamily(.openai), apiKey: Secret("sk-test-key"), baseURL: providerURL)
                try await BackendHarness.run(providers: [openai], externalData: settings) { app in
                    let config = try await app.admin(
                        .post, "/admin/v1/bots/mira/llm-configs",
                        json:
                            #"{"llm_provider":"openai","model_name":"gpt-4o-mini","prompt_template":"mira-vedic-astrologer","prompt_label":"production","is_active":true}"#
                    )
                    #expect(config.status == 201, "\(config.body)")
                    try await body(app, provider, external)
                }
            }
        }
    }

    /// The system prompt of the provider's last request.
    static func lastPrompt(_ provider: FakeOpenAIUpstream) async throws -> String {
        let request = try #require(await provider.state.requests.last)
        let messages = request.json?["messages"] as? [[String: Any]] ?? []
        return messages.first?["content"] as? String ?? ""
    }

    static func setSources(_ app: BackendHarness, _ sources: String, extra: String = "") async throws {
        let patched = try await app.admin(
            .patch, "/admin/v1/bots/mira",
            json: #"{"metadata":{\#(miraMetadata),"data_sources":\#(sources)\#(extra)}}"#)
        #expect(patched.status == 200, "\(patched.body)")
    }

    @Test func miraSeesHerChartTheSecondChartAndTheMemories() async throws {
        try await Self.run { app, provider, external in
            try await Self.setSources(app, #"["astrology"]"#)
            let me = try await app.user(
                "asha", .patch, "/v1/me",
                json: #"{"name":"Asha","birth_date":"1994-03-02","birth_time":"06:15","birth_place":"Pune, India"}"#)
            #expect(me.status == 200)
            let memory = try await app.user(
                "asha", .post, "/v1/bots/mira/memories", json: #"{"text":"Starts a new job in Bengaluru in January."}"#)
            #expect(memory.status == 201)
            let partner = try await app.user(
                "asha", .post, "/v1/profiles",
                json:
                    #"{"name":"Ravi","relation":"partner","birth_date":"1992-11-20","birth_time":"21:40","birth_place":"Mumbai"}"#
            )
            #expect(partner.status == 201)
            let partnerID = try requireString(partner.json["id"])

            let turn = try await app.user(
                "asha", .post, "/v1/bots/mira/chat",
                json: #"{"message":"Will we marry this year?","second_profile_id":"\#(partnerID)"}"#)
            #expect(turn.status == 200, "\(turn.body)")
            let prompt = try await Self.lastPrompt(provider)
            #expect(prompt.contains("First Profile Kundli:"))
            #expect(prompt.contains("Ascendant: Aquarius 6.96°"))
            #expect(prompt.contains("Mahadasha: Jupiter, 2016-07-03 to 2032-07-03"))
            #expect(prompt.contains("Antardasha: Mercury, 2025-04-09 to 2027-07-14"))
            #expect(prompt.contains("Past User Memories:"))
            #expect(prompt.contains("Starts a new job in Bengaluru in January."))
            #expect(prompt.contains("Second Profile Kundli:"))
            #expect(prompt.contains("Birth Details: born 1994-03-02 at 06:15 in Pune, India"))
            // Two charts, two endpoints each; the partner's with Mumbai's coordinates.
            #expect(await external.state.count("planets") == 2)
            let latitudes = await external.state.calls.filter { $0.endpoint == "planets" }.compactMap {
                $0.json["lat"] as? Double
            }
            #expect(Set(latitudes) == [18.5196, 19.0728])

            let metrics = try await app.send(.get, "/metrics", bearer: nil)
            #expect(metrics.body.contains(#"switchyard_external_data_api_calls_total{source="astrology"} 2"#))
            #expect(metrics.body.contains(#"switchyard_external_data_api_calls_total{source="places"} 2"#))
            // A second turn hits the caches: no more calls.
            let again = try await app.user("asha", .post, "/v1/bots/mira/chat", json: #"{"message":"And career?"}"#)
            #expect(again.status == 200)
            #expect(await external.state.count("planets") == 2)
            #expect(try await !Self.lastPrompt(provider).contains("Second Profile Kundli:"))

            // New birth details: the old chart is dropped and the new place's offset is used (Kathmandu, +5:45).
            _ = try await app.user("asha", .patch, "/v1/me", json: #"{"birth_place":"Kathmandu"}"#)
            let moved = try await app.user("asha", .post, "/v1/bots/mira/chat", json: #"{"message":"Now?"}"#)
            #expect(moved.status == 200)
            #expect(await external.state.count("planets") == 3)
            let last = await external.state.calls.last { $0.endpoint == "planets" }
            #expect(last?.json["tzone"] as? Double == 5.75)

            // Someone else's profile is not usable.
            let stranger = try await app.user(
                "bob", .post, "/v1/bots/mira/chat",
                json: #"{"message":"hi","second_profile_id":"\#(partnerID)"}"#)
            #expect(stranger.status == 400 || stranger.status == 422)
        }
    }

    @Test func aRequiredSourceThatFailsRefusesTheTurnAndChargesNothing() async throws {
        try await Self.run { app, provider, external in
            try await Self.setSources(
                app, #"["astrology"]"#, extra: #","pricing":{"currency":"INR","per_message":150}"#)
            _ = try await app.user(
                "kiran", .patch, "/v1/me",
                json: #"{"birth_date":"1988-08-08","birth_time":"08:08","birth_place":"Mumbai"}"#)
            let topup = try await app.admin(
                .post, "/admin/v1/users/kiran/wallet/topups",
                json: #"{"amount":1000,"currency":"INR","idempotency_key":"t-1"}"#)
            #expect(topup.status == 201)
            await external.state.set("astrology", .status(503, #"{"status":false,"msg":"Service Unavailable"}"#))
            let before = await provider.state.requestCount
            let refused = try await app.user("kiran", .post, "/v1/bots/mira/chat", json: #"{"message":"hi"}"#)
            #expect(refused.status == 503)
            #expect(refused.error["code"] as? String == "external_data_unavailable")
            #expect((refused.error["message"] as? String ?? "").contains("birth chart"))
            #expect(!refused.body.contains("Service Unavailable"), "the API's own words stay in the logs")
            #expect(refused.headers[.retryAfter] != nil)
            #expect(await provider.state.requestCount == before, "no model was called")
            let wallet = try await app.user("kiran", .get, "/v1/wallet")
            let kinds = (wallet.json["entries"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
            #expect(kinds == ["topup"], "no hold, no charge")
            #expect((wallet.json["wallets"] as? [[String: Any]])?.first?["balance"] as? Int == 1000)
            #expect(try await app.user("kiran", .get, "/v1/sessions?bot=mira").array.isEmpty)

            // Optional: the turn goes on without the section.
            try await Self.setSources(app, #"[{"source":"astrology","optional":true}]"#)
            let answered = try await app.user("kiran", .post, "/v1/bots/mira/chat", json: #"{"message":"hi"}"#)
            #expect(answered.status == 200, "\(answered.body)")
            #expect(try await !Self.lastPrompt(provider).contains("First Profile Kundli"))
        }
    }

    @Test func weatherFillsItsVariableFromTheUsersLocation() async throws {
        try await Self.run { app, provider, external in
            let (slug, _) = try await app.launchBot(
                name: "Skye", provider: "openai", model: "gpt-4o-mini", prompt: "Plan trips. Weather:\n{{weather}}")
            let patched = try await app.admin(
                .patch, "/admin/v1/bots/\(slug)", json: #"{"metadata":{"data_sources":["weather"]}}"#)
            #expect(patched.status == 200)
            let missing = try await app.user("lee", .post, "/v1/bots/\(slug)/chat", json: #"{"message":"hi"}"#)
            #expect(missing.status == 422 || missing.status == 400, "\(missing.body)")
            #expect((missing.error["message"] as? String ?? "").contains("location"))
            _ = try await app.user("lee", .patch, "/v1/me", json: #"{"location":"Mumbai"}"#)
            let turn = try await app.user("lee", .post, "/v1/bots/\(slug)/chat", json: #"{"message":"hi"}"#)
            #expect(turn.status == 200, "\(turn.body)")
            let prompt = try await Self.lastPrompt(provider)
            #expect(prompt.contains("Partly cloudy, 25 °C now in Mumbai"))
            #expect(prompt.contains("- **2026-12-02:** rain, 16 °C to 27 °C, 70 % chance of precipitation"))
            let query = await external.state.calls.first { $0.endpoint == "forecast" }?.query ?? ""
            #expect(query.contains("latitude=19.0728") && query.contains("timezone=auto"))
            let unknown = try await app.admin(
                .patch, "/admin/v1/bots/\(slug)", json: #"{"metadata":{"data_sources":["tarot"]}}"#)
            #expect(unknown.status == 400 && unknown.error["param"] as? String == "metadata.data_sources")
        }
    }

    @Test func profilesAndMemoriesAreValidatedCappedAndOwned() async throws {
        try await BackendHarness.run { app in
            let bad = try await app.user(
                "zoe", .post, "/v1/profiles", json: #"{"name":"Ma","birth_date":"1960-13-01","birth_time":"07:00"}"#)
            #expect(bad.status == 400 && bad.error["param"] as? String == "birth_date")
            let half = try await app.user(
                "zoe", .post, "/v1/profiles",
                json: #"{"name":"Ma","birth_date":"1960-12-01","birth_time":"07:00","latitude":10}"#)
            #expect(half.status == 400)
            let placeless = try await app.user(
                "zoe", .post, "/v1/profiles", json: #"{"name":"Ma","birth_date":"1960-12-01","birth_time":"07:00"}"#)
            #expect(placeless.status == 400 && placeless.error["param"] as? String == "birth_place")
            let made = try await app.user(
                "zoe", .post, "/v1/profiles",
                json:
                    #"{"name":"Ma","birth_date":"1960-12-01","birth_time":"07:00","latitude":28.61,"longitude":77.21,"time_zone":"Asia/Kolkata"}"#
            )
            #expect(made.status == 201)
            let id = try requireString(made.json["id"])
            #expect(try await app.user("zoe", .get, "/v1/profiles").array.count == 1)
            #expect(try await app.user("yan", .get, "/v1/profiles/\(id)").status == 404)
            #expect(try await app.user("yan", .delete, "/v1/profiles/\(id)").status == 404)
            #expect(try await app.user("zoe", .delete, "/v1/profiles/\(id)").status == 204)
            #expect(try await app.user("zoe", .get, "/v1/profiles").array.isEmpty)

            let long = String(repeating: "a", count: ExternalDataLimits.memoryCharacters + 1)
            let tooLong = try await app.user("zoe", .post, "/v1/bots/mira/memories", json: #"{"text":"\#(long)"}"#)
            #expect(tooLong.status == 400 && tooLong.error["param"] as? String == "text")
            for index in 0..<ExternalDataLimits.memories {
                let added = try await app.user(
                    "zoe", .post, "/v1/bots/mira/memories", json: #"{"text":"memory \#(index)"}"#)
                #expect(added.status == 201)
            }
            let over = try await app.user("zoe", .post, "/v1/bots/mira/memories", json: #"{"text":"one more"}"#)
            #expect(over.status == 409 && over.error["code"] as? String == "too_many_memories")
            let listed = try await app.user("zoe", .get, "/v1/bots/mira/memories").array
            #expect(listed.count == ExternalDataLimits.memories)
            #expect(listed.first?["text"] as? String == "memory 0")
            let admin = try await app.admin(.get, "/admin/v1/bots/mira/memories?user=zoe")
            #expect(admin.array.count == ExternalDataLimits.memories)
            #expect(try await app.user("zoe", .get, "/admin/v1/bots/mira/memories?user=zoe").status == 401)
            let first = try requireString(listed.first?["id"])
            #expect(try await app.user("yan", .delete, "/v1/bots/mira/memories/\(first)").status == 404)
            #expect(try await app.user("zoe", .delete, "/v1/bots/mira/memories/\(first)").status == 204)
            #expect(try await app.user("zoe", .delete, "/v1/bots/mira/memories").status == 204)
            #expect(try await app.user("zoe", .get, "/v1/bots/mira/memories").array.isEmpty)
        }
    }
}
