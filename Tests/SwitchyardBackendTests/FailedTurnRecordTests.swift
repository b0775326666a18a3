import Foundation
import SwitchyardCore
import SwitchyardStore
import Testing

/// A turn that got no reply keeps its attempts, on both databases, and the usage figures count them.
@Suite struct FailedTurnRecordTests {
    @Test(arguments: TestStores.configurations)
    func aFailedTurnsAttemptsAreReadBackForUsage(configuration: StoreConfiguration) async throws {
        let store = try await TestStores.store(configuration)
        let slug = "failed-\(UUID().uuidString.prefix(8).lowercased())"
        let bot = try await store.catalog.createBot(Bot(slug: slug, name: "Failed"))
        let at = Date()
        let turn = FailedTurn(
            botID: bot.id, sessionID: nil, configID: UUID(), code: "provider_overloaded",
            attempts: [
                AttemptRecord(
                    target: Target(provider: "broken", model: "x"), outcome: .failed(.overloaded),
                    latency: .milliseconds(120), status: 503),
                AttemptRecord(
                    target: Target(provider: "other", model: "y", regionName: "us-east-1"), outcome: .failed(.timeout),
                    latency: .milliseconds(900)),
            ], createdAt: at)
        try await store.chats.saveFailedTurn(turn)
        let records = try await store.chats.usageRecords(from: at.addingTimeInterval(-1), to: at.addingTimeInterval(1))
            .filter { $0.turnID == turn.id }
            .sorted { $0.position < $1.position }
        #expect(records.map(\.provider) == ["broken", "other"])
        #expect(records.map(\.outcome) == [.failed(.overloaded), .failed(.timeout)])
        #expect(records.map(\.latencyMilliseconds) == [120, 900])
        #expect(records.allSatisfy { $0.botID == bot.id })

        let report = UsageReport(records: records, grouping: .provider)
        #expect(report.groups.map(\.successRate) == [0, 0])
        #expect(report.groups.map(\.turns) == [1, 1])
        #expect(report.groups.map(\.fallbackRate) == [0, 0], "a turn nobody answered took no fallback")
    }
}
