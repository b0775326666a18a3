import Foundation
import Logging
import SQLKit
import SwitchyardBackend
import SwitchyardCore
import Testing

@testable import SwitchyardStore

/// Paid chat on both databases: holds that never overdraw under concurrency, settlement at the locked price, one
/// charge per idempotency key, expiry after a crash, and a ledger that always sums to the wallet.
@Suite struct BillingTests {
    static let perMessage = Pricing(currency: "INR", perMessage: 100)

    /// A wallet that holds exactly K turns; 8×K turns at once: K answered, the rest refused with 402 before any
    /// provider call, and the balance ends at exactly zero.
    @Test(arguments: TestStores.configurations)
    func parallelTurnsNeverOverdrawTheWallet(configuration: StoreConfiguration) async throws {
        let fixture = try await BillingFixture(configuration, pricing: Self.perMessage)
        let k = 6
        try await fixture.topUp(Int64(k) * 100)
        let outcomes = try await Self.fire(8 * k, services: [fixture.service()], fixture: fixture)
        #expect(outcomes.answered == k)
        #expect(outcomes.refused == 7 * k)
        #expect(outcomes.other == 0)
        #expect(await fixture.gateway.calls == k, "a refused turn calls no provider")
        let wallet = try await fixture.wallet()
        #expect(wallet.balance == 0 && wallet.held == 0)
        #expect(try await fixture.expectLedgerMatchesWallet())
        #expect(try await fixture.storedTurns() == k)
    }

    /// The same run split between two stores on one PostgreSQL (two replicas: separate pools, batchers and chat
    /// services, so nothing in process serializes them): the same exact figures.
    @Test func twoReplicasOnOnePostgreSQLNeverOverdraw() async throws {
        guard let url = TestStores.postgresURL else {
            #expect(!TestStores.postgresRequired, "PostgreSQL is required")
            return
        }
        let first = try await TestStores.store(.postgres(url: url))
        let second = try await Store.open(.postgres(url: url), logger: .init(label: "replica-2"))
        defer { Task { await second.shutdown() } }
        let fixture = try await BillingFixture(.postgres(url: url), pricing: Self.perMessage, store: first)
        let k = 6
        try await fixture.topUp(Int64(k) * 100)
        let outcomes = try await Self.fire(
            8 * k, services: [fixture.service(on: first), fixture.service(on: second)], fixture: fixture)
        #expect(outcomes.answered == k)
        #expect(outcomes.refused == 7 * k)
        #expect(await fixture.gateway.calls == k)
        let wallet = try await fixture.wallet()
        #expect(wallet.balance == 0 && wallet.held == 0)
        #expect(try await fixture.expectLedgerMatchesWallet())
    }

    /// One key sent ten times at once, to two chat services on one store (so the in-process deduplication of one
    /// does not hide the other): one provider call, one charge, one stored turn, the same reply for all.
    @Test(arguments: TestStores.configurations)
    func oneIdempotencyKeyIsChargedOnce(configuration: StoreConfiguration) async throws {
        let fixture = try await BillingFixture(configuration, pricing: Self.perMessage)
        try await fixture.topUp(1000)
        let services = [fixture.service(), fixture.service()]
        let replies = try await withThrowingTaskGroup(of: ChatTurnReply.self) { group in
            for index in 0..<10 {
                group.addTask {
                    try await services[index % 2].chat(
                        ChatTurnRequest(message: "hello", idempotencyKey: "same-key"), user: fixture.user,
                        slug: fixture.bot.slug)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(replies.map(\.messageID)).count == 1)
        #expect(Set(replies.map(\.charge)) == [100])
        #expect(await fixture.gateway.calls == 1)
        #expect(try await fixture.storedTurns() == 1)
        #expect(try await fixture.wallet().balance == 900)
        #expect(try await fixture.ledger().filter { $0.kind == .settle }.count == 1)
        #expect(try await fixture.expectLedgerMatchesWallet())
    }

    /// A price change mid-session leaves that session's charges unchanged; a new session pays the new price.
    @Test(arguments: TestStores.configurations)
    func aSessionKeepsThePriceItStartedWith(configuration: StoreConfiguration) async throws {
        let fixture = try await BillingFixture(configuration, pricing: Self.perMessage)
        try await fixture.topUp(10_000)
        let chat = fixture.service()
        let first = try await chat.chat(ChatTurnRequest(message: "one"), user: fixture.user, slug: fixture.bot.slug)
        var bot = fixture.bot
        bot.pricing = Pricing(currency: "INR", perMessage: 300)
        try await fixture.store.catalog.updateBot(bot)
        let second = try await chat.chat(
            ChatTurnRequest(sessionID: first.sessionID, message: "two"), user: fixture.user, slug: fixture.bot.slug)
        let fresh = try await chat.chat(ChatTurnRequest(message: "three"), user: fixture.user, slug: fixture.bot.slug)
        #expect([first.charge, second.charge, fresh.charge] == [100, 100, 300])
        #expect(fresh.balance == Int64(9_500))
        let totals = try await fixture.store.chats.sessionTotals(id: first.sessionID)
        #expect(totals.charged == 200 && totals.turns == 2)
        #expect(try await fixture.expectLedgerMatchesWallet())
    }

    /// Tokens and minutes at the locked price: each token part rounds up to a whole minor unit, and each turn pays
    /// the session minutes it newly started. The hold covered the worst case, and the rest was released.
    @Test(arguments: TestStores.configurations)
    func aTurnIsChargedItsActualTokensAndMinutes(configuration: StoreConfiguration) async throws {
        let pricing = Pricing(
            currency: "USD", perMessage: 5, per1kInputTokens: 3, per1kOutputTokens: 7, perMinute: 11,
            freeMessages: 1)
        let fixture = try await BillingFixture(configuration, pricing: pricing, maxOutputTokens: 500)
        try await fixture.topUp(1_000, currency: "USD")
        let chat = fixture.service()
        let free = try await chat.chat(ChatTurnRequest(message: "hi"), user: fixture.user, slug: fixture.bot.slug)
        #expect(free.charge == 0 && free.balance == 1_000, "the first message is free and holds nothing")
        #expect(try await fixture.ledger("USD").count == 1)
        fixture.clock.advance(by: 130)
        let paid = try await chat.chat(
            ChatTurnRequest(sessionID: free.sessionID, message: "and now?"), user: fixture.user,
            slug: fixture.bot.slug)
        // 5 + ⌈120·3/1000⌉ + ⌈40·7/1000⌉ + 11·(3 − 1) minutes = 5 + 1 + 1 + 22.
        #expect(paid.charge == 29)
        #expect(paid.balance == Int64(971))
        let kinds = try await fixture.ledger("USD").map(\.kind)
        #expect(kinds == [.topup, .hold, .settle])
        let entries = try await fixture.ledger("USD")
        #expect(entries[1].heldDelta > 29, "the hold covered the worst case")
        #expect(entries[2].amount == -29 && entries[2].heldDelta == -entries[1].heldDelta, "the rest is released")
        #expect(try await fixture.expectLedgerMatchesWallet("USD"))
    }

    /// A failed turn releases its whole hold: the user pays nothing and nothing is stored.
    @Test(arguments: TestStores.configurations)
    func aFailedTurnCostsNothing(configuration: StoreConfiguration) async throws {
        let fixture = try await BillingFixture(configuration, pricing: Self.perMessage)
        try await fixture.topUp(500)
        await fixture.gateway.fail()
        await #expect(throws: ChatFailure.self) {
            try await fixture.service().chat(ChatTurnRequest(message: "hi"), user: fixture.user, slug: fixture.bot.slug)
        }
        #expect(try await fixture.wallet() == WalletBalance(currency: "INR", balance: 500, held: 0))
        #expect(try await fixture.ledger().map(\.kind) == [.topup, .hold, .release])
        #expect(try await fixture.storedTurns() == 0)
        #expect(try await fixture.expectLedgerMatchesWallet())
    }

    /// A hold left by a process that died between hold and settle: the store closed without settling, a store
    /// opened afresh, and a sweeper pass after the timeout release it; the late settlement is then refused and charges
    /// nothing. (On SQLite a file of its own, so the two stores never share the file while other tests write.)
    @Test(arguments: TestStores.configurations)
    func anOrphanedHoldExpiresAndALateSettlementIsRefused(configuration: StoreConfiguration) async throws {
        var isolated = configuration
        if case .sqlite = configuration {
            isolated = .sqlite(
                path: FileManager.default.temporaryDirectory.appendingPathComponent("crash-\(UUID().uuidString).sqlite")
                    .path)
        } else {
            // The shared database, migrated once by the suite (two migrations at once would collide).
            _ = try await TestStores.store(configuration)
        }
        let crashed = try await Store.open(isolated, logger: .init(label: "before-kill"))
        if case .sqlite = isolated {
            do { try await crashed.migrate() } catch {
                await crashed.shutdown()
                throw error
            }
        }
        var fixture = try await BillingFixture(isolated, pricing: Self.perMessage, store: crashed)
        // Ten days before the other tests' clocks, so that this sweep touches no hold of theirs.
        fixture.clock.advance(by: -864_000)
        try await fixture.topUp(300)
        let session = ChatSession(
            userID: fixture.user.id, botID: fixture.bot.id, configID: fixture.config.id, pricing: Self.perMessage,
            createdAt: fixture.clock.now)
        let placed = try await crashed.chats.placeHold(
            HoldRequest(
                userID: fixture.user.id, currency: "INR", amount: 100, requestKey: "turn:crash", sessionID: session.id,
                expiresAt: fixture.clock.now.addingTimeInterval(60)), now: fixture.clock.now)
        guard case .placed(let holdID) = placed else { throw CancellationError() }
        #expect(try await fixture.wallet().available == 200)
        await crashed.shutdown()

        let restarted = try await Store.open(isolated, logger: .init(label: "restarted"))
        fixture.store = restarted
        let sweeper = HoldSweeper(wallets: restarted.chats, interval: .seconds(1), logger: .init(label: "sweeper"))
        try await sweeper.sweep(now: fixture.clock.now)
        #expect(try await fixture.holds(state: "pending") == 1, "not expired yet")
        try await sweeper.sweep(now: fixture.clock.now.addingTimeInterval(61))
        try await sweeper.sweep(now: fixture.clock.now.addingTimeInterval(62))
        #expect(try await fixture.holds(state: "expired") == 1)
        #expect(try await fixture.wallet() == WalletBalance(currency: "INR", balance: 300, held: 0))
        let receipt = try await restarted.chats.saveTurn(
            newSession: session,
            user: StoredMessage(sessionID: session.id, role: .user, content: "late"),
            reply: StoredMessage(sessionID: session.id, role: .assistant, content: "late answer", charge: 100),
            settlement: Settlement(holdID: holdID, charge: 100))
        #expect(receipt.settlementRefused)
        #expect(receipt.charge == 0)
        #expect(try await fixture.wallet().balance == 300, "never double counted")
        #expect(try await fixture.ledger().map(\.kind) == [.topup, .hold, .release], "released once")
        #expect(try await fixture.expectLedgerMatchesWallet())
        await restarted.shutdown()
        if case .sqlite(let path) = isolated {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
    }

    /// Streams: cut by the upstream after three pieces, or abandoned by the client after three. Either way the
    /// delivered text is stored (marked interrupted) and charged at the locked price: a non-zero charge equal to
    /// the delivered tokens.
    @Test(arguments: TestStores.configurations)
    func aCutStreamIsStoredAndChargedForWhatWasDelivered(configuration: StoreConfiguration) async throws {
        let pricing = Pricing(currency: "INR", per1kOutputTokens: 1_000)
        let fixture = try await BillingFixture(configuration, pricing: pricing, maxOutputTokens: 100)
        try await fixture.topUp(1_000)
        await fixture.gateway.script(pieces: ["one", " two", " three"], breakAfter: true)
        let chat = fixture.service()
        guard
            case .live(let cut) = try await chat.openStream(
                ChatTurnRequest(message: "tell me"), user: fixture.user, slug: fixture.bot.slug)
        else { throw CancellationError() }
        while let piece = await cut.next() { cut.delivered(piece) }
        let (reply, failure) = try await chat.complete(cut)
        #expect(failure?.code == "transport")
        #expect(reply.interrupted && reply.message == "one two three")
        // 13 characters at four a token: 4 tokens at 1 minor unit each.
        #expect(reply.charge == 4)

        await fixture.gateway.script(pieces: ["alpha", " beta", " gamma", " delta", " epsilon"], breakAfter: false)
        guard
            case .live(let abandoned) = try await chat.openStream(
                ChatTurnRequest(message: "and again"), user: fixture.user, slug: fixture.bot.slug)
        else { throw CancellationError() }
        for _ in 0..<3 {
            if let piece = await abandoned.next() { abandoned.delivered(piece) }
        }
        let (left, noFailure) = try await chat.complete(abandoned)
        #expect(noFailure == nil)
        #expect(left.interrupted && left.message == "alpha beta gamma")
        #expect(left.charge == 4)
        let stored = try await fixture.store.chats.recentMessages(sessionID: left.sessionID, limit: 10)
        #expect(stored.last?.content == "alpha beta gamma" && stored.last?.interrupted == true)
        #expect(stored.last?.charge == 4)
        #expect(try await fixture.wallet().balance == 1_000 - 8)
        #expect(try await fixture.expectLedgerMatchesWallet())
    }

    /// The database itself refuses what the code must never do: a negative available balance, and any change to a
    /// written ledger entry.
    @Test(arguments: TestStores.configurations)
    func theDatabaseEnforcesTheMoneyRules(configuration: StoreConfiguration) async throws {
        let fixture = try await BillingFixture(configuration, pricing: Self.perMessage)
        try await fixture.topUp(100)
        let writer = try #require(fixture.store.chats as? any TransactionalStore)
        let user = fixture.user.id
        @Sendable func run(_ sql: String, _ binds: [StoreBind] = []) async throws {
            try await writer.writeTransaction { tx in _ = try await tx.rows(StoreStatement(sql, binds)) { _ in () } }
        }
        // The connection can write: holding all of the balance is allowed.
        try await run("UPDATE wallets SET held = 100 WHERE user_id = ?", [.uuid(user)])
        try await run("UPDATE wallets SET held = 0 WHERE user_id = ?", [.uuid(user)])
        await #expect(throws: (any Error).self) {
            try await run("UPDATE wallets SET held = 101 WHERE user_id = ?", [.uuid(user)])
        }
        await #expect(throws: (any Error).self) {
            try await run("UPDATE wallets SET balance = -1 WHERE user_id = ?", [.uuid(user)])
        }
        await #expect(throws: (any Error).self) {
            try await run("UPDATE ledger_entries SET amount = 1000000 WHERE kind = 'topup'")
        }
        await #expect(throws: (any Error).self) {
            try await run("DELETE FROM ledger_entries WHERE kind = 'topup'")
        }
        #expect(try await fixture.wallet().balance == 100)
    }

    /// Top-ups and refunds are recorded once per key; a refund never exceeds what its turn was charged.
    @Test(arguments: TestStores.configurations)
    func creditsAreIdempotentAndRefundsBounded(configuration: StoreConfiguration) async throws {
        let fixture = try await BillingFixture(configuration, pricing: Self.perMessage)
        let credits = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try await fixture.store.chats.credit(
                        Credit(
                            userID: fixture.user.id, currency: "INR", amount: 500, kind: .topup, idempotencyKey: "t1"),
                        now: Date()
                    ).replayed
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(credits.filter { !$0 }.count == 1)
        #expect(try await fixture.wallet().balance == 500)
        await #expect(throws: CreditError.keyReused) {
            try await fixture.store.chats.credit(
                Credit(userID: fixture.user.id, currency: "INR", amount: 501, kind: .topup, idempotencyKey: "t1"),
                now: Date())
        }
        let reply = try await fixture.service().chat(
            ChatTurnRequest(message: "hi"), user: fixture.user, slug: fixture.bot.slug)
        func refund(_ amount: Int64, _ key: String) async throws {
            _ = try await fixture.store.chats.credit(
                Credit(
                    userID: fixture.user.id, currency: "INR", amount: amount, kind: .refund, idempotencyKey: key,
                    turnID: reply.messageID), now: Date())
        }
        try await refund(60, "r1")
        await #expect(throws: CreditError.exceedsCharge(refundable: 40)) { try await refund(41, "r2") }
        try await refund(40, "r3")
        #expect(try await fixture.wallet().balance == 500)
        #expect(try await fixture.expectLedgerMatchesWallet())
    }

    struct Outcomes {
        var answered = 0
        var refused = 0
        var other = 0
    }

    /// Fires `count` first messages at once, spread over `services`.
    static func fire(_ count: Int, services: [ChatService], fixture: BillingFixture) async throws -> Outcomes {
        try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<count {
                group.addTask {
                    do {
                        _ = try await services[index % services.count].chat(
                            ChatTurnRequest(message: "turn \(index)"), user: fixture.user, slug: fixture.bot.slug)
                        return 0
                    } catch let failure as ChatFailure where failure.kind == .paymentRequired {
                        return 1
                    } catch {
                        return 2
                    }
                }
            }
            var outcomes = Outcomes()
            for try await kind in group {
                switch kind {
                case 0: outcomes.answered += 1
                case 1: outcomes.refused += 1
                default: outcomes.other += 1
                }
            }
            return outcomes
        }
    }
}
