import Foundation

/// A user's money in one currency. `balance` is what they own; `held` is reserved for turns in flight;
/// `available = balance − held` is what a new turn may reserve. The database keeps `balance ≥ 0` and
/// `balance − held ≥ 0` with CHECK constraints, and both equal the sums of the wallet's ledger entries.
public struct WalletBalance: Sendable, Equatable, Codable {
    public var currency: String
    public var balance: Int64
    public var held: Int64
    public var available: Int64 { balance - held }

    public init(currency: String, balance: Int64, held: Int64) {
        self.currency = currency
        self.balance = balance
        self.held = held
    }
}

/// One append-only ledger entry. `amount` changes the balance and `heldDelta` the held sum; a wallet's balance is the
/// sum of its entries' amounts and its held sum the sum of their held deltas.
public struct LedgerEntry: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// Money added by an operator or a payment.
        case topup
        /// A turn's worst case reserved (held +amount).
        case hold
        /// A turn's actual cost taken from its hold (balance −charge), the hold resolved (held −hold): the unused part
        /// goes back to the available balance.
        case settle
        /// A whole hold voided (held −hold): the turn failed, or its hold expired.
        case release
        /// Money returned to the user.
        case refund
        /// An operator's correction.
        case adjustment
    }

    public var id: UUID
    public var currency: String
    /// The entry's position in its wallet, from 1.
    public var sequence: Int64
    public var kind: Kind
    public var amount: Int64
    public var heldDelta: Int64
    public var holdID: UUID?
    public var sessionID: UUID?
    /// The reply message of the turn it belongs to.
    public var turnID: UUID?
    public var idempotencyKey: String
    public var reason: String?
    public var createdAt: Date

    public init(
        id: UUID = .timeOrdered(), currency: String, sequence: Int64, kind: Kind, amount: Int64, heldDelta: Int64,
        holdID: UUID? = nil, sessionID: UUID? = nil, turnID: UUID? = nil, idempotencyKey: String,
        reason: String? = nil, createdAt: Date
    ) {
        self.id = id
        self.currency = currency
        self.sequence = sequence
        self.kind = kind
        self.amount = amount
        self.heldDelta = heldDelta
        self.holdID = holdID
        self.sessionID = sessionID
        self.turnID = turnID
        self.idempotencyKey = idempotencyKey
        self.reason = reason
        self.createdAt = createdAt
    }
}

/// A reservation for one turn: pending until it is settled, released, or expired by the sweeper. It resolves at most
/// once.
public struct HoldRequest: Sendable, Equatable {
    public var userID: UUID
    public var currency: String
    public var amount: Int64
    /// Unique among the wallet's pending holds: a second request with the same key while the first is in flight
    /// is told so instead of holding twice.
    public var requestKey: String
    public var sessionID: UUID
    public var expiresAt: Date

    /// The prefix of request keys made for one turn only (a random id follows): no copy of such a request exists.
    public static let uniqueKeyPrefix = "turn:"

    public init(userID: UUID, currency: String, amount: Int64, requestKey: String, sessionID: UUID, expiresAt: Date) {
        self.userID = userID
        self.currency = currency
        self.amount = amount
        self.requestKey = requestKey
        self.sessionID = sessionID
        self.expiresAt = expiresAt
    }
}

/// What placing a hold did.
public enum HoldOutcome: Sendable, Equatable {
    case placed(holdID: UUID)
    /// The available balance is short; nothing was written.
    case insufficient(available: Int64)
    /// A hold with the same request key is pending: the same request is in flight.
    case inFlight
}

/// The settlement a chat turn's write carries: take `charge` (capped at the hold) from the hold and release the rest,
/// in the transaction that stores the turn.
public struct Settlement: Sendable, Equatable {
    public var holdID: UUID
    public var charge: Int64

    public init(holdID: UUID, charge: Int64) {
        self.holdID = holdID
        self.charge = charge
    }
}

/// What storing a turn did to the wallet.
public struct TurnReceipt: Sendable, Equatable {
    /// What the turn was charged (0 when free, or when its hold had expired).
    public var charge: Int64
    /// The wallet after the turn, for settled turns.
    public var wallet: WalletBalance?
    /// The hold had already expired or resolved: nothing was charged (the sweeper released it).
    public var settlementRefused: Bool

    public init(charge: Int64 = 0, wallet: WalletBalance? = nil, settlementRefused: Bool = false) {
        self.charge = charge
        self.wallet = wallet
        self.settlementRefused = settlementRefused
    }

    public static let free = TurnReceipt()
}

/// A credit (top-up, refund or adjustment) to record once per idempotency key.
public struct Credit: Sendable, Equatable {
    public var userID: UUID
    public var currency: String
    public var amount: Int64
    public var kind: LedgerEntry.Kind
    public var idempotencyKey: String
    public var reason: String?
    /// For refunds: the reply message of the turn refunded; the refunds of a turn never exceed its charge.
    public var turnID: UUID?

    public init(
        userID: UUID, currency: String, amount: Int64, kind: LedgerEntry.Kind, idempotencyKey: String,
        reason: String? = nil, turnID: UUID? = nil
    ) {
        self.userID = userID
        self.currency = currency
        self.amount = amount
        self.kind = kind
        self.idempotencyKey = idempotencyKey
        self.reason = reason
        self.turnID = turnID
    }
}

/// Why a credit was refused.
public enum CreditError: Error, Sendable, Equatable {
    /// The key was used before for a different credit.
    case keyReused
    /// The turn is not this user's, or was not charged in this currency.
    case unknownTurn
    /// The turn's refunds would exceed its charge; `refundable` is what is left.
    case exceedsCharge(refundable: Int64)
}

/// The wallets and their ledger.
public protocol WalletRepository: Sendable {
    /// Reserves `amount` of the available balance, atomically with the check.
    func placeHold(_ request: HoldRequest, now: Date) async throws -> HoldOutcome
    /// Voids a pending hold (a failed turn). - Returns: Whether it was pending.
    @discardableResult func releaseHold(_ holdID: UUID, now: Date) async throws -> Bool
    /// Whether a hold with this request key is pending in the user's wallet.
    func pendingHold(userID: UUID, currency: String, requestKey: String) async throws -> Bool
    /// Expires up to `limit` pending holds past their time. - Returns: How many it expired.
    func expireHolds(now: Date, limit: Int) async throws -> Int
    /// Records a credit once per key. - Returns: The entry, the wallet after it, and whether it was a replay.
    func credit(_ credit: Credit, now: Date) async throws -> (LedgerEntry, WalletBalance, replayed: Bool)
    func wallets(userID: UUID) async throws -> [WalletBalance]
    func wallet(userID: UUID, currency: String) async throws -> WalletBalance?
    /// The user's entries, newest first.
    func entries(userID: UUID, limit: Int, offset: Int) async throws -> [LedgerEntry]
}
