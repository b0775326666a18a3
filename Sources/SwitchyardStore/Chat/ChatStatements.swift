import Foundation
import SwitchyardCore

/// The statements of a chat turn, shared by both databases (see ``StoreStatement``).
enum ChatStatements {
    static func user(externalID: String) -> StoreStatement {
        StoreStatement("SELECT * FROM users WHERE external_id = ?", [.text(externalID)])
    }

    /// The bot, each of its live (not deleted) configs, and the prompt version each config's label points to. Columns are aliased by
    /// table so the joined names do not collide.
    static func chatBot(slug: String) -> StoreStatement {
        StoreStatement(
            """
            SELECT b.id AS b_id, b.slug AS b_slug, b.name AS b_name, b.description AS b_description,
              b.scene_description AS b_scene_description, b.avatar_url AS b_avatar_url, b.status AS b_status,
              b.type AS b_type, b.rank AS b_rank, b.time_zone AS b_time_zone, b.metadata AS b_metadata,
              b.pricing AS b_pricing, b.owner_id AS b_owner_id, b.updated_at AS b_updated_at,
              b.launched_on AS b_launched_on, b.created_at AS b_created_at, b.deleted_at AS b_deleted_at,
              c.*, v.template_name AS v_template_name, v.version AS v_version, v.format AS v_format,
              v.body AS v_body, v.output AS v_output, v.created_at AS v_created_at
            FROM bots b
            LEFT JOIN bot_llm_configs c ON c.bot_id = b.id AND c.deleted_at IS NULL
            LEFT JOIN prompt_labels l ON l.template_name = c.prompt_template AND l.label = c.prompt_label
            LEFT JOIN prompt_versions v ON v.template_name = l.template_name AND v.version = l.version
            WHERE b.slug = ? AND b.deleted_at IS NULL
            ORDER BY c.created_at
            """, [.text(slug)])
    }

    /// A user's live sessions with a bot, newest first, with each one's last message.
    static func sessions(userID: UUID, botID: UUID, offset: Int, limit: Int) -> StoreStatement {
        StoreStatement(
            """
            SELECT s.*, m.content AS last_content, m.role AS last_role, m.created_at AS last_at
            FROM chat_sessions s
            LEFT JOIN chat_messages m ON m.session_id = s.id
              AND m.seq = (SELECT MAX(seq) FROM chat_messages WHERE session_id = s.id)
            WHERE s.user_id = ? AND s.bot_id = ? AND s.deleted_at IS NULL
            ORDER BY s.created_at DESC, s.id DESC LIMIT ? OFFSET ?
            """, [.uuid(userID), .uuid(botID), .integer(Int64(limit)), .integer(Int64(offset))])
    }

    static func deleteSession(id: UUID, userID: UUID, at date: Date) -> StoreStatement {
        StoreStatement(
            "UPDATE chat_sessions SET deleted_at = ? WHERE id = ? AND user_id = ? AND deleted_at IS NULL RETURNING id",
            [.date(date), .uuid(id), .uuid(userID)])
    }

    static func session(id: UUID) -> StoreStatement {
        StoreStatement("SELECT * FROM chat_sessions WHERE id = ?", [.uuid(id)])
    }

    /// The last `limit` messages, newest first.
    static func recentMessages(sessionID: UUID, limit: Int) -> StoreStatement {
        StoreStatement(
            "SELECT * FROM chat_messages WHERE session_id = ? ORDER BY seq DESC LIMIT ?",
            [.uuid(sessionID), .integer(Int64(limit))])
    }

    static func openedSession(userID: UUID, botID: UUID, idempotencyKey: String) -> StoreStatement {
        StoreStatement(
            "SELECT * FROM chat_sessions WHERE user_id = ? AND bot_id = ? AND opening_key = ?",
            [.uuid(userID), .uuid(botID), .text(idempotencyKey)])
    }

    static func reply(sessionID: UUID, idempotencyKey: String) -> StoreStatement {
        StoreStatement(
            """
            SELECT r.* FROM chat_messages r JOIN chat_messages u ON r.reply_to = u.id
            WHERE u.session_id = ? AND u.idempotency_key = ?
            """, [.uuid(sessionID), .text(idempotencyKey)])
    }

    static func lastSequence(sessionID: UUID) -> StoreStatement {
        StoreStatement("SELECT MAX(seq) AS seq FROM chat_messages WHERE session_id = ?", [.uuid(sessionID)])
    }

    /// Each session's last sequence number, in one statement, with the session rows locked (PostgreSQL; in id
    /// order, so two writers never wait on each other in a cycle) until the transaction ends.
    static func lockedLastSequences(sessionIDs: [UUID]) -> StoreStatement {
        let ids = sessionIDs.sorted { $0.uuidString < $1.uuidString }
        return StoreStatement(
            """
            SELECT s.id AS session_id, (SELECT MAX(seq) FROM chat_messages m WHERE m.session_id = s.id) AS seq
            FROM chat_sessions s WHERE s.id IN (\(placeholders(ids.count))) ORDER BY s.id FOR UPDATE OF s
            """, ids.map { .uuid($0) })
    }

    /// One statement inserting `rows` (from ``TurnRows``) into `chat_sessions`.
    static func insertSessions(_ rows: [[StoreBind]]) -> StoreStatement {
        insert(into: "chat_sessions (id, user_id, bot_id, config_id, opening_key, pricing, created_at)", rows)
    }

    /// One statement inserting `rows` (from ``TurnRows``) into `chat_messages`.
    static func insertMessages(_ rows: [[StoreBind]]) -> StoreStatement {
        insert(
            into: """
                chat_messages (id, session_id, seq, role, content, provider, model, config_id, prompt_tokens,
                completion_tokens, idempotency_key, reply_to, charge, interrupted, created_at)
                """, rows)
    }

    /// One statement inserting `rows` (from ``TurnRows``) into `turn_attempts`.
    static func insertAttempts(_ rows: [[StoreBind]]) -> StoreStatement {
        insert(
            into: """
                turn_attempts (message_id, position, provider, model, region, outcome, status, latency_ms, ttft_ms,
                prompt_tokens, completion_tokens, cached_tokens, cost_nanos, retry, created_at)
                """, rows)
    }

    /// One statement inserting a failed turn.
    static func insertFailedTurn(_ turn: FailedTurn) -> StoreStatement {
        insert(
            into: "failed_turns (id, bot_id, session_id, config_id, code, created_at)",
            [
                [
                    .uuid(turn.id), .uuid(turn.botID), .uuid(turn.sessionID), .uuid(turn.configID), .text(turn.code),
                    .date(turn.createdAt),
                ]
            ])
    }

    /// One statement inserting `rows` (from ``TurnRows/attempts(owner:_:at:)``) into `failed_turn_attempts`.
    static func insertFailedAttempts(_ rows: [[StoreBind]]) -> StoreStatement {
        insert(
            into: """
                failed_turn_attempts (turn_id, position, provider, model, region, outcome, status, latency_ms,
                ttft_ms, prompt_tokens, completion_tokens, cached_tokens, cost_nanos, retry, created_at)
                """, rows)
    }

    /// The call records of some replies, in order.
    static func attempts(messageIDs: [UUID]) -> StoreStatement {
        StoreStatement(
            """
            SELECT message_id, position, provider, model, region, outcome, status, latency_ms, ttft_ms, prompt_tokens,
            completion_tokens, cached_tokens, cost_nanos FROM turn_attempts
            WHERE message_id IN (\(placeholders(messageIDs.count))) ORDER BY message_id, position
            """, messageIDs.map { .uuid($0) })
    }

    /// Every attempt written in `[from, to)`, with its turn's bot: those of answered turns and of failed ones.
    static func usageRecords(from: Date, to: Date) -> StoreStatement {
        StoreStatement(
            """
            SELECT a.message_id AS turn_id, a.position, s.bot_id, a.provider, a.model, a.outcome, a.latency_ms,
            a.prompt_tokens, a.completion_tokens, a.cost_nanos, a.created_at FROM turn_attempts a
            JOIN chat_messages m ON m.id = a.message_id JOIN chat_sessions s ON s.id = m.session_id
            WHERE a.created_at >= ? AND a.created_at < ?
            UNION ALL
            SELECT f.turn_id, f.position, t.bot_id, f.provider, f.model, f.outcome, f.latency_ms, f.prompt_tokens,
            f.completion_tokens, f.cost_nanos, f.created_at FROM failed_turn_attempts f
            JOIN failed_turns t ON t.id = f.turn_id
            WHERE f.created_at >= ? AND f.created_at < ?
            """, [.date(from), .date(to), .date(from), .date(to)])
    }

    /// Ends an open session.
    static func endSession(id: UUID, at date: Date) -> StoreStatement {
        StoreStatement(
            "UPDATE chat_sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL RETURNING id",
            [.date(date), .uuid(id)])
    }

    /// What a session's replies were charged, and its last sequence number.
    static func sessionTotals(id: UUID) -> StoreStatement {
        StoreStatement(
            """
            SELECT CAST(COALESCE(SUM(charge), 0) AS BIGINT) AS charged, COALESCE(MAX(seq), 0) AS seq
            FROM chat_messages WHERE session_id = ?
            """,
            [.uuid(id)])
    }

    private static func insert(into table: String, _ rows: [[StoreBind]]) -> StoreStatement {
        let row = "(\(placeholders(rows.first?.count ?? 0)))"
        return StoreStatement(
            "INSERT INTO \(table) VALUES \(Array(repeating: row, count: rows.count).joined(separator: ", "))",
            rows.flatMap { $0 })
    }

    private static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }
}

/// The rows a batch of turns adds: its new sessions, then both messages of each turn. Sequence numbers continue
/// each session's last one (`lastSequence`, for sessions started earlier), counting the earlier turns of the same
/// batch.
struct TurnRows {
    var sessions: [[StoreBind]] = []
    var messages: [[StoreBind]] = []
    /// The replies' call records.
    var attempts: [[StoreBind]] = []

    init(_ turns: [PendingTurn], lastSequence: (UUID) throws -> Int64) rethrows {
        var next: [UUID: Int64] = [:]
        for session in turns.compactMap(\.newSession) {
            sessions.append([
                .uuid(session.id), .uuid(session.userID), .uuid(session.botID), .uuid(session.configID),
                .text(session.openingKey), .text(session.pricing.map(PricingColumn.text)), .date(session.createdAt),
            ])
            next[session.id] = 1
        }
        for turn in turns {
            let sessionID = turn.user.sessionID
            let seq = try next[sessionID] ?? lastSequence(sessionID) + 1
            messages.append(Self.message(turn.user, seq: seq, replyTo: nil))
            messages.append(Self.message(turn.reply, seq: seq + 1, replyTo: turn.user.id))
            attempts += Self.attempts(owner: turn.reply.id, turn.reply.attempts, at: turn.reply.createdAt)
            next[sessionID] = seq + 2
        }
    }

    /// The sessions whose last sequence number the batch needs: those it continues rather than starts.
    static func continuedSessions(_ turns: [PendingTurn]) -> [UUID] {
        let started = Set(turns.compactMap(\.newSession?.id))
        return Array(Set(turns.map(\.user.sessionID)).subtracting(started))
    }

    /// The rows of a turn's attempts (a reply's, or a failed turn's), owned by `owner`; `retry` counts the earlier
    /// attempts at the same target.
    static func attempts(owner: UUID, _ records: [AttemptRecord], at date: Date) -> [[StoreBind]] {
        var tries: [String: Int64] = [:]
        return records.enumerated().map { position, attempt in
            let target = "\(attempt.provider)/\(attempt.model)@\(attempt.regionName ?? "")"
            let retry = tries[target, default: 0]
            tries[target] = retry + 1
            return [
                .uuid(owner), .integer(Int64(position)), .text(attempt.provider), .text(attempt.model),
                .text(attempt.regionName), .text(attempt.outcome.name), .integer(attempt.status.map(Int64.init)),
                .integer(Int64(attempt.latencyMilliseconds)),
                .integer(attempt.timeToFirstTokenMilliseconds.map(Int64.init)),
                .integer(attempt.usage.map { Int64($0.promptTokens) }),
                .integer(attempt.usage.map { Int64($0.completionTokens) }),
                .integer(attempt.usage.map { Int64($0.cachedPromptTokens) }), .integer(attempt.cost), .integer(retry),
                .date(date),
            ]
        }
    }

    private static func message(_ message: StoredMessage, seq: Int64, replyTo: UUID?) -> [StoreBind] {
        [
            .uuid(message.id), .uuid(message.sessionID), .integer(seq), .text(message.role.rawValue),
            .text(message.content), .text(message.provider), .text(message.model), .uuid(message.configID),
            .integer(message.usage.map { Int64($0.promptTokens) }),
            .integer(message.usage.map { Int64($0.completionTokens) }), .text(message.idempotencyKey), .uuid(replyTo),
            .integer(message.charge), .bool(message.interrupted), .date(message.createdAt),
        ]
    }
}
