import SwitchyardCore
import Testing

/// Cost as data: prices in integer micro-dollars per million tokens, costs in integer nano-dollars.
@Suite struct PriceTableTests {
    static var table: PriceTable {
        var table = PriceTable(asOf: "2026-11-30")
        table.set(
            ModelPrice(
                inputMicrosPerMillion: NanoDollars.micros(fromDecimal: "0.15")!,
                outputMicrosPerMillion: NanoDollars.micros(fromDecimal: "0.6")!,
                cachedInputMicrosPerMillion: NanoDollars.micros(fromDecimal: "0.075")!),
            provider: "openai", model: "gpt-4o-mini")
        table.set(
            ModelPrice(inputMicrosPerMillion: 580_000, outputMicrosPerMillion: 1_680_000),
            provider: "bedrock", model: "deepseek.v3-v1:0")
        table.set(
            ModelPrice(inputMicrosPerMillion: 700_000, outputMicrosPerMillion: 2_000_000),
            provider: "bedrock", model: "deepseek.v3-v1:0", region: "eu-west-1")
        return table
    }

    /// 1.2M prompt tokens (200k of them cached) and 500k completion tokens of gpt-4o-mini: 1M × $0.15 + 200k ×
    /// $0.075 + 500k × $0.60 = $0.15 + $0.015 + $0.30 = $0.465, exactly.
    @Test func anAttemptCostsItsTokensAtTheTablesPrice() {
        let usage = Usage(promptTokens: 1_200_000, completionTokens: 500_000, cachedPromptTokens: 200_000)
        let cost = Self.table.cost(of: usage, provider: "openai", model: "gpt-4o-mini", region: nil)
        #expect(cost == 465_000_000)
        #expect(NanoDollars.decimalString(cost!) == "0.465")
    }

    /// A small turn, to the nano-dollar: 1,234 × 0.15 + 56 × 0.60 micro-dollars = 218.7 micro-dollars.
    @Test func aSmallTurnIsExactToTheNanoDollar() {
        let cost = Self.table.cost(
            of: Usage(promptTokens: 1_234, completionTokens: 56), provider: "openai", model: "gpt-4o-mini",
            region: nil)
        #expect(cost == 218_700)
        #expect(NanoDollars.decimalString(218_700) == "0.0002187")
    }

    @Test func aRegionsPriceWinsOverTheModels() {
        let usage = Usage(promptTokens: 1_000_000, completionTokens: 1_000_000)
        #expect(
            Self.table.cost(of: usage, provider: "bedrock", model: "deepseek.v3-v1:0", region: "eu-west-1")
                == 2_700_000_000)
        #expect(
            Self.table.cost(of: usage, provider: "bedrock", model: "deepseek.v3-v1:0", region: "ap-south-1")
                == 2_260_000_000)
    }

    @Test func anUnknownModelHasNoCostNotZero() {
        let usage = Usage(promptTokens: 10, completionTokens: 10)
        #expect(Self.table.cost(of: usage, provider: "openai", model: "gpt-9", region: nil) == nil)
        #expect(Self.table.cost(of: usage, provider: "groq", model: "gpt-4o-mini", region: nil) == nil)
    }

    /// A walk prices each attempt: a failure that reported no tokens costs 0, an unpriced model that used tokens
    /// makes the total unknown.
    @Test func aWalkAddsUpItsAttempts() {
        let chain = [Target(provider: "openai", model: "gpt-4o-mini"), Target(provider: "groq", model: "llama")]
        var walk = ChainWalk(chain: chain, backoff: Backoff(base: .milliseconds(1), jitter: 0), prices: Self.table)
        _ = walk.next(remaining: .seconds(10), skipReason: { _ in nil })
        walk.recordFailure(
            ProviderFailure(.upstream5xx, detail: "boom"), target: chain[0], latency: .milliseconds(5),
            jitterUnit: 0)
        #expect(walk.attempts.last?.cost == 0)
        _ = walk.next(remaining: .seconds(10), skipReason: { _ in nil })
        walk.recordSuccess(chain[1], latency: .milliseconds(5), usage: Usage(promptTokens: 3, completionTokens: 4))
        #expect(walk.attempts.last?.cost == nil)
        #expect(walk.cost == nil)

        var priced = ChainWalk(chain: [chain[0]], backoff: Backoff(), prices: Self.table)
        _ = priced.next(remaining: .seconds(10), skipReason: { _ in nil })
        priced.recordSuccess(chain[0], latency: .zero, usage: Usage(promptTokens: 1_000, completionTokens: 1_000))
        #expect(priced.cost == 750_000)
    }

    @Test(
        arguments: [
            ("0", 0), ("15", 15_000_000), ("0.075", 75_000), ("1.25", 1_250_000), ("0.000001", 1),
        ] as [(String, Int64)])
    func pricesAreReadExactly(text: String, micros: Int64) {
        #expect(NanoDollars.micros(fromDecimal: text) == micros)
    }

    @Test(arguments: ["-1", "0.0000001", "1e-3", "abc", "", ".5", "1.", "2000000"])
    func oddPricesAreRefused(text: String) {
        #expect(NanoDollars.micros(fromDecimal: text) == nil)
    }

    @Test func dollarsAreWrittenExactly() {
        #expect(NanoDollars.decimalString(0) == "0")
        #expect(NanoDollars.decimalString(1) == "0.000000001")
        #expect(NanoDollars.decimalString(2_500_000_000) == "2.5")
        #expect(NanoDollars.decimalString(-2_500_000_001) == "-2.500000001")
        #expect(NanoDollars.decimalString(-7) == "-0.000000007")
        #expect(NanoDollars.decimalString(1_000_000_000) == "1")
        #expect(NanoDollars.decimalString(Int64.max) == "9223372036.854775807")
        #expect(NanoDollars.decimalString(Int64.min) == "-9223372036.854775808")
        #expect(NanoDollars.decimalString(120_000_000) == "0.12")
        #expect(NanoDollars.nanos(NanoDollars.decimal(123_456_789)) == 123_456_789)
    }
}
