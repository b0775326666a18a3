import Foundation
import SwitchyardCore

/// ``ChatRepository`` in memory, with the database's rules: a turn is stored whole or not at all, an idempotency key
/// is unique per session, and an opening key is unique per user and bot.
public actor MemoryChatRepository: ChatRepository {
    public private(set) var sessions: [UUID: ChatSession] = [:]
    public private(set) var messages: [UUID: [StoredMessage]] = [:]
    /// How many turns were stored.
    public private(set) var savedTurns = 0
    /// The turns that got no reply.
    public private(set) var failedTurns: [FailedTurn] = []

    public init() {}

    public func session(id: UUID) async throws -> ChatSession? {
        sessions[id]
    }

    public func saveFailedTurn(_ turn: FailedTurn) async throws {
        failedTurns.append(turn)
    }

    public func attempts(messageIDs: [UUID]) async throws -> [UUID: [AttemptRecord]] {
        let wanted = Set(messageIDs)
        var found: [UUID: [AttemptRecord]] = [:]
        for message in messages.values.joined() where wanted.contains(message.id) && !message.attempts.isEmpty {
            found[message.id] = message.attempts
        }
        return found
    }

    public func recentMessages(sessionID: UUID, limit: Int) async throws -> [StoredMessage] {
        Array((messages[sessionID] ?? []).suffix(limit))
    }

    public func reply(sessionID: UUID, idempotencyKey: String) async throws -> StoredMessage? {
        let stored = messages[sessionID] ?? []
        guard let index = stored.firstIndex(where: { $0.role == .user && $0.idempotencyKey == idempotencyKey }),
            index + 1 < stored.count
        else { return nil }
        return stored[index + 1]
    }

    public func openedSession(userID: UUID, botID: UUID, idempotencyKey: String) async throws -> ChatSession? {
        sessions.values.first { $0.userID == userID && $0.botID == botID && $0.openingKey == idempotencyKey }
    }

    public func endSession(id: UUID, at date: Date) async throws -> Bool {
        guard var session = sessions[id], session.endedAt == nil else { return false }
        session.endedAt = date
        sessions[id] = session
        return true
    }

    public func sessions(userID: UUID, botID: UUID, offset: Int, limit: Int) async throws -> [SessionSummary] {
        let live = sessions.values.filter { $0.userID == userID && $0.botID == botID && $0.deletedAt == nil }
            .sorted { ($0.createdAt, $0.id.uuidString) > ($1.createdAt, $1.id.uuidString) }
        return live.dropFirst(offset).prefix(limit).map { session in
            let last = messages[session.id]?.last
            return SessionSummary(
                session: session, lastMessage: last?.content, lastMessageRole: last?.role,
                lastMessageAt: last?.createdAt)
        }
    }

    public func deleteSession(id: UUID, userID: UUID, at date: Date) async throws -> Bool {
        guard var session = sessions[id], session.userID == userID, session.deletedAt == nil else { return false }
        session.deletedAt = date
        sessions[id] = session
        return true
    }

    public func sessionTotals(id: UUID) async throws -> (charged: Int64, turns: Int64) {
        let stored = messages[id] ?? []
        return (stored.compactMap(\.charge).reduce(0, +), Int64(stored.count / 2))
    }

    /// Stores the turn; settlements are not supported here (use a real store for billing).
    public func saveTurn(
        newSession: ChatSession?, user: StoredMessage, reply: StoredMessage, settlement: Settlement?
    ) async throws -> TurnReceipt {
        precondition(settlement == nil, "MemoryChatRepository keeps no wallets")
        if let newSession {
            if let key = newSession.openingKey,
                try await openedSession(userID: newSession.userID, botID: newSession.botID, idempotencyKey: key) != nil
            {
                throw StoreError.conflict("opening key \(key)")
            }
        } else if sessions[user.sessionID] == nil {
            throw StoreError.notFound("session \(user.sessionID)")
        }
        if let key = user.idempotencyKey,
            (messages[user.sessionID] ?? []).contains(where: { $0.idempotencyKey == key })
        {
            throw StoreError.conflict("idempotency key \(key)")
        }
        if let newSession { sessions[newSession.id] = newSession }
        let last = Int64(messages[user.sessionID]?.count ?? 0)
        var user = user
        var reply = reply
        user.sequence = last + 1
        reply.sequence = last + 2
        messages[user.sessionID, default: []] += [user, reply]
        savedTurns += 1
        return .free
    }
}
