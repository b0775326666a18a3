import AsyncHTTPClient
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import NIOHTTP1
import SwitchyardCore
import SwitchyardProviders
import SwitchyardServer
import SwitchyardStore
import SwitchyardTesting
import Testing

/// Paid chat through the HTTP API: pricing on a bot, 402 before any provider call, wallet and session views,
/// top-ups and refunds once per key, ended sessions, and streamed turns.
@Suite struct BillingAPITests {
    static let pricing = #"{"currency":"INR","per_message":150}"#

    func paidBot(_ app: BackendHarness, provider: String = "mock", model: String = "m-1") async throws -> String {
        let (slug, _) = try await app.launchBot(name: "Jyoti", provider: provider, model: model)
        let patched = try await app.admin(
            .patch, "/admin/v1/bots/\(slug)", json: #"{"metadata":{"tone":"warm","pricing":\#(Self.pricing)}}"#)
        #expect(patched.status == 200)
        let pricing = (patched.json["metadata"] as? [String: Any])?["pricing"] as? [String: Any]
        #expect(pricing?["per_message"] as? Int == 150 && pricing?["currency"] as? String == "INR")
        return slug
    }

    @Test func pricingIsValidatedAsIntegersInMinorUnits() async throws {
        try await BackendHarness.run { app in
            let (slug, _) = try await app.launchBot(name: "Vega")
            for bad in [
                #"{"currency":"INR","per_message":1.5}"#, #"{"currency":"INR","per_message":-1}"#,
                #"{"currency":"rupees","per_message":1}"#, #"{"per_message":1}"#,
            ] {
                let reply = try await app.admin(
                    .patch, "/admin/v1/bots/\(slug)", json: #"{"metadata":{"pricing":\#(bad)}}"#)
                #expect(reply.status == 400, "\(bad)")
            }
            let bot = try await app.admin(.get, "/admin/v1/bots/\(slug)")
            #expect((bot.json["metadata"] as? [String: Any])?["pricing"] == nil, "nothing was written")
        }
    }

    @Test func aTurnTheWalletCannotCoverIsA402AndNothingHappens() async throws {
        try await BackendHarness.run { app in
            let slug = try await paidBot(app)
            let reply = try await app.user("ravi", .post, "/v1/bots/\(slug)/chat", json: #"{"message":"hi"}"#)
            #expect(reply.status == 402)
            #expect(reply.error["code"] as? String == "insufficient_balance")
            let message = try requireString(reply.error["message"])
            #expect(message.contains("150") && message.contains("0 are available") && message.contains("INR"))
            let user = try await app.store.catalog.findOrCreateUser(externalID: "ravi")
            #expect(try await app.store.sessionCount(userID: user.id) == 0)
        }
    }

    @Test func topUpChatWalletSessionEndAndRefund() async throws {
        try await BackendHarness.run { app in
            let slug = try await paidBot(app)
            let topup = #"{"amount":1000,"currency":"INR","idempotency_key":"pay-1","reason":"UPI"}"#
            let first = try await app.admin(.post, "/admin/v1/users/mira-user/wallet/topups", json: topup)
            #expect(first.status == 201)
            let again = try await app.admin(.post, "/admin/v1/users/mira-user/wallet/topups", json: topup)
            #expect(again.status == 200 && again.json["replayed"] as? Bool == true)
            let other = try await app.admin(
                .post, "/admin/v1/users/mira-user/wallet/topups",
                json: #"{"amount":999,"currency":"INR","idempotency_key":"pay-1"}"#)
            #expect(other.status == 409)

            let turn = try await app.user("mira-user", .post, "/v1/bots/\(slug)/chat", json: #"{"message":"hi"}"#)
            #expect(turn.status == 200)
            #expect(turn.json["charge"] as? Int == 150 && turn.json["balance"] as? Int == 850)
            let sessionID = try requireString(turn.json["session_id"])
            let messageID = try requireString(turn.json["message_id"])

            let wallet = try await app.user("mira-user", .get, "/v1/wallet")
            let wallets = wallet.json["wallets"] as? [[String: Any]] ?? []
            #expect(wallets.first?["balance"] as? Int == 850 && wallets.first?["available"] as? Int == 850)
            let kinds = (wallet.json["entries"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
            #expect(kinds == ["settle", "hold", "topup"], "newest first; the hold was exactly the charge")

            let session = try await app.user("mira-user", .get, "/v1/sessions/\(sessionID)")
            #expect(session.json["is_paid"] as? Bool == true && session.json["charged"] as? Int == 150)
            #expect(session.json["turns"] as? Int == 1 && session.json["state"] as? String == "active")
            #expect(((session.json["pricing"] as? [String: Any])?["per_message"]) as? Int == 150)
            #expect(try await app.user("someone-else", .get, "/v1/sessions/\(sessionID)").status == 404)

            let ended = try await app.user("mira-user", .post, "/v1/sessions/\(sessionID)/end")
            #expect(ended.json["state"] as? String == "ended")
            let late = try await app.user(
                "mira-user", .post, "/v1/bots/\(slug)/chat", json: #"{"message":"more","session_id":"\#(sessionID)"}"#)
            #expect(late.status == 409 && late.error["code"] as? String == "session_ended")

            let tooMuch = try await app.admin(
                .post, "/admin/v1/users/mira-user/wallet/refunds",
                json: #"{"amount":151,"currency":"INR","idempotency_key":"r-1","turn_id":"\#(messageID)"}"#)
            #expect(tooMuch.status == 422 && tooMuch.error["code"] as? String == "refund_exceeds_charge")
            let refund = try await app.admin(
                .post, "/admin/v1/users/mira-user/wallet/refunds",
                json: #"{"amount":150,"currency":"INR","idempotency_key":"r-2","turn_id":"\#(messageID)"}"#)
            #expect(refund.status == 201)
            #expect((refund.json["wallet"] as? [String: Any])?["balance"] as? Int == 1000)
        }
    }

    /// A streamed paid turn: deltas, then `done` with the charge and balance; a stream the upstream cuts after three
    /// chunks ends with `error`, and the delivered text is stored, interrupted, and charged.
    @Test func streamedTurnsAreSettledForWhatWasDelivered() async throws {
        let upstream = FakeOpenAIUpstream(flavor: .openai)
        try await upstream.run { url in
            let openai = ProviderSettings(
                id: "openai", kind: .openAIFamily(.openai), apiKey: Secret("sk-test-key"), baseURL: url)
            try await BackendHarness.run(providers: [openai]) { app in
                let slug = try await paidBot(app, provider: "openai", model: "gpt-4o-mini")
                _ = try await app.admin(
                    .post, "/admin/v1/users/streamer/wallet/topups",
                    json: #"{"amount":1000,"currency":"INR","idempotency_key":"s-1"}"#)
                await upstream.state.enqueue(.success("one two three four"))
                let whole = try await app.user(
                    "streamer", .post, "/v1/bots/\(slug)/chat", json: #"{"message":"hi","stream":true}"#)
                #expect(whole.status == 200 && whole.headers[.contentType] == "text/event-stream")
                let events = Self.events(whole.body)
                #expect(
                    events.filter { $0.0 == "delta" }.compactMap { $0.1["text"] as? String }.joined()
                        == "one two three four")
                #expect(events.last?.0 == "done")
                #expect(events.last?.1["charge"] as? Int == 150 && events.last?.1["balance"] as? Int == 850)

                await upstream.state.enqueue(.streamCut(afterChunks: 3))
                let cut = try await app.user(
                    "streamer", .post, "/v1/bots/\(slug)/chat", json: #"{"message":"again","stream":true}"#)
                let cutEvents = Self.events(cut.body)
                #expect(cutEvents.filter { $0.0 == "delta" }.count == 3)
                #expect(cutEvents.last?.0 == "error")
                let reply = cutEvents.last?.1["reply"] as? [String: Any]
                #expect(reply?["interrupted"] as? Bool == true && reply?["message"] as? String == "one two three")
                #expect(reply?["charge"] as? Int == 150 && reply?["balance"] as? Int == 700)
                let sessionID = try requireString(reply?["session_id"])
                let messages = try await app.user("streamer", .get, "/v1/sessions/\(sessionID)/messages")
                #expect(messages.array.last?["content"] as? String == "one two three")
                #expect(messages.array.last?["interrupted"] as? Bool == true)
            }
        }
    }

    /// A client that leaves a paid stream half-way over a real connection: the server's next write fails, the text
    /// delivered until then is stored (interrupted) and charged, and the rest is never generated.
    @Test func aStreamTheClientAbandonsIsStoredAndChargedForWhatWasDelivered() async throws {
        let slow = ProviderSettings(id: "slow", kind: .mock(.init(streamChunkDelay: .milliseconds(150))))
        try await BackendHarness.run(providers: [slow], live: true) { app in
            let slug = try await paidBot(app, provider: "slow", model: "m-1")
            _ = try await app.admin(
                .post, "/admin/v1/users/leaver/wallet/topups",
                json: #"{"amount":1000,"currency":"INR","idempotency_key":"l-1"}"#)
            let port = try #require(app.client.port)
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/bots/\(slug)/chat")
            request.method = .POST
            request.headers.add(name: "content-type", value: "application/json")
            request.headers.add(name: "authorization", value: "Bearer \(try await BackendHarness.userToken("leaver"))")
            request.body = .bytes(
                ByteBuffer(string: #"{"message":"one two three four five six seven eight nine ten","stream":true}"#))
            let reader = Task {
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
                var received = ""
                for try await chunk in response.body {
                    received += String(buffer: chunk)
                    if received.contains("event: delta") { break }  // leave after the first piece
                }
                return received
            }
            let received = try await reader.value
            #expect(received.contains("event: delta") && !received.contains("event: done"))
            let user = try await app.store.catalog.findOrCreateUser(externalID: "leaver")
            var stored: StoredMessage?
            for _ in 0..<100 {
                let entries = try await app.store.chats.entries(userID: user.id, limit: 10, offset: 0)
                if let settled = entries.first(where: { $0.kind == .settle }), let session = settled.sessionID {
                    stored = try await app.store.chats.recentMessages(sessionID: session, limit: 2).last
                    break
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            let reply = try #require(stored, "the delivered part was stored")
            #expect(reply.interrupted)
            #expect(!reply.content.isEmpty)
            #expect(!reply.content.hasSuffix("ten"), "the rest was never generated")
            #expect(reply.charge == 150)
            #expect(try await app.store.chats.wallet(userID: user.id, currency: "INR")?.balance == 850)
        }
    }

    /// The SSE events of a body, as (event, data) pairs.
    static func events(_ body: String) -> [(String, [String: Any])] {
        body.components(separatedBy: "\n\n").compactMap { frame in
            var event = ""
            var data = ""
            for line in frame.split(separator: "\n") {
                if line.hasPrefix("event: ") { event = String(line.dropFirst(7)) }
                if line.hasPrefix("data: ") { data = String(line.dropFirst(6)) }
            }
            guard !event.isEmpty,
                let json = (try? JSONSerialization.jsonObject(with: Data(data.utf8))) as? [String: Any]
            else { return nil }
            return (event, json)
        }
    }
}
