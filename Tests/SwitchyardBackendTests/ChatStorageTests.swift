import Foundation
import SQLKit
import SwitchyardCore
import SwitchyardTesting
import Testing

@testable import SwitchyardStore

/// How chat turns are written and read back: ordering under concurrency, exact values, failure isolation within a
/// group commit, statement reuse on SQLite, and admin writes beside chat writes.
@Suite struct ChatStorageTests {
    struct Fixture {
        let store: Store
        let bot: Bot
        let user: User
        let config: BotLLMConfig

        init(_ configuration: StoreConfiguration) async throws {
            store = try await TestStores.store(configuration)
            let tag = UUID().uuidString.prefix(8).lowercased()
            bot = try await store.catalog.createBot(Bot(slug: "storage-\(tag)", name: "Bot", status: .launched))
            user = try await store.catalog.findOrCreateUser(externalID: "storage-\(tag)")
            config = try await store.catalog.createConfig(
                BotLLMConfig(botID: bot.id, provider: "mock", model: "m", isActive: true))
        }

        /// A new session, stored with its first turn (labelled "0"; `key` is that turn's idempotency key, so the
        /// session's opening key too).
        func startSession(key: String? = nil) async throws -> ChatSession {
            let session = ChatSession(userID: user.id, botID: bot.id, configID: config.id, openingKey: key)
            let (question, answer) = turn(session, "0", key: key)
            try await store.chats.saveTurn(newSession: session, user: question, reply: answer)
            return session
        }

        func turn(_ session: ChatSession, _ label: String, key: String? = nil) -> (StoredMessage, StoredMessage) {
            (
                StoredMessage(sessionID: session.id, role: .user, content: "q\(label)", idempotencyKey: key),
                StoredMessage(
                    sessionID: session.id, role: .assistant, content: "a\(label)", provider: "mock", model: "m",
                    configID: config.id, usage: Usage(promptTokens: 1, completionTokens: 2))
            )
        }

        /// Saves the turns labelled `labels` of an existing session, all at once.
        func saveConcurrently(_ session: ChatSession, _ labels: ClosedRange<Int>) async throws {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in labels {
                    group.addTask {
                        let (question, answer) = turn(session, "\(index)")
                        try await store.chats.saveTurn(newSession: nil, user: question, reply: answer)
                    }
                }
                try await group.waitForAll()
            }
        }

        func sequenceNumbers(_ session: ChatSession) async throws -> [Int64] {
            try await store.catalog.readSQL().raw(
                "SELECT seq FROM chat_messages WHERE session_id = \(bind: session.id) ORDER BY seq"
            ).all().map { try $0.decode(column: "seq", as: Int64.self) }
        }
    }

    @Test(arguments: TestStores.configurations)
    func concurrentTurnsOfOneSessionAreNumberedWithoutGaps(configuration: StoreConfiguration) async throws {
        let fixture = try await Fixture(configuration)
        let session = try await fixture.startSession()
        try await fixture.saveConcurrently(session, 1...40)
        #expect(try await fixture.sequenceNumbers(session) == Array(1...82))
        let messages = try await fixture.store.chats.recentMessages(sessionID: session.id, limit: 1000)
        #expect(messages.count == 82)
        for pair in stride(from: 0, to: messages.count, by: 2) {
            #expect(messages[pair].role == .user)
            #expect(
                messages[pair + 1].content == "a" + messages[pair].content.dropFirst(), "a reply follows its question")
        }
    }

    @Test(arguments: TestStores.configurations)
    func aStoredTurnReadsBackExactly(configuration: StoreConfiguration) async throws {
        let fixture = try await Fixture(configuration)
        let session = ChatSession(
            userID: fixture.user.id, botID: fixture.bot.id, configID: fixture.config.id,
            createdAt: Date(timeIntervalSince1970: 1_700_000_000.25))
        let question = StoredMessage(
            sessionID: session.id, role: .user, content: "नमस्ते — what's \"my\" chart? 🌙\n'; DROP TABLE users; --",
            idempotencyKey: "key-1", sequence: 1, createdAt: Date(timeIntervalSince1970: 1_700_000_001.5))
        let answer = StoredMessage(
            sessionID: session.id, role: .assistant, content: "", provider: nil, model: "m", configID: nil,
            usage: Usage(promptTokens: 0, completionTokens: 7), sequence: 2, charge: 0, interrupted: true,
            createdAt: Date(timeIntervalSince1970: 1_700_000_002))
        try await fixture.store.chats.saveTurn(newSession: session, user: question, reply: answer)
        #expect(try await fixture.store.chats.session(id: session.id) == session)
        #expect(try await fixture.store.chats.recentMessages(sessionID: session.id, limit: 20) == [question, answer])
        #expect(try await fixture.store.chats.reply(sessionID: session.id, idempotencyKey: "key-1") == answer)
        #expect(try await fixture.store.chats.session(id: UUID()) == nil)
    }

    /// The call record is written with its reply and reads back field for field.
    @Test(arguments: TestStores.configurations)
    func aRepliesAttemptsReadBackExactly(configuration: StoreConfiguration) async throws {
        let fixture = try await Fixture(configuration)
        let session = ChatSession(userID: fixture.user.id, botID: fixture.bot.id, configID: fixture.config.id)
        let question = StoredMessage(sessionID: session.id, role: .user, content: "q", idempotencyKey: "rec-1")
        var answer = StoredMessage(
            sessionID: session.id, role: .assistant, content: "a", provider: "gemini", model: "gemini-2.0-flash",
            usage: Usage(promptTokens: 40, completionTokens: 9))
        var streamed = AttemptRecord(
            target: Target(provider: "gemini", model: "gemini-2.0-flash"), outcome: .success,
            latency: .milliseconds(812), usage: Usage(promptTokens: 40, completionTokens: 9, cachedPromptTokens: 32),
            cost: 7_400)
        streamed.timeToFirstTokenMilliseconds = 301
        answer.attempts = [
            AttemptRecord(
                target: Target(provider: "bedrock", model: "deepseek.v3-v1:0", regionName: "ap-south-1"),
                outcome: .failed(.rateLimited), latency: .milliseconds(120), status: 429, cost: 0),
            AttemptRecord(
                target: Target(provider: "bedrock", model: "deepseek.v3-v1:0", regionName: "ap-south-1"),
                outcome: .failed(.overloaded), latency: .milliseconds(95), status: 503,
                usage: Usage(promptTokens: 12, completionTokens: 3), cost: nil),
            AttemptRecord(
                target: Target(provider: "byteplus", model: "deepseek-v3"), outcome: .skippedCooldown, cost: 0),
            streamed,
        ]
        try await fixture.store.chats.saveTurn(newSession: session, user: question, reply: answer)
        let records = try await fixture.store.chats.attempts(messageIDs: [answer.id, question.id, UUID()])
        #expect(records == [answer.id: answer.attempts])
        #expect(try await fixture.store.chats.attempts(messageIDs: []) == [:])
    }

    @Test(arguments: TestStores.configurations)
    func aSessionIsFoundByTheKeyThatOpenedItAndTheKeyIsUnique(configuration: StoreConfiguration) async throws {
        let fixture = try await Fixture(configuration)
        let session = try await fixture.startSession(key: "opening")
        let found = try await fixture.store.chats.openedSession(
            userID: fixture.user.id, botID: fixture.bot.id, idempotencyKey: "opening")
        #expect(found?.id == session.id)
        #expect(found?.openingKey == "opening")
        #expect(
            try await fixture.store.chats.openedSession(
                userID: fixture.user.id, botID: fixture.bot.id, idempotencyKey: "x")
                == nil)
        let twin = ChatSession(
            userID: fixture.user.id, botID: fixture.bot.id, configID: fixture.config.id, openingKey: "opening")
        let (question, answer) = fixture.turn(twin, "twin")
        await #expect(throws: StoreError.conflict("chat turn")) {
            try await fixture.store.chats.saveTurn(newSession: twin, user: question, reply: answer)
        }
        #expect(try await fixture.store.chats.session(id: twin.id) == nil)
        _ = try await fixture.startSession()
        _ = try await fixture.startSession()
    }

    @Test(arguments: TestStores.configurations)
    func aFailingTurnDoesNotFailTheOthers(configuration: StoreConfiguration) async throws {
        let fixture = try await Fixture(configuration)
        let session = try await fixture.startSession(key: "used")
        let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 1...20 {
                group.addTask {
                    // Turn 7 repeats an idempotency key of its session: the database refuses it.
                    let (question, answer) = fixture.turn(session, "\(index)", key: index == 7 ? "used" : "k\(index)")
                    do {
                        try await fixture.store.chats.saveTurn(newSession: nil, user: question, reply: answer)
                        return true
                    } catch {
                        return false
                    }
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.filter { !$0 }.count == 1)
        #expect(try await fixture.sequenceNumbers(session) == Array(1...40))
    }

    @Test func sqliteReusesPreparedStatementsForNewValues() async throws {
        let path = try #require(
            TestStores.configurations.compactMap { configuration -> String? in
                if case .sqlite(let path) = configuration { return path }
                return nil
            }.first)
        let fixture = try await Fixture(.sqlite(path: path))
        let other = try await fixture.store.catalog.createBot(
            Bot(slug: "storage-other-\(UUID().uuidString.prefix(8).lowercased())", name: "Other", status: .launched))
        let engine = try SQLiteEngine(path: path, readers: 1)
        let statements = [
            ChatStatements.chatBot(slug: fixture.bot.slug), ChatStatements.chatBot(slug: other.slug),
            ChatStatements.user(externalID: fixture.user.externalID), ChatStatements.user(externalID: "nobody"),
            ChatStatements.recentMessages(sessionID: UUID(), limit: 20),
            ChatStatements.recentMessages(sessionID: UUID(), limit: 20),
        ]
        var found: [Int] = []
        for statement in statements {
            found.append(try await engine.read { try $0.rows(statement) { _ in () }.count })
        }
        #expect(found == [1, 1, 1, 0, 0, 0])
        for statement in statements {
            let reprepared = try await engine.read { $0.reprepareCount(of: statement.sql) }
            #expect(reprepared == 0, "re-prepared: \(statement.sql.prefix(40))")
        }
        await engine.shutdown()
    }

    @Test(arguments: TestStores.configurations)
    func adminWritesRunBesideChatTurns(configuration: StoreConfiguration) async throws {
        let fixture = try await Fixture(configuration)
        let session = try await fixture.startSession()
        async let turns: Void = fixture.saveConcurrently(session, 1...30)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 1...6 {
                group.addTask {
                    let config = try await fixture.store.catalog.createConfig(
                        BotLLMConfig(botID: fixture.bot.id, provider: "mock", model: "m\(index)"))
                    _ = try await fixture.store.catalog.activate(configID: config.id)
                }
            }
            try await group.waitForAll()
        }
        try await turns
        #expect(try await fixture.sequenceNumbers(session).count == 62)
        #expect(try await fixture.store.catalog.configs(botID: fixture.bot.id).filter(\.isActive).count == 1)
    }

    /// Drivers log statements with their bound values at trace: chat text and profile fields must not reach the
    /// logs, whatever the log level.
    @Test(arguments: TestStores.configurations)
    func nothingPrivateReachesTheLogsEvenAtTrace(configuration: StoreConfiguration) async throws {
        var target = configuration
        switch configuration {
        case .postgres(let url) where url.isEmpty: throw TestStores.MissingPostgres()
        case .postgres: _ = try await TestStores.store(configuration)  // migrated once, by the shared store
        case .sqlite:
            target = .sqlite(
                path: FileManager.default.temporaryDirectory.appendingPathComponent("logs-\(UUID().uuidString).sqlite")
                    .path)
        }
        let logs = CapturedLogs()
        let store = try await Store.open(target, logger: logs.logger())
        do {
            if case .sqlite = target { try await store.migrate() }
            let secret = "private-\(UUID().uuidString)"
            let bot = try await store.catalog.createBot(
                Bot(slug: "logs-\(secret.suffix(8))", name: secret, status: .launched))
            var user = try await store.catalog.findOrCreateUser(externalID: "logs-\(secret)")
            user.name = secret
            try await store.catalog.updateUser(user)
            let config = try await store.catalog.createConfig(BotLLMConfig(botID: bot.id, provider: "mock", model: "m"))
            let session = ChatSession(userID: user.id, botID: bot.id, configID: config.id)
            try await store.chats.saveTurn(
                newSession: session, user: StoredMessage(sessionID: session.id, role: .user, content: secret),
                reply: StoredMessage(sessionID: session.id, role: .assistant, content: secret))
            #expect(
                try await store.chats.recentMessages(sessionID: session.id, limit: 5).map(\.content) == [
                    secret, secret,
                ])
            #expect(!logs.text.contains(secret))
        } catch {
            await store.shutdown()
            throw error
        }
        await store.shutdown()
        if case .sqlite(let path) = target {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
    }
}
