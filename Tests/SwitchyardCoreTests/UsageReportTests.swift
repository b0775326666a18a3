import Foundation
import SwitchyardCore
import Testing

/// Usage figures on fixed records, every number worked out by hand.
@Suite struct UsageReportTests {
    static let bot = UUID()
    static let start = Date(timeIntervalSince1970: 1_764_547_200)  // 2025-12-01T00:00:00Z

    static func record(
        _ turn: UUID, _ position: Int, _ provider: String, _ outcome: AttemptRecord.Outcome, _ latency: Int,
        tokens: (Int, Int) = (0, 0), cost: Int64? = 0, day: Int = 0
    ) -> UsageRecord {
        UsageRecord(
            turnID: turn, position: position, botID: bot, provider: provider, model: "m", outcome: outcome,
            latencyMilliseconds: latency, promptTokens: tokens.0, completionTokens: tokens.1, cost: cost,
            createdAt: start.addingTimeInterval(Double(day) * 86_400 + 60))
    }

    /// Ten turns. Turns 1–7 are served by `gemini` at once, with latencies 100…700 ms. Turns 8–10 fail on `bedrock`
    /// first (rate limited twice, then overloaded, 50/60/70 ms) and are served by `gemini` (800, 900, 1000 ms); turn
    /// 10 also skipped `byteplus` (cooling down), which counts nowhere.
    static var records: [UsageRecord] {
        let turns = (0..<10).map { _ in UUID() }
        var records: [UsageRecord] = []
        for index in 0..<7 {
            records.append(record(turns[index], 0, "gemini", .success, (index + 1) * 100, tokens: (10, 5), cost: 1_000))
        }
        let failures: [ProviderFailure.Kind] = [.rateLimited, .rateLimited, .overloaded]
        for (offset, index) in (7..<10).enumerated() {
            records.append(record(turns[index], 0, "bedrock", .failed(failures[offset]), 50 + offset * 10))
            records.append(
                record(turns[index], 1, "gemini", .success, 800 + offset * 100, tokens: (20, 10), cost: nil, day: 1))
        }
        records.append(record(turns[9], 2, "byteplus", .skippedCooldown, 0))
        return records
    }

    @Test func overTimeInBucketsWithEmptyOnesKept() {
        let series = UsageReport.timeSeries(
            records: Self.records, from: Self.start, to: Self.start.addingTimeInterval(3 * 86_400),
            bucketSeconds: 86_400)
        #expect(series.map(\.key) == ["2025-12-01T00:00:00Z", "2025-12-02T00:00:00Z", "2025-12-03T00:00:00Z"])
        #expect(series.map(\.attempts) == [10, 3, 0])
        #expect(series.map(\.successes) == [7, 3, 0])
        #expect(series[1].latencyP50 == 900)
        #expect(series[1].fallbackTurns == 3)
        #expect(series[2].successRate == nil && series[2].latencyP99 == nil)
        // Records before `from` are left out, and one bucket spanning the window is the window's total.
        let later = UsageReport.timeSeries(
            records: Self.records, from: Self.start.addingTimeInterval(86_400),
            to: Self.start.addingTimeInterval(2 * 86_400), bucketSeconds: 86_400)
        #expect(later.map(\.attempts) == [3])
        let whole = UsageReport.timeSeries(
            records: Self.records, from: Self.start, to: Self.start.addingTimeInterval(2 * 86_400),
            bucketSeconds: 2 * 86_400)
        #expect(whole.count == 1 && whole[0].attempts == 13 && whole[0].turns == 10 && whole[0].fallbackTurns == 3)
    }

    @Test func byProvider() throws {
        let report = UsageReport(records: Self.records, grouping: .provider)
        #expect(report.groups.map(\.key) == ["bedrock", "gemini"])
        let bedrock = report.groups[0]
        #expect(bedrock.attempts == 3 && bedrock.successes == 0 && bedrock.turns == 3)
        #expect(bedrock.successRate == 0)
        #expect(bedrock.errors == ["rate_limited": 2, "overloaded": 1])
        // Sorted latencies 50, 60, 70: p50 rank ⌈1.5⌉ = 2 → 60; p95 and p99 rank 3 → 70.
        #expect([bedrock.latencyP50, bedrock.latencyP95, bedrock.latencyP99] == [60, 70, 70])
        // Each of its turns was served by a later attempt.
        #expect(bedrock.fallbackRate == 1)

        let gemini = report.groups[1]
        #expect(gemini.attempts == 10 && gemini.successes == 10 && gemini.turns == 10)
        // Latencies 100…1000 step 100: p50 rank 5 → 500; p95 rank ⌈9.5⌉ = 10 → 1000; p99 rank 10 → 1000.
        #expect([gemini.latencyP50, gemini.latencyP95, gemini.latencyP99] == [500, 1000, 1000])
        // 3 of its 10 turns were served by other than their first attempt.
        #expect(gemini.fallbackRate == 0.3)
        #expect(gemini.promptTokens == 7 * 10 + 3 * 20 && gemini.completionTokens == 7 * 5 + 3 * 10)
        #expect(gemini.cost == 7_000 && gemini.unpricedAttempts == 3)
    }

    @Test func byDayInUTC() {
        let report = UsageReport(records: Self.records, grouping: .day)
        #expect(report.groups.map(\.key) == ["2025-12-01", "2025-12-02"])
        #expect(report.groups.map(\.attempts) == [10, 3])
    }

    @Test func byBotUsesItsName() {
        let report = UsageReport(records: Self.records, grouping: .bot, botNames: [Self.bot: "mira"])
        #expect(report.groups.map(\.key) == ["mira"])
        #expect(report.groups[0].attempts == 13 && report.groups[0].turns == 10)
        #expect(report.groups[0].fallbackRate == 0.3)
    }

    @Test(
        arguments: [
            (50, [Int](), nil), (50, [7], 7), (99, [7], 7), (50, [1, 2], 1), (51, [1, 2], 2), (95, Array(1...20), 19),
            (99, Array(1...100), 99), (100, Array(1...100), 100),
        ] as [(Int, [Int], Int?)])
    func nearestRank(p: Int, values: [Int], expected: Int?) {
        #expect(UsageReport.percentile(p, of: values) == expected)
    }
}
