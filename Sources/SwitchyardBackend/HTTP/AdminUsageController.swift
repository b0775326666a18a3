import Foundation
import Hummingbird
import SwitchyardCore
import SwitchyardHTTP

/// `GET /admin/v1/usage?from=&to=&group_by=provider|model|bot|day`: usage figures from the stored call records (see
/// ``UsageReport`` for each figure's definition). `from`/`to` are ISO 8601 times or `YYYY-MM-DD` (UTC); the default
/// is the last 24 hours, and a period may span at most 366 days.
struct AdminUsageController<Context: RequestContext>: Sendable {
    let usage: any UsageRepository
    let bots: any BotRepository

    func register(on router: RouteRegistrar<some RouterMethods<Context>>) {
        router.get("/admin/v1/usage", use: report)
    }

    @Sendable func report(_ request: Request, context: Context) async throws -> Response {
        let query = request.uri.queryParameters
        let to = try Self.time(query.get("to"), name: "to") ?? Date()
        let from = try Self.time(query.get("from"), name: "from") ?? to.addingTimeInterval(-24 * 3600)
        guard from < to else { throw APIError.invalidRequest("`from` must be before `to`.", param: "from") }
        guard to.timeIntervalSince(from) <= 366 * 24 * 3600 else {
            throw APIError.invalidRequest("A period spans at most 366 days; ask for a shorter one.", param: "from")
        }
        let groupName = query.get("group_by") ?? "provider"
        guard let grouping = UsageReport.Grouping(rawValue: groupName) else {
            throw APIError.invalidRequest(
                "`group_by` is one of provider, model, bot, day; got '\(groupName)'.", param: "group_by")
        }
        let records = try await usage.usageRecords(from: from, to: to)
        var names: [UUID: String] = [:]
        if grouping == .bot {
            for bot in try await bots.bots(status: nil) { names[bot.id] = bot.slug }
        }
        let report = UsageReport(records: records, grouping: grouping, botNames: names)
        return try JSONCoding.response(
            UsageDTO(from: from, to: to, groupBy: grouping.rawValue, groups: report.groups.map(UsageGroupDTO.init)))
    }

    /// An ISO 8601 time (with or without fractional seconds) or a UTC date.
    static func time(_ text: String?, name: String) throws -> Date? {
        guard let text, !text.isEmpty else { return nil }
        if let date = try? Date(text, strategy: .iso8601) { return date }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) {
            return date
        }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle().year().month().day()) { return date }
        throw APIError.invalidRequest(
            "`\(name)` must be an ISO 8601 time such as 2026-12-01T00:00:00Z, or a date such as 2026-12-01; got "
                + "'\(text)'.", param: name)
    }
}

struct UsageDTO: Encodable, Sendable {
    var from: Date
    var to: Date
    var groupBy: String
    var groups: [UsageGroupDTO]

    enum CodingKeys: String, CodingKey {
        case from, to, groups
        case groupBy = "group_by"
    }
}

struct UsageGroupDTO: Encodable, Sendable {
    struct Latency: Encodable, Sendable {
        var p50: Int?
        var p95: Int?
        var p99: Int?
    }

    struct Tokens: Encodable, Sendable {
        var prompt: Int
        var completion: Int
    }

    var key: String
    var attempts: Int
    var turns: Int
    var successRate: Double?
    var fallbackRate: Double?
    var latencyMs: Latency
    var errors: [String: Int]
    var tokens: Tokens
    /// Dollars of the priced attempts.
    var cost: Decimal
    var unpricedAttempts: Int

    init(_ group: UsageReport.Group) {
        key = group.key
        attempts = group.attempts
        turns = group.turns
        successRate = group.successRate
        fallbackRate = group.fallbackRate
        latencyMs = Latency(p50: group.latencyP50, p95: group.latencyP95, p99: group.latencyP99)
        errors = group.errors
        tokens = Tokens(prompt: group.promptTokens, completion: group.completionTokens)
        cost = NanoDollars.decimal(group.cost)
        unpricedAttempts = group.unpricedAttempts
    }

    enum CodingKeys: String, CodingKey {
        case key, attempts, turns, errors, tokens, cost
        case successRate = "success_rate"
        case fallbackRate = "fallback_rate"
        case latencyMs = "latency_ms"
        case unpricedAttempts = "unpriced_attempts"
    }
}
