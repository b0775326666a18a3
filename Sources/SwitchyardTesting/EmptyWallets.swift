import Foundation
import SwitchyardCore

/// ``WalletRepository`` for tests of free bots: every wallet is empty, so a paid turn is refused for want of money,
/// and nothing is ever written.
public struct EmptyWallets: WalletRepository {
    public init() {}

    public func placeHold(_ request: HoldRequest, now: Date) async throws -> HoldOutcome { .insufficient(available: 0) }
    public func releaseHold(_ holdID: UUID, now: Date) async throws -> Bool { false }
    public func pendingHold(userID: UUID, currency: String, requestKey: String) async throws -> Bool { false }
    public func expireHolds(now: Date, limit: Int) async throws -> Int { 0 }
    public func credit(_ credit: Credit, now: Date) async throws -> (LedgerEntry, WalletBalance, replayed: Bool) {
        throw StoreError.notFound("wallets")
    }
    public func wallets(userID: UUID) async throws -> [WalletBalance] { [] }
    public func wallet(userID: UUID, currency: String) async throws -> WalletBalance? { nil }
    public func entries(userID: UUID, limit: Int, offset: Int) async throws -> [LedgerEntry] { [] }
}
