import Foundation
import HTTPTypes
import SwitchyardCore
import SwitchyardStore
import Testing

/// Each stored reply keeps the gateway attempts that produced it, and operators read them per session.
@Suite struct CallRecordTests {
    /// A route whose first target always fails, so that every turn takes a fallback.
    static let routing = RoutingTable(routes: [
        .init(name: "sturdy", targets: [Target(provider: "broken", model: "x"), Target(provider: "mock", model: "y")])
    ])

    /// mock/y at $1 per million prompt tokens and $2 per million completion tokens.
    static var prices: PriceTable {
        var prices = PriceTable()
        prices.set(
            ModelPrice(inputMicrosPerMillion: 1_000_000, outputMicrosPerMillion: 2_000_000), provider: "mock",
            model: "y")
        return prices
    }

    /// A launched bot whose active config names the route `sturdy`. - Returns: Its slug.
    static func routedBot(_ app: BackendHarness, name: String) async throws -> String {
        let bot = try await app.admin(.post, "/admin/v1/bots", json: #"{"name":"\#(name)","status":"launched"}"#)
        let slug = try requireString(bot.json["slug"])
        let config = try await app.admin(
            .post, "/admin/v1/bots/\(slug)/llm-configs", json: #"{"route":"sturdy","is_active":true}"#)
        #expect(config.status == 201, "\(config.body)")
        return slug
    }

    @Test func aTurnsAttemptsAreStoredWithItsReplyAndShownPerSession() async throws {
        try await BackendHarness.run(routing: Self.routing, prices: Self.prices) { app in
            let slug = try await Self.routedBot(app, name: "Recorded")
            let first = try await app.user("rec", .post, "/v1/bots/\(slug)/chat", json: #"{"message":"one two"}"#)
            #expect(first.status == 200, "\(first.body)")
            let session = try requireString(first.json["session_id"])
            let streamed = try await app.user(
                "rec", .post, "/v1/bots/\(slug)/chat",
                json: #"{"session_id":"\#(session)","message":"three four five","stream":true}"#)
            #expect(streamed.status == 200)
            #expect(streamed.body.contains("event: done"), "\(streamed.body)")

            let view = try await app.admin(.get, "/admin/v1/sessions/\(session)")
            #expect(view.status == 200, "\(view.body)")
            let turns = try #require(view.json["turns"] as? [[String: Any]])
            #expect(turns.count == 2)
            for (index, turn) in turns.enumerated() {
                let message = try #require(turn["message"] as? [String: Any])
                #expect(message["content"] as? String == ["one two", "three four five"][index])
                let attempts = try #require(turn["attempts"] as? [[String: Any]])
                #expect(attempts.map { $0["provider"] as? String } == ["broken", "mock"])
                #expect(attempts[0]["outcome"] as? String != "success")
                #expect((attempts[0]["cost"] as? NSNumber)?.intValue == 0, "a failure that reported no tokens")
                #expect(attempts[1]["outcome"] as? String == "success")
                let usage = try #require(attempts[1]["usage"] as? [String: Any])
                let prompt = try #require(usage["prompt_tokens"] as? Int)
                let completion = try #require(usage["completion_tokens"] as? Int)
                #expect(prompt > 0 && completion > 0)
                let cost = try #require(attempts[1]["cost"] as? NSNumber)
                #expect(
                    NanoDollars.nanos(cost.decimalValue) == Int64(prompt) * 1_000 + Int64(completion) * 2_000,
                    "tokens × the table's price")
                let reply = try #require(turn["reply"] as? [String: Any])
                #expect(reply["provider"] as? String == "mock")
            }
            #expect(
                (turns[1]["attempts"] as? [[String: Any]])?[1]["ttft_ms"] is Int, "the stream's time to first token")

            let missing = try await app.admin(.get, "/admin/v1/sessions/\(UUID().uuidString)")
            #expect(missing.status == 404)
        }
    }

    /// The records are written by the turn's own transaction: read back from the store, each reply has them.
    @Test func theStoreReadsRecordsBackByReply() async throws {
        try await BackendHarness.run(routing: Self.routing, prices: Self.prices) { app in
            let slug = try await Self.routedBot(app, name: "Stored")
            let reply = try await app.user("st", .post, "/v1/bots/\(slug)/chat", json: #"{"message":"hello"}"#)
            let session = try #require(UUID(uuidString: try requireString(reply.json["session_id"])))
            let messages = try await app.store.chats.recentMessages(sessionID: session, limit: 10)
            let replyID = try #require(messages.last?.id)
            let records = try await app.store.chats.attempts(messageIDs: [replyID, messages[0].id])
            #expect(records.keys.sorted { $0.uuidString < $1.uuidString } == [replyID])
            #expect(records[replyID]?.map(\.provider) == ["broken", "mock"])
            #expect(records[replyID]?.last?.outcome == .success)
        }
    }
}

/// The usage API over the stored records, through the router.
@Suite struct UsageAPITests {
    @Test func usageIsGroupedFromTheStoredRecords() async throws {
        try await BackendHarness.run(routing: CallRecordTests.routing, prices: CallRecordTests.prices) { app in
            let slug = try await CallRecordTests.routedBot(app, name: "Counted")
            for index in 0..<3 {
                let reply = try await app.user("u\(index)", .post, "/v1/bots/\(slug)/chat", json: #"{"message":"hi"}"#)
                #expect(reply.status == 200)
            }
            let byProvider = try await app.admin(.get, "/admin/v1/usage?group_by=provider")
            #expect(byProvider.status == 200, "\(byProvider.body)")
            let groups = try #require(byProvider.json["groups"] as? [[String: Any]])
            #expect(groups.map { $0["key"] as? String } == ["broken", "mock"])
            #expect(groups.map { $0["attempts"] as? Int } == [3, 3])
            #expect(groups.map { $0["success_rate"] as? Double } == [0, 1])
            #expect(groups[1]["fallback_rate"] as? Double == 1, "every turn was served by its second attempt")
            #expect((groups[1]["cost"] as? NSNumber)?.doubleValue ?? 0 > 0)

            // A bot whose only target fails: its turns get no reply, and their attempts count all the same.
            let (failing, _) = try await app.launchBot(name: "Failing", provider: "broken", model: "z")
            let failed = try await app.user("u9", .post, "/v1/bots/\(failing)/chat", json: #"{"message":"hi"}"#)
            #expect(failed.status == 503, "\(failed.body)")
            let withFailure = try await app.admin(.get, "/admin/v1/usage?group_by=model")
            let models = try #require(withFailure.json["groups"] as? [[String: Any]])
            let z = try #require(models.first { $0["key"] as? String == "broken/z" })
            #expect(z["attempts"] as? Int == 1)
            #expect(z["turns"] as? Int == 1)
            #expect(z["success_rate"] as? Double == 0)
            #expect((z["errors"] as? [String: Any])?["overloaded"] as? Int == 1)

            let byBot = try await app.admin(.get, "/admin/v1/usage?group_by=bot")
            #expect(
                (byBot.json["groups"] as? [[String: Any]])?.map { $0["key"] as? String }.sorted {
                    ($0 ?? "") < ($1 ?? "")
                }
                    == [failing, slug].sorted())
            let none = try await app.admin(.get, "/admin/v1/usage?from=2020-01-01&to=2020-01-02")
            #expect((none.json["groups"] as? [Any])?.isEmpty == true)

            for (query, param) in [
                ("group_by=user", "group_by"), ("from=yesterday", "from"), ("from=2026-01-02&to=2026-01-01", "from"),
                ("from=2020-01-01&to=2026-01-01", "from"),
            ] {
                let bad = try await app.admin(.get, "/admin/v1/usage?\(query)")
                #expect(bad.status == 400, "\(query)")
                #expect((bad.json["error"] as? [String: Any])?["param"] as? String == param, "\(query): \(bad.body)")
            }
        }
    }
}
