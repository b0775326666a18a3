import Foundation
import Logging
import SwitchyardBackend
import SwitchyardCore
import SwitchyardTesting
import Synchronization
import Testing

/// ``ChatService`` on in-memory fakes of its ports: what a failed turn tells the user, idempotency, and which variant
/// serves a new session.
@Suite struct ChatServiceTests {
    let user = User(externalID: "u-1")
    let bot = Bot(slug: "oracle", name: "Oracle", status: .launched)

    func config(_ model: String, weight: Int = 0, active: Bool = false) -> BotLLMConfig {
        BotLLMConfig(
            botID: bot.id, provider: "mock", model: model, inlinePrompt: "You are {{bot_name}}.", isActive: active,
            weight: weight)
    }

    func service(
        configs: [BotLLMConfig]? = nil, gateway: ScriptedGatewayClient, chats: MemoryChatRepository,
        sessionIDs: [UUID] = []
    ) -> ChatService {
        let ids = SessionIDs(sessionIDs)
        return ChatService(
            catalog: MemoryChatBotReader([
                ChatBotSnapshot(bot: bot, configs: configs ?? [config("m", active: true)], prompts: [:])
            ]),
            chats: chats, wallets: EmptyWallets(), gateway: gateway,
            settings: .init(appTimeZone: TimeZone(identifier: "UTC")!),
            logger: Logger(label: "test"), makeSessionID: { ids.next() })
    }

    static let failures: [(GatewayCallError, ChatFailure.Kind)] = [
        (GatewayCallError(.provider(.contextTooLong)), .tooLong),
        (GatewayCallError(.provider(.contentFiltered)), .contentFiltered),
        (GatewayCallError(.provider(.invalidRequest)), .refused),
        (GatewayCallError(.invalidRequest(.init(parameter: "temperature", message: "no"))), .refused),
        (GatewayCallError(.provider(.rateLimited), retryAfter: .seconds(12)), .unavailable(retryAfterSeconds: 12)),
        (
            GatewayCallError(.provider(.rateLimited), retryAfter: .milliseconds(1500)),
            .unavailable(retryAfterSeconds: 2)
        ),
        (GatewayCallError(.provider(.overloaded), retryAfter: .seconds(3600)), .unavailable(retryAfterSeconds: 60)),
        (GatewayCallError(.provider(.timeout)), .unavailable(retryAfterSeconds: 5)),
        (GatewayCallError(.provider(.upstream5xx)), .unavailable(retryAfterSeconds: 5)),
        (GatewayCallError(.provider(.transport)), .unavailable(retryAfterSeconds: 5)),
        (GatewayCallError(.provider(.auth)), .unavailable(retryAfterSeconds: 5)),
        (GatewayCallError(.noProvider), .unavailable(retryAfterSeconds: 5)),
        (GatewayCallError(.deadline), .unavailable(retryAfterSeconds: 5)),
        (GatewayCallError(.gatewayUnavailable), .unavailable(retryAfterSeconds: 5)),
    ]

    @Test(arguments: failures)
    func aFailedTurnTellsTheUserWhatHelpsAndStoresNothing(
        _ error: GatewayCallError, _ expected: ChatFailure.Kind
    ) async throws {
        let chats = MemoryChatRepository()
        let gateway = ScriptedGatewayClient([.fail(error)])
        let chat = service(gateway: gateway, chats: chats)
        let failure = await #expect(throws: ChatFailure.self) {
            try await chat.chat(ChatTurnRequest(message: "hello"), user: user, slug: "oracle")
        }
        #expect(failure?.kind == expected)
        #expect(failure?.code == error.code)
        #expect(failure?.message.contains("Oracle") == true)
        #expect(await chats.savedTurns == 0)
        #expect(await chats.sessions.isEmpty)
    }

    @Test func aRepeatedIdempotencyKeyIsAnsweredFromTheStoreWithOneGatewayCall() async throws {
        let chats = MemoryChatRepository()
        let gateway = ScriptedGatewayClient([.answer("first answer")])
        let chat = service(gateway: gateway, chats: chats)
        let request = ChatTurnRequest(message: "hello", idempotencyKey: "key-1")
        let first = try await chat.chat(request, user: user, slug: "oracle")
        let again = try await chat.chat(request, user: user, slug: "oracle")
        var continued = request
        continued.sessionID = first.sessionID
        let inSession = try await chat.chat(continued, user: user, slug: "oracle")
        #expect([again.message, inSession.message] == ["first answer", "first answer"])
        #expect(again.sessionID == first.sessionID)
        #expect(await gateway.requests.count == 1)
        #expect(await gateway.unscriptedCalls == 0)
        #expect(await chats.savedTurns == 1)
    }

    @Test func aNewSessionIsServedByTheVariantItsIdPicks() async throws {
        let a = config("model-a", weight: 50)
        let b = config("model-b", weight: 50)
        // Find one session id that lands on each variant, so that both branches are exercised.
        var ids: [UUID: UUID] = [:]
        while ids.count < 2 {
            let id = UUID()
            if let pick = VariantAssignment.pick([(a.id, 50), (b.id, 50)], sessionID: id) { ids[pick] = id }
        }
        let chats = MemoryChatRepository()
        let gateway = ScriptedGatewayClient([.answer("from a"), .answer("from b")])
        let chat = service(configs: [a, b], gateway: gateway, chats: chats, sessionIDs: [ids[a.id]!, ids[b.id]!])
        let first = try await chat.chat(ChatTurnRequest(message: "one"), user: user, slug: "oracle")
        let second = try await chat.chat(ChatTurnRequest(message: "two"), user: user, slug: "oracle")
        #expect([first.configID, second.configID] == [a.id, b.id])
        #expect(await gateway.requests.map(\.model) == ["model-a", "model-b"])
        #expect(await chats.sessions[first.sessionID]?.configID == a.id)
    }

    @Test func anEmptyMessageIsRefusedBeforeAnyCall() async throws {
        let gateway = ScriptedGatewayClient()
        let chat = service(gateway: gateway, chats: MemoryChatRepository())
        let failure = await #expect(throws: ChatFailure.self) {
            try await chat.chat(ChatTurnRequest(message: "  \n "), user: user, slug: "oracle")
        }
        #expect(failure?.kind == .invalidInput(parameter: "message"))
        #expect(await gateway.requests.isEmpty)
    }
}

/// Hands out fixed session ids in order.
final class SessionIDs: Sendable {
    private let ids: Mutex<[UUID]>

    init(_ ids: [UUID]) {
        self.ids = Mutex(ids)
    }

    func next() -> UUID {
        ids.withLock { $0.isEmpty ? UUID() : $0.removeFirst() }
    }
}
