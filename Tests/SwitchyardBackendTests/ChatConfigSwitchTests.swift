import Foundation
import Logging
import SwitchyardBackend
import SwitchyardCore
import SwitchyardTesting
import Testing

/// What a turn sends the gateway and which config serves it: switch semantics, required profile fields, config
/// metadata and routes, output validation, and language instructions by app.
@Suite struct ChatConfigSwitchTests {
    let user = User(externalID: "u-1", language: "en", birthDate: "1990-01-01")
    let bot = Bot(slug: "oracle", name: "Oracle", status: .launched)

    func config(
        _ model: String, weight: Int = 0, active: Bool = false, prompt: String = "You are {{bot_name}}."
    )
        -> BotLLMConfig
    {
        BotLLMConfig(
            botID: bot.id, provider: "mock", model: model, inlinePrompt: prompt, isActive: active, weight: weight)
    }

    /// A service whose catalog holds `configs` now: a new service over the same chats stands for the catalog
    /// after an operator's change.
    func service(
        _ configs: [BotLLMConfig], bot: Bot? = nil, gateway: ScriptedGatewayClient, chats: MemoryChatRepository,
        languages: LanguageInstructionTable = .init()
    ) -> ChatService {
        ChatService(
            catalog: MemoryChatBotReader([ChatBotSnapshot(bot: bot ?? self.bot, configs: configs, prompts: [:])]),
            chats: chats, wallets: EmptyWallets(), gateway: gateway,
            settings: .init(appTimeZone: TimeZone(identifier: "UTC")!), languages: languages,
            logger: Logger(label: "test"))
    }

    @Test func withoutAnExperimentEveryTurnUsesTheActiveConfig() async throws {
        let chats = MemoryChatRepository()
        let gateway = ScriptedGatewayClient([.answer("one"), .answer("two")])
        var a = config("a", active: true)
        var b = config("b")
        let first = try await service([a, b], gateway: gateway, chats: chats)
            .chat(ChatTurnRequest(message: "hi"), user: user, slug: "oracle")
        a.isActive = false
        b.isActive = true
        let second = try await service([a, b], gateway: gateway, chats: chats)
            .chat(ChatTurnRequest(sessionID: first.sessionID, message: "again"), user: user, slug: "oracle")
        #expect(first.configID == a.id)
        #expect(second.configID == b.id, "the running session moved to the newly active config")
        #expect(await gateway.requests.map(\.model) == ["a", "b"])
    }

    @Test func aWeightedVariantStaysWithItsSession() async throws {
        let chats = MemoryChatRepository()
        let gateway = ScriptedGatewayClient([.answer("one"), .answer("two")])
        var a = config("a", weight: 1, active: true)
        var b = config("b", weight: 1)
        let first = try await service([a, b], gateway: gateway, chats: chats)
            .chat(ChatTurnRequest(message: "hi"), user: user, slug: "oracle")
        a.isActive.toggle()
        b.isActive.toggle()
        let second = try await service([a, b], gateway: gateway, chats: chats)
            .chat(ChatTurnRequest(sessionID: first.sessionID, message: "again"), user: user, slug: "oracle")
        #expect(second.configID == first.configID)
        // When the experiment ends (no weights), the session follows the active config.
        a.weight = 0
        b.weight = 0
        let active = a.isActive ? a : b
        await gateway.enqueue(.answer("three"))
        let third = try await service([a, b], gateway: gateway, chats: chats)
            .chat(ChatTurnRequest(sessionID: first.sessionID, message: "more"), user: user, slug: "oracle")
        #expect(third.configID == active.id)
    }

    @Test func aMissingRequiredProfileFieldIsRefusedBeforeAnyProviderCall() async throws {
        let gateway = ScriptedGatewayClient([.answer("never")])
        var picky = bot
        picky.metadata = ["required_fields": .array([.string("birth_date"), .string("birth_place"), .string("name")])]
        let chat = service([config("m", active: true)], bot: picky, gateway: gateway, chats: MemoryChatRepository())
        let failure = await #expect(throws: ChatFailure.self) {
            try await chat.chat(ChatTurnRequest(message: "hi"), user: user, slug: "oracle")
        }
        #expect(failure?.kind == .profileIncomplete(missing: ["birth_place", "name"]))
        #expect(await gateway.requests.isEmpty)
    }

    @Test func theGatewayGetsTheConfigsMetadataRouteAndTheOutputRule() async throws {
        let gateway = ScriptedGatewayClient([.answer("ok")])
        var routed = config("", active: true)
        routed.route = "deepseek-v3"
        routed.metadata = ["tools": .array([.string("kundli")]), "bot": .string("spoofed")]
        let chats = MemoryChatRepository()
        let reply = try await service([routed], gateway: gateway, chats: chats)
            .chat(ChatTurnRequest(message: "hi"), user: user, slug: "oracle")
        let sent = try #require(await gateway.requests.first)
        #expect(sent.route == "deepseek-v3")
        #expect(sent.requireContent)
        #expect(sent.metadata["tools"] == .array([.string("kundli")]))
        #expect(sent.metadata["bot"] == .string("oracle"), "the turn's own keys win")
        #expect(sent.metadata["session"] == .string(reply.sessionID.uuidString.lowercased()))
    }

    @Test(arguments: ["", "  \n "])
    func anEmptyAnswerIsAFailedTurnAndNothingIsStored(answer: String) async throws {
        let chats = MemoryChatRepository()
        let gateway = ScriptedGatewayClient([.answer(answer)])
        let failure = await #expect(throws: ChatFailure.self) {
            try await service([config("m", active: true)], gateway: gateway, chats: chats)
                .chat(ChatTurnRequest(message: "hi"), user: user, slug: "oracle")
        }
        #expect(failure?.code == "empty_response")
        #expect(await chats.savedTurns == 0)
    }

    @Test func theLanguageInstructionFollowsTheTokensAppAndTheAdminsEdits() async throws {
        let repository = StubLanguageInstructions([.init(app: "kundli", language: "en", text: "Kundli English.")])
        let languages = LanguageInstructionTable(repository: repository, refreshInterval: 3600)
        let gateway = ScriptedGatewayClient([.answer("1"), .answer("2"), .answer("3")])
        let chat = service(
            [config("m", active: true, prompt: "{{language_instruction}}")], gateway: gateway,
            chats: MemoryChatRepository(), languages: languages)
        _ = try await chat.chat(ChatTurnRequest(message: "hi", app: "kundli"), user: user, slug: "oracle")
        _ = try await chat.chat(ChatTurnRequest(message: "hi"), user: user, slug: "oracle")
        await repository.set([.init(app: "kundli", language: "en", text: "Edited.")])
        languages.invalidate()
        _ = try await chat.chat(ChatTurnRequest(message: "hi", app: "kundli"), user: user, slug: "oracle")
        #expect(
            await gateway.requests.map(\.systemInstruction) == [
                "Kundli English.", "Modern English language.", "Edited.",
            ])
    }
}

actor StubLanguageInstructions: LanguageInstructionRepository {
    private var entries: [LanguageInstruction]

    init(_ entries: [LanguageInstruction]) {
        self.entries = entries
    }

    func set(_ entries: [LanguageInstruction]) {
        self.entries = entries
    }

    func languageInstructions() async throws -> [LanguageInstruction] { entries }

    func setLanguageInstruction(_ instruction: LanguageInstruction, at date: Date) async throws {
        entries.append(instruction)
    }

    func deleteLanguageInstruction(app: String, language: String) async throws -> Bool { false }
}
