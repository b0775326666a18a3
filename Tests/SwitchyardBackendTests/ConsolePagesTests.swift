import Foundation
import HTTPTypes
import SwitchyardCore
import Testing

/// Every console page and form through the router: saves go through the admin API's validation with the error
/// beside its field, values are escaped, and the pages show what the API stores.
@Suite struct ConsolePagesTests {
    @Test func botsAreCreatedEditedArchivedAndEscaped() async throws {
        try await BackendHarness.run { app in
            let console = try await ConsoleClient.signIn(app)
            let hostile = "<script>alert(1)</script>"
            #expect(try await console.get("/console/bots/new").body.contains(#"name="pricing.currency""#))

            // Refused by the API's checks, shown beside the field, nothing written.
            let badZone = try await console.post("/console/bots", ["name": hostile, "time_zone": "Mars/Base"])
            #expect(badZone.status == 400)
            #expect(ConsoleClient.fieldError(badZone.body, "time_zone")?.contains("IANA") == true)
            let badJSON = try await console.post("/console/bots", ["name": hostile, "metadata": "{not json"])
            #expect(ConsoleClient.fieldError(badJSON.body, "metadata")?.contains("JSON object") == true)
            let badPrice = try await console.post(
                "/console/bots", ["name": hostile, "pricing.currency": "rupees", "pricing.per_message": "5"])
            #expect(ConsoleClient.fieldError(badPrice.body, "pricing.currency")?.contains("ISO 4217") == true)
            let badNumber = try await console.post(
                "/console/bots", ["name": hostile, "pricing.currency": "INR", "pricing.per_message": "1.5"])
            #expect(ConsoleClient.fieldError(badNumber.body, "pricing.per_message")?.contains("whole number") == true)
            #expect(try await app.admin(.get, "/admin/v1/bots").array.count == 1, "only the demo bot")

            let created = try await console.post(
                "/console/bots",
                [
                    "name": hostile, "status": "launched", "type": "astrologer", "time_zone": "Asia/Kolkata",
                    "pricing.currency": "INR", "pricing.per_message": "200", "pricing.free_messages": "2",
                    "metadata": #"{"response_length": "short"}"#,
                ])
            #expect(created.status == 303)
            let location = try #require(created.headers[.location])
            #expect(location.hasSuffix("?notice=created"))
            let slug = String(location.dropFirst("/console/bots/".count).prefix { $0 != "?" })
            let stored = try await app.admin(.get, "/admin/v1/bots/\(slug)").json
            #expect(stored["name"] as? String == hostile)
            let metadata = try #require(stored["metadata"] as? [String: Any])
            #expect(metadata["response_length"] as? String == "short")
            #expect((metadata["pricing"] as? [String: Any])?["per_message"] as? Int == 200)

            let list = try await console.get("/console/bots?q=SCRIPT")
            #expect(list.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(!list.body.contains(hostile), "the name is escaped everywhere it appears")
            #expect(!(try await console.get("/console/bots/\(slug)").body.contains(hostile)))
            #expect(!(try await console.get("/console/bots?q=nothing-like-this").body.contains("alert")))
            #expect(try await console.get("/console/bots?status=draft").body.contains("mira") == false)
            #expect(try await console.get("/console/bots?status=launched").body.contains(">mira<"))

            // Edit: emptying a field clears it; the pricing stays as edited.
            let edited = try await console.post(
                "/console/bots/\(slug)",
                [
                    "name": "Jyoti", "description": "", "status": "launched", "type": "astrologer",
                    "pricing.currency": "INR", "pricing.per_message": "300", "metadata": "{}",
                ])
            #expect(edited.status == 303)
            let after = try await app.admin(.get, "/admin/v1/bots/\(slug)").json
            #expect(after["name"] as? String == "Jyoti")
            #expect(
                ((after["metadata"] as? [String: Any])?["pricing"] as? [String: Any])?["per_message"] as? Int == 300)
            let editPage = try await console.get("/console/bots/\(slug)?notice=saved")
            #expect(editPage.body.contains("Saved."))
            #expect(editPage.body.contains(#"value="300""#))

            #expect(try await console.post("/console/bots/\(slug)/archive", [:]).status == 303)
            #expect(try await app.admin(.get, "/admin/v1/bots/\(slug)").json["status"] as? String == "archived")
            #expect(try await console.get("/console/bots/nope").status == 404)
        }
    }

    @Test func botListsArePaged() async throws {
        try await BackendHarness.run { app in
            for index in 0..<26 {
                _ = try await app.admin(
                    .post, "/admin/v1/bots", json: #"{"name":"Pager \#(index)","rank":\#(index + 1)}"#)
            }
            let console = try await ConsoleClient.signIn(app)
            let first = try await console.get("/console/bots?q=pager")
            #expect(first.body.components(separatedBy: "<tr><td><a href=").count - 1 == 25)
            #expect(first.body.contains(#"rel="next""#))
            let second = try await console.get("/console/bots?q=pager&page=2")
            #expect(second.body.components(separatedBy: "<tr><td><a href=").count - 1 == 1)
            #expect(second.body.contains(#"rel="prev""#) && !second.body.contains(#"rel="next""#))
        }
    }

    @Test func configsAreCreatedActivatedWeightedAndValidated() async throws {
        try await BackendHarness.run { app in
            let console = try await ConsoleClient.signIn(app)
            _ = try await console.post("/console/bots", ["name": "Configured", "status": "launched"])
            let newPage = try await console.get("/console/bots/configured/configs/new")
            #expect(
                newPage.body.contains(#"<option value="broken""#) && newPage.body.contains(#"<option value="mock""#))

            let unknown = try await console.post(
                "/console/bots/configured/configs", ["llm_provider": "nope", "model_name": "m", "prompt": "Hi"])
            #expect(unknown.status == 400)
            #expect(ConsoleClient.fieldError(unknown.body, "llm_provider") != nil)
            let hot = try await console.post(
                "/console/bots/configured/configs",
                ["llm_provider": "mock", "model_name": "m", "prompt": "Hi", "temperature": "7"])
            #expect(ConsoleClient.fieldError(hot.body, "temperature")?.contains("temperature") == true)
            let badPrompt = try await console.post(
                "/console/bots/configured/configs", ["llm_provider": "mock", "model_name": "m", "prompt": "{{nope}}"])
            #expect(ConsoleClient.fieldError(badPrompt.body, "prompt") != nil)
            let badFallback = try await console.post(
                "/console/bots/configured/configs",
                [
                    "llm_provider": "mock", "model_name": "m", "prompt": "Hi",
                    "metadata": #"{"fallbacks": [{"provider": "nowhere", "model": "x"}]}"#,
                ])
            #expect(ConsoleClient.fieldError(badFallback.body, "metadata")?.contains("nowhere") == true)
            #expect(try await app.admin(.get, "/admin/v1/bots/configured/llm-configs").array.isEmpty)

            for model in ["first", "second"] {
                let created = try await console.post(
                    "/console/bots/configured/configs",
                    ["llm_provider": "mock", "model_name": model, "prompt": "You are {{bot_name}}.", "top_k": "20"])
                #expect(created.status == 303)
            }
            let configs = try await app.admin(.get, "/admin/v1/bots/configured/llm-configs").array
            #expect(configs.count == 2)
            let second = try #require(configs.first { $0["model_name"] as? String == "second" }?["id"] as? String)
            let first = try #require(configs.first { $0["model_name"] as? String == "first" }?["id"] as? String)
            let page = try await console.get("/console/bots/configured")
            #expect(page.body.contains("mock/first") && page.body.contains("mock/second"))

            #expect(try await console.post("/console/configs/\(second)/activate", [:]).status == 303)
            let active = try await app.admin(.get, "/admin/v1/bots/configured/llm-configs").array.first
            #expect(active?["id"] as? String == second && active?["is_active"] as? Bool == true)
            #expect(
                try await console.get("/console/bots/configured").body.contains(
                    #"<tr id="c-\#(second)" class="active">"#))

            let weights = try await console.post(
                "/console/bots/configured/weights", ["weight.\(first)": "30", "weight.\(second)": "70"])
            #expect(weights.status == 303)
            let weighted = try await app.admin(.get, "/admin/v1/bots/configured/llm-configs").array
            #expect(
                weighted.compactMap { ($0["metadata"] as? [String: Any])?["weight"] as? Int }.sorted() == [30, 70])
            #expect(
                try await console.post("/console/bots/configured/weights", ["weight.\(first)": "lots"]).status == 400)

            let edit = try await console.get("/console/configs/\(first)")
            #expect(edit.body.contains(#"value="20""#) && edit.body.contains("Activate this config"))
            let saved = try await console.post(
                "/console/configs/\(first)",
                [
                    "llm_provider": "mock", "model_name": "first-b", "prompt": "Be {{bot_name}}.",
                    "metadata": #"{"weight": 30}"#,
                ])
            #expect(saved.status == 303)
            #expect(
                try await app.admin(.get, "/admin/v1/bots/configured/llm-configs").array.contains {
                    $0["model_name"] as? String == "first-b"
                })
            #expect(try await console.get("/console/configs/not-a-uuid").status == 404)
        }
    }

    @Test func promptsHaveVersionsLabelsADiffAndAPreview() async throws {
        try await BackendHarness.run { app in
            let console = try await ConsoleClient.signIn(app)
            let bad = try await console.post(
                "/console/prompts", ["name": "greeter", "format": "text", "template": "Hi {{no_such_var}}"])
            #expect(bad.status == 400)
            #expect(ConsoleClient.fieldError(bad.body, "template")?.contains("no_such_var") == true)
            let badName = try await console.post("/console/prompts", ["name": "Bad Name", "template": "x"])
            #expect(ConsoleClient.fieldError(badName.body, "name") != nil)

            let created = try await console.post(
                "/console/prompts",
                ["name": "greeter", "format": "text", "template": "You are {{bot_name}}.\nBe kind to {{user_name}}."])
            #expect(created.headers[.location] == "/console/prompts/greeter?notice=created")
            let duplicate = try await console.post("/console/prompts", ["name": "greeter", "template": "x"])
            #expect(duplicate.status == 409 && ConsoleClient.fieldError(duplicate.body, "name") != nil)
            let version = try await console.post(
                "/console/prompts/greeter/versions",
                ["format": "text", "template": "You are {{bot_name}}.\nBe brief with {{user_name}}."])
            #expect(version.headers[.location] == "/console/prompts/greeter?version=2&notice=version")

            let page = try await console.get("/console/prompts/greeter?version=2")
            #expect(page.body.contains("v2 (text, sent as text)"))
            #expect(page.body.contains("Variables: bot_name, user_name"))
            #expect(try await console.get("/console/prompts?q=greet").body.contains("production → v1"))

            #expect(
                try await console.post("/console/prompts/greeter/labels", ["label": "production", "version": "2"])
                    .status == 303)
            #expect(try await console.get("/console/prompts").body.contains("production → v2"))
            let badLabel = try await console.post("/console/prompts/greeter/labels", ["label": "x", "version": "9"])
            #expect(badLabel.status == 404)

            let diff = try await console.get("/console/prompts/greeter/diff?a=1&b=2")
            #expect(
                diff.body.contains(
                    #"<tr class="changed"><td class="num">2</td><td><pre>Be kind to {{user_name}}.</pre>"#))
            #expect(diff.body.contains(#"<tr class="same">"#))
            #expect(try await console.get("/console/prompts/greeter/diff?a=1&b=7").status == 404)

            let preview = try await console.get(
                "/console/prompts/greeter?version=2&preview=1&value.bot_name=Mira&value.user_name=%3Cb%3EAsha%3C%2Fb%3E"
            )
            #expect(preview.body.contains("You are Mira.\nBe brief with &lt;b&gt;Asha&lt;/b&gt;."))
        }
    }

    @Test func usersAreFoundAndCreditedOnce() async throws {
        try await BackendHarness.run { app in
            _ = try await app.user("console-user-42", .get, "/v1/me")
            _ = try await app.user("someone-else", .get, "/v1/me")
            let console = try await ConsoleClient.signIn(app)
            let found = try await console.get("/console/users?q=USER-4")
            #expect(found.body.contains("console-user-42") && !found.body.contains("someone-else"))
            #expect(try await console.get("/console/users?q=%25").body.contains("No users match."))

            let page = try await console.get("/console/users/console-user-42")
            #expect(page.body.contains("No wallet yet."))
            let key = try #require(
                page.body.range(of: #"name="idempotency_key" value="([0-9a-f-]{36})""#, options: .regularExpression)
                    .map { String(page.body[$0].dropFirst(#"name="idempotency_key" value=""#.count).dropLast()) })
            let form = [
                "kind": "topup", "amount": "50000", "currency": "INR", "idempotency_key": key, "reason": "promo",
            ]
            #expect(
                try await console.post("/console/users/console-user-42/credits", form).headers[.location]?
                    .hasSuffix("notice=credited") == true)
            // The same form sent twice (a double click, a reload) credits once.
            #expect(
                try await console.post("/console/users/console-user-42/credits", form).headers[.location]?
                    .hasSuffix("notice=replayed") == true)
            let after = try await console.get("/console/users/console-user-42")
            #expect(after.body.contains("500.00 INR"))
            #expect(after.body.components(separatedBy: "<td>topup</td>").count - 1 == 1)
            let wallet = try await app.user("console-user-42", .get, "/v1/wallet").json
            #expect((wallet["wallets"] as? [[String: Any]])?.first?["balance"] as? Int == 50000)

            let zero = try await console.post(
                "/console/users/console-user-42/credits",
                ["kind": "topup", "amount": "0", "currency": "INR", "idempotency_key": UUID().uuidString])
            #expect(zero.status == 400 && ConsoleClient.fieldError(zero.body, "amount") != nil)
            let refund = try await console.post(
                "/console/users/console-user-42/credits",
                [
                    "kind": "refund", "amount": "10", "currency": "INR", "idempotency_key": UUID().uuidString,
                    "turn_id": UUID().uuidString,
                ])
            #expect(refund.status == 400 && ConsoleClient.fieldError(refund.body, "turn_id") != nil)
            #expect(try await console.get("/console/users/nobody-here").status == 404)
        }
    }

    @Test func sessionsShowTheirTranscriptAndTheDashboardItsCharts() async throws {
        try await BackendHarness.run { app in
            let (slug, _) = try await app.launchBot(name: "Talker", model: "talk-1")
            let turn = try await app.user(
                "console-chatter", .post, "/v1/bots/\(slug)/chat", json: #"{"message":"Hello <i>there</i>"}"#)
            #expect(turn.status == 200)
            let session = try requireString(turn.json["session_id"])
            let console = try await ConsoleClient.signIn(app)

            let list = try await console.get("/console/sessions?bot=\(slug)")
            #expect(list.body.contains("/console/sessions/\(session)") && list.body.contains("console-chatter"))
            #expect(!(try await console.get("/console/sessions?bot=mira").body.contains(session)))
            let transcript = try await console.get("/console/sessions/\(session)")
            #expect(transcript.body.contains("Hello &lt;i&gt;there&lt;/i&gt;"))
            #expect(transcript.body.contains("<span data-provider>mock</span>/<span data-model>talk-1</span>"))
            #expect(transcript.body.contains(">success</span>"))
            #expect(try await console.get("/console/sessions/\(UUID().uuidString)").status == 404)
            #expect(
                try await console.get("/console/users/console-chatter").body.contains("/console/sessions/\(session)"))
            #expect(try await console.get("/console/bots").body.contains(#"<td class="num">1</td>"#), "sessions today")

            let dashboard = try await console.get("/console/dashboard?window=1h")
            for chart in ["success-rate", "latency", "providers", "errors"] {
                #expect(dashboard.body.contains(#"data-chart="\#(chart)""#))
            }
            #expect(dashboard.body.contains(#"data-refresh="/console/dashboard/panel?window=1h""#))
            let panel = try await console.get("/console/dashboard/panel?window=1h")
            #expect(panel.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(panel.body.contains("<dt>Turns</dt><dd>1</dd>"))
            #expect(panel.body.contains("<dt>Success rate</dt><dd>100.0 %</dd>"))
            #expect(panel.body.contains(#">\#(slug)</td>"#))
            #expect(!panel.body.contains("<html"), "a fragment, not a page")
            for window in ["24h", "7d", "30d"] {
                #expect(try await console.get("/console/dashboard?window=\(window)").status == 200)
            }
            let css = try await console.get("/console/assets/console.css")
            #expect(css.status == 200 && css.headers[.contentType]?.hasPrefix("text/css") == true)
        }
    }
}
