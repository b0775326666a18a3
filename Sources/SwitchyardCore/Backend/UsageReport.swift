import Foundation

/// One stored gateway attempt, as the usage figures read it.
public struct UsageRecord: Sendable, Equatable {
    /// The turn it belongs to: its reply's id, or a failed turn's.
    public var turnID: UUID
    /// Its place in the turn's attempt log.
    public var position: Int
    public var botID: UUID
    public var provider: String
    public var model: String
    public var outcome: AttemptRecord.Outcome
    public var latencyMilliseconds: Int
    public var promptTokens: Int
    public var completionTokens: Int
    /// Nano-dollars; nil for an unpriced model that used tokens.
    public var cost: Int64?
    public var createdAt: Date

    public init(
        turnID: UUID, position: Int, botID: UUID, provider: String, model: String, outcome: AttemptRecord.Outcome,
        latencyMilliseconds: Int, promptTokens: Int, completionTokens: Int, cost: Int64?, createdAt: Date
    ) {
        self.turnID = turnID
        self.position = position
        self.botID = botID
        self.provider = provider
        self.model = model
        self.outcome = outcome
        self.latencyMilliseconds = latencyMilliseconds
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.cost = cost
        self.createdAt = createdAt
    }

    /// Whether a request was sent (skipped targets were not).
    var wasSent: Bool {
        switch outcome {
        case .success, .failed: true
        case .skippedCooldown, .skippedUnavailable: false
        }
    }
}

/// Usage figures over stored call records, grouped by provider, model, bot or UTC day. Pure: the caller reads the
/// records.
///
/// Per group: `attempts` sent (skipped targets are not counted), `success_rate` (successful attempts / attempts),
/// latency percentiles of those attempts by the nearest-rank method (the value at rank ⌈p·n⌉ of the sorted
/// latencies), `turns` (turns with at least one attempt in the group: answered ones and, since the attempts of a
/// failed turn are kept too, failed ones), `fallback_rate` (of those turns, the share answered by other than their
/// first sent attempt), failures by kind, tokens and cost. `cost` is nil when an
/// attempt in the group used tokens of an unpriced model (then `unpriced_attempts` counts them).
public struct UsageReport: Sendable, Equatable {
    public enum Grouping: String, Sendable, CaseIterable {
        case provider, model, bot, day
    }

    public struct Group: Sendable, Equatable {
        public var key: String
        public var attempts: Int
        public var successes: Int
        public var turns: Int
        public var fallbackTurns: Int
        public var latencyP50: Int?
        public var latencyP95: Int?
        public var latencyP99: Int?
        public var errors: [String: Int]
        public var promptTokens: Int
        public var completionTokens: Int
        /// Nano-dollars of the priced attempts.
        public var cost: Int64
        public var unpricedAttempts: Int

        public var successRate: Double? { attempts == 0 ? nil : Double(successes) / Double(attempts) }
        public var fallbackRate: Double? { turns == 0 ? nil : Double(fallbackTurns) / Double(turns) }
    }

    public var groups: [Group]

    /// - Parameters:
    ///   - records: The attempts of the period, in any order.
    ///   - grouping: What to group by.
    ///   - botNames: How to name a bot's group (its slug); the id otherwise.
    public init(records: [UsageRecord], grouping: Grouping, botNames: [UUID: String] = [:]) {
        groups = Self.groups(records) { record in
            switch grouping {
            case .provider: record.provider
            case .model: "\(record.provider)/\(record.model)"
            case .bot: botNames[record.botID] ?? record.botID.uuidString.lowercased()
            case .day: Self.day(record.createdAt)
            }
        }
    }

    /// The figures over time: one group per bucket of `bucketSeconds` from `from` up to `to`, keyed by the bucket's
    /// start in ISO 8601 (UTC), empty buckets included (with no attempts), oldest first.
    /// - Parameters:
    ///   - records: The attempts of the period, in any order.
    ///   - from: The first bucket's start.
    ///   - to: The period's end (exclusive).
    ///   - bucketSeconds: Each bucket's length, at least 1.
    public static func timeSeries(records: [UsageRecord], from: Date, to: Date, bucketSeconds: Int) -> [Group] {
        let width = Double(max(bucketSeconds, 1))
        let count = max(1, Int((to.timeIntervalSince(from) / width).rounded(.up)))
        let start = from.timeIntervalSince1970
        func key(_ index: Int) -> String {
            Date(timeIntervalSince1970: start + Double(index) * width).formatted(.iso8601)
        }
        let inPeriod = records.filter { $0.createdAt >= from && $0.createdAt < to }
        let filled = Dictionary(
            uniqueKeysWithValues: groups(inPeriod) { record in
                key(min(count - 1, Int(record.createdAt.timeIntervalSince1970 - start) / Int(width)))
            }.map { ($0.key, $0) })
        return (0..<count).map { index in
            filled[key(index)]
                ?? Group(
                    key: key(index), attempts: 0, successes: 0, turns: 0, fallbackTurns: 0, errors: [:],
                    promptTokens: 0, completionTokens: 0, cost: 0, unpricedAttempts: 0)
        }
    }

    /// The figures of the sent attempts, grouped by `key`, sorted by key.
    private static func groups(_ records: [UsageRecord], by key: (UsageRecord) -> String) -> [Group] {
        // The serving (last sent) attempt of each turn, and its first sent one.
        var first: [UUID: Int] = [:]
        var serving: [UUID: Int] = [:]
        for record in records where record.wasSent {
            first[record.turnID] = min(first[record.turnID] ?? .max, record.position)
            if record.outcome == .success { serving[record.turnID] = record.position }
        }
        let keyed = Dictionary(grouping: records.filter(\.wasSent), by: key)
        return keyed.map { key, members in
            let latencies = members.map(\.latencyMilliseconds).sorted()
            let turnIDs = Set(members.map(\.turnID))
            let fallbacks = turnIDs.count { turn in
                guard let served = serving[turn], let started = first[turn] else { return false }
                return served != started
            }
            var errors: [String: Int] = [:]
            for member in members {
                if case .failed(let kind) = member.outcome { errors[kind.rawValue, default: 0] += 1 }
            }
            return Group(
                key: key, attempts: members.count, successes: members.count { $0.outcome == .success },
                turns: turnIDs.count, fallbackTurns: fallbacks,
                latencyP50: Self.percentile(50, of: latencies), latencyP95: Self.percentile(95, of: latencies),
                latencyP99: Self.percentile(99, of: latencies), errors: errors,
                promptTokens: members.reduce(0) { $0 + $1.promptTokens },
                completionTokens: members.reduce(0) { $0 + $1.completionTokens },
                cost: members.reduce(0) { $0 + ($1.cost ?? 0) }, unpricedAttempts: members.count { $0.cost == nil })
        }
        .sorted { $0.key < $1.key }
    }

    /// The nearest-rank percentile of sorted values: the value at rank ⌈p/100 · n⌉ (1-based); nil for none.
    public static func percentile(_ p: Int, of sorted: [Int]) -> Int? {
        guard !sorted.isEmpty else { return nil }
        let rank = (p * sorted.count + 99) / 100
        return sorted[max(rank, 1) - 1]
    }

    static func day(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }
}

/// Reads the call records of a period, for the usage figures.
public protocol UsageRepository: Sendable {
    /// - Returns: Every stored attempt written in `[from, to)`.
    func usageRecords(from: Date, to: Date) async throws -> [UsageRecord]
}
