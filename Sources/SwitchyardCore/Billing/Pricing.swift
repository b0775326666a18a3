import Foundation

/// What a bot charges, in integer minor units of one currency (paise for INR, cents for USD). A session copies it when
/// it starts, so a later change affects new sessions only. Every part defaults to zero; a pricing whose parts are all
/// zero is free.
public struct Pricing: Sendable, Equatable, Codable {
    public var currency: String
    public var perMessage: Int64
    public var per1kInputTokens: Int64
    public var per1kOutputTokens: Int64
    public var perMinute: Int64
    /// The first this-many turns of a session are free (no hold, no charge).
    public var freeMessages: Int64

    /// The largest price part accepted: it keeps every product below `Int64.max` for any realistic token count.
    public static let maximumPart: Int64 = 1_000_000_000

    public init(
        currency: String, perMessage: Int64 = 0, per1kInputTokens: Int64 = 0, per1kOutputTokens: Int64 = 0,
        perMinute: Int64 = 0, freeMessages: Int64 = 0
    ) {
        self.currency = currency
        self.perMessage = perMessage
        self.per1kInputTokens = per1kInputTokens
        self.per1kOutputTokens = per1kOutputTokens
        self.perMinute = perMinute
        self.freeMessages = freeMessages
    }

    /// Whether any turn can cost something.
    public var isPaid: Bool { perMessage > 0 || per1kInputTokens > 0 || per1kOutputTokens > 0 || perMinute > 0 }

    /// Whether the turn that follows `completedTurns` earlier turns of its session is charged.
    public func charges(turnAfter completedTurns: Int64) -> Bool {
        isPaid && completedTurns >= freeMessages
    }

    /// - Returns: What is wrong with it, for a person; nil when it is valid.
    public func problem() -> String? {
        if currency.utf8.count != 3 || !currency.utf8.allSatisfy({ (65...90).contains($0) }) {
            return "`pricing.currency` must be a three-letter ISO 4217 code in capitals, such as INR or USD."
        }
        let parts: [(String, Int64)] = [
            ("per_message", perMessage), ("per_1k_input_tokens", per1kInputTokens),
            ("per_1k_output_tokens", per1kOutputTokens), ("per_minute", perMinute), ("free_messages", freeMessages),
        ]
        for (name, value) in parts where !(0...Self.maximumPart).contains(value) {
            return "`pricing.\(name)` must be an integer from 0 to \(Self.maximumPart) (minor units)."
        }
        return nil
    }

    /// The amount for a turn's units, each token part rounded up to a whole minor unit.
    public func amount(_ units: TurnUnits) -> Int64 {
        perMessage * units.messages + Self.per1k(per1kInputTokens, units.inputTokens)
            + Self.per1k(per1kOutputTokens, units.outputTokens) + perMinute * units.minutes
    }

    private static func per1k(_ price: Int64, _ tokens: Int64) -> Int64 {
        guard price > 0, tokens > 0 else { return 0 }
        return (price * tokens + 999) / 1000
    }

    enum CodingKeys: String, CodingKey {
        case currency
        case perMessage = "per_message"
        case per1kInputTokens = "per_1k_input_tokens"
        case per1kOutputTokens = "per_1k_output_tokens"
        case perMinute = "per_minute"
        case freeMessages = "free_messages"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        currency = try container.decode(String.self, forKey: .currency)
        perMessage = try container.decodeIfPresent(Int64.self, forKey: .perMessage) ?? 0
        per1kInputTokens = try container.decodeIfPresent(Int64.self, forKey: .per1kInputTokens) ?? 0
        per1kOutputTokens = try container.decodeIfPresent(Int64.self, forKey: .per1kOutputTokens) ?? 0
        perMinute = try container.decodeIfPresent(Int64.self, forKey: .perMinute) ?? 0
        freeMessages = try container.decodeIfPresent(Int64.self, forKey: .freeMessages) ?? 0
    }
}

/// What a turn consumed, as billing counts it.
public struct TurnUnits: Sendable, Equatable {
    public var messages: Int64
    public var inputTokens: Int64
    public var outputTokens: Int64
    /// Session minutes newly started by this turn (see ``SessionMinutes``).
    public var minutes: Int64

    public init(messages: Int64 = 1, inputTokens: Int64, outputTokens: Int64, minutes: Int64) {
        self.messages = messages
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.minutes = minutes
    }
}

/// Per-minute billing counts **started minutes of session time between its first and its last turn**: after a turn at
/// time `t`, a session that began at `first` has used `⌊(t − first) / 60 s⌋ + 1` minutes (the first turn starts
/// minute one). Each charged turn pays for the minutes it newly started; the minutes that a free turn starts are not
/// charged later.
public enum SessionMinutes {
    /// Minutes started by time `time` in a session whose first turn was at `first`.
    public static func started(first: Date, at time: Date) -> Int64 {
        let seconds = max(0, time.timeIntervalSince(first))
        return Int64(seconds / 60) + 1
    }

    /// The minutes a turn at `time` newly starts, the previous turn having been at `previous` (nil for the first).
    public static func new(first: Date, previous: Date?, at time: Date) -> Int64 {
        let before = previous.map { started(first: first, at: $0) } ?? 0
        return max(0, started(first: first, at: time) - before)
    }
}

/// The most a turn can cost, held before the provider is called: the per-message price, every input byte counted as
/// a token (a token is never shorter than a byte of UTF-8 in practice), the whole output limit, and the minutes
/// started by one more minute of session time.
public enum TurnHold {
    public static func amount(
        _ pricing: Pricing, inputBytes: Int, maxOutputTokens: Int, first: Date, previous: Date?, now: Date
    ) -> Int64 {
        pricing.amount(
            TurnUnits(
                inputTokens: Int64(inputBytes), outputTokens: Int64(maxOutputTokens),
                minutes: SessionMinutes.new(first: first, previous: previous, at: now.addingTimeInterval(60))))
    }
}

/// When a session has ended: explicitly (`endedAt`), or after `idleMinutes` with no turn (0: never by idleness).
public enum SessionEnd {
    public static func hasEnded(endedAt: Date?, lastTurnAt: Date?, now: Date, idleMinutes: Int) -> Bool {
        if endedAt != nil { return true }
        guard idleMinutes > 0, let lastTurnAt else { return false }
        return now.timeIntervalSince(lastTurnAt) > TimeInterval(idleMinutes * 60)
    }
}
