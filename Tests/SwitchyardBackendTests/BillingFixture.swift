import Foundation
import Logging
import NIOConcurrencyHelpers
import SQLKit
import SwitchyardBackend
import SwitchyardCore
import SwitchyardTesting

@testable import SwitchyardStore

/// A paid bot on a real store, a user, and chat services over a gateway that counts its calls.
struct BillingFixture {
    var store: Store
    let bot: Bot
    let user: User
    let config: BotLLMConfig
    let gateway: CountingGateway
    let clock: TestWallClock

    init(
        _ configuration: StoreConfiguration, pricing: Pricing, maxOutputTokens: Int? = nil,
        gateway: CountingGateway = CountingGateway(), store: Store? = nil
    ) async throws {
        let opened: Store
        if let store { opened = store } else { opened = try await TestStores.store(configuration) }
        self.store = opened
        let tag = UUID().uuidString.prefix(8).lowercased()
        bot = try await opened.catalog.createBot(
            Bot(slug: "paid-\(tag)", name: "Paid", status: .launched, pricing: pricing))
        user = try await opened.catalog.findOrCreateUser(externalID: "payer-\(tag)")
        config = try await opened.catalog.createConfig(
            BotLLMConfig(
                botID: bot.id, provider: "mock", model: "m", inlinePrompt: "You are {{bot_name}}.",
                maxOutputTokens: maxOutputTokens, isActive: true))
        self.gateway = gateway
        clock = TestWallClock()
    }

    func service(on store: Store? = nil, holdTimeout: TimeInterval = 120) -> ChatService {
        let store = store ?? self.store
        let clock = self.clock
        return ChatService(
            catalog: store.chats, chats: store.chats, wallets: store.chats, gateway: gateway,
            settings: .init(appTimeZone: TimeZone(identifier: "UTC")!, holdTimeout: holdTimeout),
            logger: Logger(label: "billing-test"), now: { clock.now })
    }

    @discardableResult
    func topUp(
        _ amount: Int64, currency: String = "INR", key: String = UUID().uuidString
    ) async throws
        -> WalletBalance
    {
        try await store.chats.credit(
            Credit(userID: user.id, currency: currency, amount: amount, kind: .topup, idempotencyKey: key),
            now: clock.now
        ).1
    }

    func wallet(_ currency: String = "INR") async throws -> WalletBalance {
        try await store.chats.wallet(userID: user.id, currency: currency)
            ?? WalletBalance(
                currency: currency, balance: 0, held: 0)
    }

    /// The wallet's entries in the order they were written.
    func ledger(_ currency: String = "INR") async throws -> [LedgerEntry] {
        try await store.chats.entries(userID: user.id, limit: 10_000, offset: 0)
            .filter { $0.currency == currency }.sorted { $0.sequence < $1.sequence }
    }

    /// Replays the ledger: its sums equal the cached balance and held sum, its sequence has no gaps, and at no entry
    /// did the balance or the available balance go below zero.
    func expectLedgerMatchesWallet(_ currency: String = "INR") async throws -> Bool {
        let entries = try await ledger(currency)
        let wallet = try await wallet(currency)
        var balance: Int64 = 0
        var held: Int64 = 0
        for (index, entry) in entries.enumerated() {
            guard entry.sequence == Int64(index + 1) else { return false }
            balance += entry.amount
            held += entry.heldDelta
            guard balance >= 0, held >= 0, balance - held >= 0 else { return false }
        }
        return balance == wallet.balance && held == wallet.held
    }

    func storedTurns() async throws -> Int {
        try await store.catalog.readSQL().raw(
            """
            SELECT COUNT(*) AS n FROM chat_messages m JOIN chat_sessions s ON s.id = m.session_id
            WHERE s.user_id = \(bind: user.id) AND m.role = 'assistant'
            """
        ).first()?.decode(column: "n", as: Int.self) ?? 0
    }

    func holds(state: String) async throws -> Int {
        try await store.catalog.readSQL().raw(
            """
            SELECT COUNT(*) AS n FROM wallet_holds h JOIN wallets w ON w.id = h.wallet_id
            WHERE w.user_id = \(bind: user.id) AND h.state = \(bind: state)
            """
        ).first()?.decode(column: "n", as: Int.self) ?? 0
    }
}

/// A wall clock the test moves.
final class TestWallClock: Sendable {
    private let current = NIOLockedValueBox(Date(timeIntervalSince1970: 1_800_000_000))

    var now: Date { current.withLockedValue { $0 } }

    func advance(by seconds: TimeInterval) {
        current.withLockedValue { $0 = $0.addingTimeInterval(seconds) }
    }
}

/// A gateway that answers every call after a short pause with fixed usage, counting calls; or, when scripted, streams
/// pieces and breaks after them.
actor CountingGateway: StreamingGatewayClient {
    private(set) var calls = 0
    let usage: Usage
    let delay: Duration
    var failing = false
    /// For streams: the pieces to send, and whether the upstream breaks after them.
    var pieces = ["Hello", " there", ", friend", "."]
    var breakAfterPieces = false

    init(usage: Usage = Usage(promptTokens: 120, completionTokens: 40), delay: Duration = .milliseconds(20)) {
        self.usage = usage
        self.delay = delay
    }

    func fail() { failing = true }

    func script(pieces: [String], breakAfter: Bool) {
        self.pieces = pieces
        breakAfterPieces = breakAfter
    }

    func generate(_ request: GenerationRequest) async throws(GatewayCallError) -> GenerationResponse {
        calls += 1
        try? await Task.sleep(for: delay)
        if failing { throw GatewayCallError(.provider(.overloaded)) }
        return GenerationResponse(
            text: "Answer \(calls)", finishReason: .stop, usage: usage, provider: "mock", model: request.model,
            attempts: [])
    }

    func stream(_ request: GenerationRequest) async throws(GatewayCallError) -> GatewayStream {
        calls += 1
        if failing { throw GatewayCallError(.provider(.overloaded)) }
        let pieces = self.pieces
        let breaks = breakAfterPieces
        let usage = self.usage
        let events = AsyncThrowingStream<StreamEvent, any Error> { continuation in
            for piece in pieces { continuation.yield(.delta(piece)) }
            if breaks {
                continuation.finish(throwing: ProviderFailure(.transport, detail: "connection reset"))
            } else {
                continuation.yield(.usage(usage))
                continuation.yield(.finish(.stop))
                continuation.finish()
            }
        }
        return GatewayStream(provider: "mock", model: request.model, events: events)
    }
}
