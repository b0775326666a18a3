import Foundation
import SQLKit
import SwitchyardCore
import Testing

@testable import SwitchyardStore

/// One repository suite, run on every configured database.
@Suite struct RepositoryTests {
    @Test func postgresIsIncludedWhenRequired() {
        if ProcessInfo.processInfo.environment["SWITCHYARD_REQUIRE_POSTGRES"] == "1" {
            #expect(TestStores.postgresURL != nil, "SWITCHYARD_TEST_POSTGRES_URL must name a local PostgreSQL")
        }
    }

    func unique(_ prefix: String) -> String { "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())" }

    func makeBot(_ store: Store, rank: Int = 0, status: BotStatus = .launched) async throws -> Bot {
        try await store.catalog.createBot(Bot(slug: unique("bot"), name: "Bot", status: status, rank: rank))
    }

    @Test(arguments: TestStores.configurations)
    func usersAreCreatedOnceAndUpdated(configuration: StoreConfiguration) async throws {
        let store = try await TestStores.store(configuration)
        let external = unique("user")
        let first = try await store.catalog.findOrCreateUser(externalID: external)
        let again = try await store.catalog.findOrCreateUser(externalID: external)
        #expect(first.id == again.id)
        var updated = first
        updated.name = "Asha"
        updated.timeZone = "Asia/Kolkata"
        updated.metadata = ["plan": "gold"]
        try await store.catalog.updateUser(updated)
        #expect(try await store.catalog.findOrCreateUser(externalID: external) == updated)
    }

    @Test(arguments: TestStores.configurations)
    func botsAreUniqueBySlugOrderedByRankAndSoftDeleted(configuration: StoreConfiguration) async throws {
        let store = try await TestStores.store(configuration)
        let low = try await makeBot(store, rank: 1)
        let high = try await makeBot(store, rank: -5)
        await #expect(throws: StoreError.self) {
            _ = try await store.catalog.createBot(Bot(slug: low.slug, name: "Again"))
        }
        let listed = try await store.catalog.bots(status: .launched).map(\.slug)
        let highIndex = try #require(listed.firstIndex(of: high.slug))
        let lowIndex = try #require(listed.firstIndex(of: low.slug))
        #expect(highIndex < lowIndex)
        #expect(try await store.catalog.softDeleteBot(slug: low.slug, at: Date()))
        #expect(try await store.catalog.bot(slug: low.slug) == nil)
        #expect(try await store.catalog.slugExists(low.slug), "a deleted bot keeps its slug")
        #expect(!(try await store.catalog.bots(status: nil).map(\.slug).contains(low.slug)))
        #expect(try await store.catalog.softDeleteBot(slug: low.slug, at: Date()) == false)
    }

    @Test(arguments: TestStores.configurations)
    func creatingAnActiveConfigDeactivatesTheOthers(configuration: StoreConfiguration) async throws {
        let store = try await TestStores.store(configuration)
        let bot = try await makeBot(store)
        let first = try await store.catalog.createConfig(
            BotLLMConfig(botID: bot.id, provider: "mock", model: "a", isActive: true))
        let second = try await store.catalog.createConfig(
            BotLLMConfig(
                botID: bot.id, provider: "gemini", model: "b", isActive: true, weight: 3,
                regionName: "ap-south-1", fallbacks: [Target(provider: "mock", model: "x", retry: 1)],
                createdAt: Date(timeIntervalSince1970: 1_700_000_000)))
        let configs = try await store.catalog.configs(botID: bot.id)
        #expect(configs.filter(\.isActive).map(\.id) == [second.id])
        #expect(try await store.catalog.config(id: second.id) == second)
        #expect(try await store.catalog.activate(configID: first.id).isActive)
        #expect(try await store.catalog.configs(botID: bot.id).filter(\.isActive).map(\.id) == [first.id])
    }

    @Test(arguments: TestStores.configurations)
    func concurrentActivationsLeaveExactlyOneActive(configuration: StoreConfiguration) async throws {
        let store = try await TestStores.store(configuration)
        let bot = try await makeBot(store)
        var ids: [UUID] = []
        for index in 0..<12 {
            ids.append(
                try await store.catalog.createConfig(BotLLMConfig(botID: bot.id, provider: "mock", model: "m\(index)"))
                    .id)
        }
        await withTaskGroup(of: Void.self) { group in
            for id in ids + ids {
                group.addTask { _ = try? await store.catalog.activate(configID: id) }
            }
        }
        #expect(try await store.catalog.configs(botID: bot.id).filter(\.isActive).count == 1)
    }

    @Test(arguments: TestStores.configurations)
    func theDatabaseItselfRefusesTwoActiveConfigs(configuration: StoreConfiguration) async throws {
        let store = try await TestStores.store(configuration)
        let bot = try await makeBot(store)
        _ = try await store.catalog.createConfig(
            BotLLMConfig(botID: bot.id, provider: "mock", model: "a", isActive: true))
        let sql = try #require(store.catalog.writes as? any SQLDatabase)
        await #expect {
            try await sql.raw(
                """
                INSERT INTO bot_llm_configs (id, bot_id, llm_provider, model_name, prompt_label, is_active, weight, created_at)
                VALUES (\(bind: UUID()), \(bind: bot.id), 'mock', 'b', 'production', true, 0, \(bind: Date()))
                """
            ).run()
        } throws: { StoreError.isUniqueViolation($0) }
    }

    @Test(arguments: TestStores.configurations)
    func promptVersionsAreImmutableAndLabelsMove(configuration: StoreConfiguration) async throws {
        let store = try await TestStores.store(configuration)
        let name = unique("prompt")
        let first = try await store.catalog.createTemplate(name: name, format: .text, body: "Hi {{user_name}}")
        #expect(first.version == 1)
        await #expect(throws: StoreError.self) {
            _ = try await store.catalog.createTemplate(name: name, format: .text, body: "again")
        }
        let second = try await store.catalog.addVersion(name: name, format: .yaml, body: "a: b")
        #expect(second.version == 2)
        #expect(try await store.catalog.version(name: name, label: "production")?.version == 1)
        try await store.catalog.moveLabel(name: name, label: "production", to: 2)
        try await store.catalog.moveLabel(name: name, label: "staging", to: 1)
        #expect(try await store.catalog.version(name: name, label: "production")?.body == "a: b")
        #expect(try await store.catalog.version(name: name, label: "staging")?.body == "Hi {{user_name}}")
        await #expect(throws: StoreError.self) { try await store.catalog.moveLabel(name: name, label: "x", to: 9) }
        let summary = try #require(try await store.catalog.templates().first { $0.name == name })
        #expect(summary.latestVersion == 2)
        #expect(summary.labels == ["production": 2, "staging": 1])
    }

    @Test(arguments: TestStores.configurations)
    func turnsAreStoredTogetherInOrderAndFoundByIdempotencyKey(configuration: StoreConfiguration) async throws {
        let store = try await TestStores.store(configuration)
        let bot = try await makeBot(store)
        let user = try await store.catalog.findOrCreateUser(externalID: unique("user"))
        let config = try await store.catalog.createConfig(
            BotLLMConfig(botID: bot.id, provider: "mock", model: "a", isActive: true))
        let session = ChatSession(userID: user.id, botID: bot.id, configID: config.id)
        #expect(try await store.chats.session(id: session.id) == nil)
        for turn in 1...3 {
            let question = StoredMessage(
                sessionID: session.id, role: .user, content: "q\(turn)", idempotencyKey: "k\(turn)")
            let answer = StoredMessage(
                sessionID: session.id, role: .assistant, content: "a\(turn)", provider: "mock", model: "a",
                configID: config.id, usage: Usage(promptTokens: 3, completionTokens: 4))
            try await store.chats.saveTurn(newSession: turn == 1 ? session : nil, user: question, reply: answer)
        }
        #expect(try await store.chats.session(id: session.id)?.configID == config.id)
        let recent = try await store.chats.recentMessages(sessionID: session.id, limit: 4)
        #expect(recent.map(\.content) == ["q2", "a2", "q3", "a3"])
        #expect(recent.last?.usage == Usage(promptTokens: 3, completionTokens: 4))
        #expect(try await store.chats.reply(sessionID: session.id, idempotencyKey: "k2")?.content == "a2")
        #expect(try await store.chats.reply(sessionID: session.id, idempotencyKey: "nope") == nil)
    }

    @Test(arguments: TestStores.configurations)
    func aChatTurnReadsBotConfigsAndPromptsAtOnce(configuration: StoreConfiguration) async throws {
        let store = try await TestStores.store(configuration)
        let bot = try await makeBot(store)
        let name = unique("prompt")
        _ = try await store.catalog.createTemplate(name: name, format: .text, body: "v1 {{bot_name}}")
        _ = try await store.catalog.addVersion(name: name, format: .yaml, body: "a: v2")
        try await store.catalog.moveLabel(name: name, label: "staging", to: 2)
        let production = try await store.catalog.createConfig(
            BotLLMConfig(
                botID: bot.id, provider: "mock", model: "a", promptTemplate: name, isActive: true,
                createdAt: Date(timeIntervalSince1970: 1_700_000_000)))
        let staging = try await store.catalog.createConfig(
            BotLLMConfig(
                botID: bot.id, provider: "mock", model: "b", promptTemplate: name, promptLabel: "staging",
                createdAt: Date(timeIntervalSince1970: 1_700_000_100)))
        let inline = try await store.catalog.createConfig(
            BotLLMConfig(
                botID: bot.id, provider: "mock", model: "c", inlinePrompt: "hi",
                createdAt: Date(timeIntervalSince1970: 1_700_000_200)))
        let snapshot = try #require(try await store.chats.chatBot(slug: bot.slug))
        #expect(snapshot.bot.id == bot.id)
        #expect(snapshot.configs.map(\.id) == [production.id, staging.id, inline.id])
        #expect(snapshot.prompts[production.id]?.body == "v1 {{bot_name}}")
        #expect(snapshot.prompts[staging.id]?.format == .yaml)
        #expect(snapshot.prompts[inline.id] == nil)
        let empty = try await makeBot(store)
        #expect(try await store.chats.chatBot(slug: empty.slug)?.configs.isEmpty == true)
        #expect(try await store.chats.chatBot(slug: "no-such-bot") == nil)
    }
}
