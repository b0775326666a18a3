import Foundation
import Hummingbird
import SwitchyardCore
import SwitchyardHTTP

/// `/console/sessions…`: recent sessions (by bot, with pages) and a session's transcript, each reply with its
/// provider, model, tokens, cost and gateway attempts.
struct ConsoleSessionsController<Context: RemoteAddressRequestContext>: Sendable {
    let chats: any ChatRepository
    let directory: any AdminDirectory
    let bots: any BotRepository
    let users: any UserRepository
    let renderer: ConsoleRenderer
    static var pageSize: Int { 25 }

    /// A session in a list.
    struct Row {
        var href: String
        var id: String
        var bot: String
        var user: String
        var userHref: String
        var started: String
        var lastMessage: String
        var state: String
    }

    struct ListModel {
        var chrome: ConsoleChrome
        var bots: [FormField.Option]
        var rows: [Row]
        var empty: Bool
        var pager: Pager
    }

    struct TranscriptModel {
        struct Attempt {
            var position: Int
            var target: String
            var region: String
            var outcome: String
            var succeeded: Bool
            var status: String
            var latency: String
            var firstToken: String
            var tokens: String
            var cost: String
        }

        struct Turn {
            var number: Int
            var message: String
            var hasMessage: Bool
            var reply: String
            var provider: String
            var model: String
            var tokens: String
            var cost: String
            var charge: String
            var interrupted: Bool
            var time: String
            var attempts: [Attempt]
        }

        var chrome: ConsoleChrome
        var id: String
        var bot: String
        var botHref: String
        var user: String
        var userHref: String
        var paid: Bool
        var started: String
        var ended: String
        var deleted: String
        var turns: [Turn]
        var empty: Bool
    }

    func register(on console: ConsoleRouter<Context>) {
        console.page("/sessions") { request in
            let allBots = try await bots.bots(status: nil)
            let chosen = request.query.text("bot").flatMap { slug in allBots.first { $0.slug == slug } }
            let start = (request.page - 1) * Self.pageSize
            let sessions = try await directory.sessions(
                userID: nil, botID: chosen?.id, offset: start, limit: Self.pageSize + 1)
            var names: [UUID: String] = [:]
            for id in Set(sessions.map(\.session.userID)) { names[id] = try await users.user(id: id)?.externalID }
            let rows = try await Self.rows(Array(sessions.prefix(Self.pageSize)), bots: bots, users: names)
            return renderer.page(
                "sessions",
                ListModel(
                    chrome: ConsoleChrome(title: "Sessions", section: "sessions", session: request.session),
                    bots: ([("", "Every bot")] + allBots.map { ($0.slug, $0.name) }).map {
                        FormField.Option(value: $0.0, label: $0.1, selected: $0.0 == (chosen?.slug ?? ""))
                    }, rows: rows, empty: rows.isEmpty,
                    pager: Pager(page: request.page, hasMore: sessions.count > Self.pageSize) {
                        "/console/sessions?bot=\(ConsoleFormat.query(chosen?.slug ?? ""))&page=\($0)"
                    }))
        }
        console.page("/sessions/{id}", transcript)
    }

    /// The rows of sessions, naming each one's bot and user.
    static func rows(
        _ sessions: [SessionSummary], bots: any BotRepository, users: [UUID: String]
    ) async throws
        -> [Row]
    {
        var botNames: [UUID: String] = [:]
        for id in Set(sessions.map(\.session.botID)) { botNames[id] = try await bots.bot(id: id)?.name }
        return sessions.map { summary in
            let session = summary.session
            let user = users[session.userID] ?? session.userID.uuidString.lowercased()
            let id = session.id.uuidString.lowercased()
            let state = session.deletedAt != nil ? "deleted by the user" : session.endedAt != nil ? "ended" : "open"
            return Row(
                href: "/console/sessions/\(id)", id: String(id.prefix(8)),
                bot: botNames[session.botID] ?? "(deleted bot)", user: user,
                userHref: "/console/users/\(ConsoleFormat.path(user))", started: ConsoleFormat.time(session.createdAt),
                lastMessage: String((summary.lastMessage ?? "").prefix(120)), state: state)
        }
    }

    @Sendable func transcript(_ request: ConsoleRequest<Context>) async throws -> Response {
        let raw = try request.parameter("id")
        guard let id = UUID(uuidString: raw), let session = try await chats.session(id: id) else {
            throw APIError.notFound("No session \(raw.lowercased()).")
        }
        let bot = try await bots.bot(id: session.botID)
        let user = try await users.user(id: session.userID)?.externalID ?? session.userID.uuidString.lowercased()
        let currency = session.pricing?.currency ?? ""
        let turns = try await AdminSessionsController<Context>.turns(sessionID: id, limit: 250, chats: chats)
        let rows = turns.enumerated().map { index, turn in
            let usage = turn.reply.usage
            let cost = turn.attempts.compactMap(\.cost).reduce(0, +)
            return TranscriptModel.Turn(
                number: index + 1, message: turn.message?.content ?? "", hasMessage: turn.message != nil,
                reply: turn.reply.content, provider: turn.reply.provider ?? "–", model: turn.reply.model ?? "–",
                tokens: usage.map { "\($0.promptTokens) in / \($0.completionTokens) out" } ?? "–",
                cost: ConsoleFormat.dollars(cost),
                charge: turn.reply.charge.map { ConsoleFormat.money($0, currency) } ?? "free",
                interrupted: turn.reply.interrupted, time: ConsoleFormat.time(turn.reply.createdAt),
                attempts: turn.attempts.enumerated().map { position, attempt in
                    TranscriptModel.Attempt(
                        position: position + 1, target: "\(attempt.provider)/\(attempt.model)",
                        region: attempt.regionName ?? "", outcome: attempt.outcome.name,
                        succeeded: attempt.outcome == .success, status: attempt.status.map(String.init) ?? "",
                        latency: "\(attempt.latencyMilliseconds) ms",
                        firstToken: attempt.timeToFirstTokenMilliseconds.map { "\($0) ms" } ?? "",
                        tokens: attempt.usage.map { "\($0.promptTokens) / \($0.completionTokens)" } ?? "",
                        cost: attempt.cost.map(ConsoleFormat.dollars) ?? "unpriced")
                })
        }
        return renderer.page(
            "session",
            TranscriptModel(
                chrome: ConsoleChrome(title: "Session \(raw.prefix(8))", section: "sessions", session: request.session),
                id: id.uuidString.lowercased(), bot: bot?.name ?? "(deleted bot)",
                botHref: bot.map { "/console/bots/\(ConsoleFormat.path($0.slug))" } ?? "/console/bots", user: user,
                userHref: "/console/users/\(ConsoleFormat.path(user))", paid: session.pricing != nil,
                started: ConsoleFormat.time(session.createdAt), ended: ConsoleFormat.time(session.endedAt),
                deleted: ConsoleFormat.time(session.deletedAt), turns: rows, empty: rows.isEmpty))
    }
}
