import Foundation
import HTTPTypes
import SwitchyardCore
import SwitchyardGateway
import Testing

/// Every answer says what it cost, from the configured price table: `usage.cost` and `attempts[].cost` in dollars,
/// `x-switchyard-cost` on the OpenAI surface, and null (never 0) for a model without a price.
@Suite struct CostTests {
    /// $1 per million input tokens and $2 per million output tokens: one micro-dollar per prompt token, two per
    /// completion token.
    static var settings: GatewaySettings {
        var settings = GatewayHarness.fastSettings
        var prices = PriceTable(asOf: "2026-11-30")
        prices.set(
            ModelPrice(inputMicrosPerMillion: 1_000_000, outputMicrosPerMillion: 2_000_000), provider: "mock",
            model: "priced")
        settings.prices = prices
        return settings
    }

    static func object(_ body: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
    }

    /// The expected cost in nano-dollars, from the tokens the answer reports.
    static func expectedNanos(_ usage: [String: Any]) throws -> Int64 {
        let prompt = try #require(usage["prompt_tokens"] as? Int)
        let completion = try #require(usage["completion_tokens"] as? Int)
        #expect(prompt > 0 && completion > 0)
        return Int64(prompt) * 1_000 + Int64(completion) * 2_000
    }

    static func nanos(_ value: Any?) throws -> Int64 {
        let number = try #require(value as? NSNumber)
        return NanoDollars.nanos(number.decimalValue)
    }

    @Test func chatCompletionsCarryTheCostInTheBodyAndTheHeader() async throws {
        try await GatewayHarness.withGateway(GatewayHarness.settings(providers: [], gateway: Self.settings)) {
            client, _ in
            let reply = try await GatewayHarness.post(
                client, "/v1/chat/completions",
                json: #"{"model":"mock/priced","messages":[{"role":"user","content":"price this answer please"}]}"#)
            #expect(reply.status == 200)
            let usage = try #require(try Self.object(reply.body)["usage"] as? [String: Any])
            let expected = try Self.expectedNanos(usage)
            #expect(try Self.nanos(usage["cost"]) == expected)
            #expect(reply.headers[.init("x-switchyard-cost")!] == NanoDollars.decimalString(expected))

            let unpriced = try await GatewayHarness.post(
                client, "/v1/chat/completions",
                json: #"{"model":"mock/unpriced","messages":[{"role":"user","content":"and this one"}]}"#)
            #expect(unpriced.status == 200)
            let unpricedUsage = try #require(try Self.object(unpriced.body)["usage"] as? [String: Any])
            #expect(unpricedUsage["cost"] is NSNull, "an unknown model costs null, never 0")
            #expect(unpriced.headers[.init("x-switchyard-cost")!] == nil)
        }
    }

    @Test func generateCostsEveryAttempt() async throws {
        try await GatewayHarness.withGateway(GatewayHarness.settings(providers: [], gateway: Self.settings)) {
            client, _ in
            let reply = try await GatewayHarness.post(
                client, "/v1/generate/",
                json: #"{"provider":"mock","model":"priced","messages":[{"role":"user","content":"one two three"}]}"#)
            #expect(reply.status == 200)
            let body = try Self.object(reply.body)
            let usage = try #require(body["usage"] as? [String: Any])
            let attempts = try #require(body["attempts"] as? [[String: Any]])
            #expect(try Self.nanos(usage["cost"]) == Self.expectedNanos(usage))
            #expect(try Self.nanos(attempts.last?["cost"]) == Self.expectedNanos(usage))
        }
    }

    /// A streamed completion's last chunk (with `include_usage`) carries the cost of what was streamed.
    @Test func aStreamsUsageChunkCarriesItsCost() async throws {
        try await GatewayHarness.withGateway(GatewayHarness.settings(providers: [], gateway: Self.settings)) {
            client, _ in
            let reply = try await GatewayHarness.post(
                client, "/v1/chat/completions",
                json:
                    #"{"model":"mock/priced","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"stream and price"}]}"#
            )
            #expect(reply.status == 200)
            let chunks = reply.body.split(separator: "\n").filter { $0.hasPrefix("data: {") }.compactMap {
                try? Self.object(String($0.dropFirst(6)))
            }
            let usage = try #require(chunks.compactMap { $0["usage"] as? [String: Any] }.last)
            #expect(try Self.nanos(usage["cost"]) == Self.expectedNanos(usage))
        }
    }
}
