import Foundation
import Logging
import SQLKit
import SwitchyardCore
import Testing

@testable import SwitchyardStore

/// Migration 009 on both databases: free JSON metadata (and the conversion of the old string maps), config editing
/// and soft deletion, owners and update times, prompt outputs, reply lengths, users' sessions, language instructions.
@Suite struct CatalogEvolutionTests {
    func unique(_ prefix: String) -> String { "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())" }

    static let nested: [String: JSONValue] = [
        "required_fields": .array([.string("birth_date")]), "character_rating": .number(4.5),
        "extra": .object(["tags": .array([.string("a"), .object(["deep": .bool(true)])]), "none": .null]),
    ]

    @Test(arguments: TestStores.configurations)
    func botsKeepFreeMetadataOwnersAndUpdateTimes(configuration: StoreConfiguration) async throws {
        let store = try await TestStores.store(configuration)
        let owner = try await store.catalog.findOrCreateUser(externalID: unique("owner"))
        let created = try await store.catalog.createBot(
            Bot(slug: unique("bot"), name: "Meta", status: .launched, metadata: Self.nested, ownerID: owner.id))
        let bySlug = try #require(try await store.catalog.bot(slug: created.slug))
        let byID = try #require(try await store.catalog.bot(id: created.id))
        let snapshot = try #require(try await store.chats.chatBot(slug: created.slug))
        for bot in [bySlug, byID, snapshot.bot] {
            #expect(bot.metadata == Self.nested)
            #expect(bot.ownerID == owner.id)
            #expect(abs(bot.updatedAt.timeIntervalSince(created.createdAt)) < 0.01)
        }
        #expect(bySlug.requiredFields == [.birthDate])
        var changed = bySlug
        changed.metadata = ["plain": .string("x")]
        changed.updatedAt = created.createdAt.addingTimeInterval(60)
        try await store.catalog.updateBot(changed)
        let read = try #require(try await store.catalog.bot(slug: created.slug))
        #expect(read.metadata == ["plain": .string("x")])
        #expect(abs(read.updatedAt.timeIntervalSince(changed.updatedAt)) < 0.01)
    }

    @Test(arguments: TestStores.configurations)
    func configsAreEditedSoftDeletedAndListedActiveFirst(configuration: StoreConfiguration) async throws {
        let store = try await TestStores.store(configuration)
        let bot = try await store.catalog.createBot(Bot(slug: unique("bot"), name: "Configs", status: .launched))
        let routed = try await store.catalog.createConfig(
            BotLLMConfig(
                botID: bot.id, provider: "", model: "", route: "deepseek-v3",
                metadata: ["tools": .array([.string("kundli")]), "experiment": .object(["arm": .string("b")])]))
        let active = try await store.catalog.createConfig(
            BotLLMConfig(
                botID: bot.id, provider: "mock", model: "m", isActive: true, createdAt: Date().addingTimeInterval(1)))
        #expect(try await store.catalog.configs(botID: bot.id).map(\.id) == [active.id, routed.id])
        var edited = routed
        edited.temperature = 0.3
        edited.isActive = true  // not changed by an update
        edited.metadata["api_endpoint"] = .string("https://example.test")
        let saved = try await store.catalog.updateConfig(edited)
        #expect(saved.isActive == false)
        #expect(saved.route == "deepseek-v3")
        #expect(saved.metadata["api_endpoint"] == .string("https://example.test"))
        #expect(saved.metadata["tools"] == .array([.string("kundli")]))
        await #expect(throws: StoreError.conflict("active config")) {
            try await store.catalog.deleteConfig(id: active.id, at: Date())
        }
        try await store.catalog.deleteConfig(id: routed.id, at: Date())
        #expect(try await store.catalog.config(id: routed.id) == nil)
        #expect(try await store.catalog.configs(botID: bot.id).map(\.id) == [active.id])
        let snapshot = try #require(try await store.chats.chatBot(slug: bot.slug))
        #expect(snapshot.configs.map(\.id) == [active.id], "a deleted config no longer serves")
        await #expect(throws: StoreError.self) { _ = try await store.catalog.activate(configID: routed.id) }
        await #expect(throws: StoreError.self) { _ = try await store.catalog.updateConfig(edited) }
        let old = try await store.catalog.createConfig(
            BotLLMConfig(botID: bot.id, provider: "mock", model: "old", createdAt: Date(timeIntervalSinceNow: -3600)))
        let activated = try await store.catalog.activate(configID: old.id)
        #expect(abs(activated.updatedAt.timeIntervalSinceNow) < 5, "activation changes the config")
    }

    @Test(arguments: TestStores.configurations)
    func promptOutputsReplyLengthsAndLanguageInstructionsAreStored(configuration: StoreConfiguration) async throws {
        let store = try await TestStores.store(configuration)
        let name = unique("tpl")
        let first = try await store.catalog.createTemplate(name: name, format: .yaml, body: "A: b", output: .json)
        #expect(first.output == .json)
        #expect(try await store.catalog.version(name: name, label: "production")?.output == .json)
        let second = try await store.catalog.addVersion(name: name, format: .yaml, body: "A: c")
        #expect(try await store.catalog.version(name: name, number: second.version)?.output == nil)
        var user = try await store.catalog.findOrCreateUser(externalID: unique("user"))
        user.responseLength = .long
        try await store.catalog.updateUser(user)
        #expect(try await store.catalog.findOrCreateUser(externalID: user.externalID).responseLength == .long)
        #expect(try await store.catalog.user(id: user.id)?.responseLength == .long)
        let app = unique("app")
        try await store.catalog.setLanguageInstruction(.init(app: app, language: "en", text: "One."), at: Date())
        try await store.catalog.setLanguageInstruction(.init(app: app, language: "en", text: "Two."), at: Date())
        #expect(
            try await store.catalog.languageInstructions().filter { $0.app == app } == [
                .init(app: app, language: "en", text: "Two.")
            ])
        #expect(try await store.catalog.deleteLanguageInstruction(app: app, language: "en"))
        #expect(try await store.catalog.deleteLanguageInstruction(app: app, language: "en") == false)
    }

    @Test(arguments: TestStores.configurations)
    func aUsersSessionsAreListedNewestFirstAndDeletedSoftly(configuration: StoreConfiguration) async throws {
        let store = try await TestStores.store(configuration)
        let user = try await store.catalog.findOrCreateUser(externalID: unique("user"))
        let bot = try await store.catalog.createBot(Bot(slug: unique("bot"), name: "S", status: .launched))
        let config = try await store.catalog.createConfig(
            BotLLMConfig(botID: bot.id, provider: "mock", model: "m", isActive: true))
        let start = Date()
        var ids: [UUID] = []
        for index in 0..<3 {
            let session = ChatSession(
                userID: user.id, botID: bot.id, configID: config.id, createdAt: start.addingTimeInterval(Double(index)))
            ids.append(session.id)
            try await store.chats.saveTurn(
                newSession: session,
                user: StoredMessage(
                    sessionID: session.id, role: .user, content: "q\(index)", createdAt: session.createdAt),
                reply: StoredMessage(
                    sessionID: session.id, role: .assistant, content: "a\(index)", configID: config.id,
                    createdAt: session.createdAt))
        }
        let listed = try await store.chats.sessions(userID: user.id, botID: bot.id, offset: 0, limit: 10)
        #expect(listed.map(\.session.id) == ids.reversed())
        #expect(listed.map(\.lastMessage) == ["a2", "a1", "a0"])
        #expect(listed.first?.lastMessageRole == .assistant)
        #expect(
            try await store.chats.sessions(userID: user.id, botID: bot.id, offset: 1, limit: 1).map(\.session.id) == [
                ids[1]
            ])
        let stranger = try await store.catalog.findOrCreateUser(externalID: unique("stranger"))
        #expect(try await store.chats.deleteSession(id: ids[0], userID: stranger.id, at: Date()) == false)
        #expect(try await store.chats.deleteSession(id: ids[0], userID: user.id, at: Date()))
        #expect(try await store.chats.deleteSession(id: ids[0], userID: user.id, at: Date()) == false)
        #expect(try await store.chats.session(id: ids[0])?.deletedAt != nil)
        #expect(try await store.chats.sessions(userID: user.id, botID: bot.id, offset: 0, limit: 10).count == 2)
    }

    /// A database migrated before 009 keeps its bots' metadata: the string map becomes the same JSON object.
    @Test(arguments: TestStores.configurations)
    func migration009KeepsTheOldStringMetadata(configuration: StoreConfiguration) async throws {
        let shared = try await TestStores.store(configuration)
        let scratch: StoreConfiguration
        var dropDatabase: String?
        switch configuration {
        case .sqlite:
            scratch = .sqlite(
                path: FileManager.default.temporaryDirectory.appendingPathComponent("m009-\(UUID().uuidString).sqlite")
                    .path)
        case .postgres(let url):
            let name = "switchyard_m009_\(UUID().uuidString.prefix(8).lowercased())"
            try await shared.catalog.readSQL().raw("CREATE DATABASE \(ident: name)").run()
            dropDatabase = name
            let base = try #require(
                url.range(of: "/", options: .backwards, range: url.range(of: "@")!.upperBound..<url.endIndex))
            let query = url[base.upperBound...].firstIndex(of: "?").map { String(url[$0...]) } ?? ""
            scratch = .postgres(url: String(url[..<base.upperBound]) + name + query)
        }
        let store = try await Store.open(scratch, logger: Logger(label: "m009"))
        do {
            try await store.catalog.migrate(first: 8)
            let id = UUID()
            let postgres = configuration.isPostgres
            // The old column, written by the writer as the old release did: a string map, `jsonb` on PostgreSQL
            // and JSON text on SQLite.
            try await store.catalog.transaction { db in
                guard let sql = db as? any SQLDatabase else { return }
                let text = #"{"app":"demo","tier":"gold"}"#
                let metadata: SQLQueryString = postgres ? "CAST(\(bind: text) AS jsonb)" : "\(bind: text)"
                try await sql.raw(
                    """
                    INSERT INTO bots (id, slug, name, description, scene_description, status, type, rank, metadata,
                      created_at) VALUES (\(bind: id), 'old', 'Old', '', '', 'launched', 'astrologer', 0,
                      \(metadata), \(bind: Date()))
                    """
                ).run()
            }
            try await store.migrate()
            let bot = try #require(try await store.catalog.bot(slug: "old"))
            #expect(bot.metadata == ["app": .string("demo"), "tier": .string("gold")])
            #expect(bot.type == "astrologer", "an old free-form type is kept as it is")
        } catch {
            await store.shutdown()
            throw error
        }
        await store.shutdown()
        if let dropDatabase {
            try await shared.catalog.readSQL().raw("DROP DATABASE \(ident: dropDatabase)").run()
        } else if case .sqlite(let path) = scratch {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
    }
}

extension StoreConfiguration {
    var isPostgres: Bool {
        if case .postgres = self { return true }
        return false
    }
}
