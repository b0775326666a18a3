import Foundation
import SwitchyardCore
import Testing

@testable import SwitchyardStore

/// The console's reads, on every configured database: user search (case-insensitive, wildcards taken literally),
/// sessions by user and by bot, and sessions per bot since a time.
@Suite struct AdminDirectoryTests {
    @Test(arguments: TestStores.configurations)
    func usersAreFoundByExternalIDOrNameIgnoringCase(configuration: StoreConfiguration) async throws {
        let store = try await TestStores.store(configuration)
        let tag = UUID().uuidString.prefix(8).lowercased()
        var asha = try await store.catalog.findOrCreateUser(externalID: "dir-\(tag)-one")
        asha.name = "Asha Verma"
        try await store.catalog.updateUser(asha)
        _ = try await store.catalog.findOrCreateUser(externalID: "dir-\(tag)-100%_done")
        _ = try await store.catalog.findOrCreateUser(externalID: "dir-\(tag)-1000xdone")

        let byID = try await store.chats.users(matching: "DIR-\(tag)", offset: 0, limit: 10)
        #expect(byID.map(\.externalID) == ["dir-\(tag)-100%_done", "dir-\(tag)-1000xdone", "dir-\(tag)-one"])
        #expect(try await store.chats.users(matching: "\(tag)-one", offset: 0, limit: 10).map(\.id) == [asha.id])
        let byName = try await store.chats.users(matching: "asha VER", offset: 0, limit: 50)
        #expect(byName.contains { $0.id == asha.id })
        // `%` and `_` are letters here, not wildcards: only the one id that has them matches.
        #expect(
            try await store.chats.users(matching: "\(tag)-100%_", offset: 0, limit: 10).map(\.externalID) == [
                "dir-\(tag)-100%_done"
            ])
        #expect(try await store.chats.users(matching: "DIR-\(tag)", offset: 1, limit: 1).count == 1)
        #expect(try await store.chats.user(externalID: "dir-\(tag)-one")?.id == asha.id)
        #expect(try await store.chats.user(externalID: "dir-\(tag)-nobody") == nil)
    }

    @Test(arguments: TestStores.configurations)
    func sessionsAreListedByUserAndBotAndCountedPerBot(configuration: StoreConfiguration) async throws {
        let store = try await TestStores.store(configuration)
        let tag = UUID().uuidString.prefix(8).lowercased()
        let bot = try await store.catalog.createBot(Bot(slug: "dir-\(tag)", name: "Dir", status: .launched))
        let other = try await store.catalog.createBot(Bot(slug: "dir-\(tag)-b", name: "Dir B", status: .launched))
        let config = try await store.catalog.createConfig(
            BotLLMConfig(botID: bot.id, provider: "mock", model: "m", isActive: true))
        let otherConfig = try await store.catalog.createConfig(
            BotLLMConfig(botID: other.id, provider: "mock", model: "m", isActive: true))
        let user = try await store.catalog.findOrCreateUser(externalID: "dir-\(tag)-u")
        let start = Date()
        var opened: [UUID] = []
        for (index, target) in [(bot, config), (bot, config), (other, otherConfig)].enumerated() {
            let session = ChatSession(
                userID: user.id, botID: target.0.id, configID: target.1.id,
                createdAt: start.addingTimeInterval(Double(index)))
            try await store.chats.saveTurn(
                newSession: session,
                user: StoredMessage(sessionID: session.id, role: .user, content: "hi \(index)", sequence: 1),
                reply: StoredMessage(sessionID: session.id, role: .assistant, content: "reply \(index)", sequence: 2))
            opened.append(session.id)
        }
        let mine = try await store.chats.sessions(userID: user.id, botID: nil, offset: 0, limit: 10)
        #expect(mine.map(\.session.id) == opened.reversed())
        #expect(mine.first?.lastMessage == "reply 2")
        let onBot = try await store.chats.sessions(userID: nil, botID: bot.id, offset: 0, limit: 10)
        #expect(onBot.map(\.session.id) == [opened[1], opened[0]])
        #expect(try await store.chats.sessions(userID: user.id, botID: bot.id, offset: 1, limit: 5).count == 1)
        let counts = try await store.chats.sessionCounts(since: start.addingTimeInterval(-1))
        #expect(counts[bot.id] == 2)
        #expect(counts[other.id] == 1)
        #expect(try await store.chats.sessionCounts(since: start.addingTimeInterval(1.5))[bot.id] == nil)
    }
}
