import FluentKit
import SQLKit

/// 010: the call record. Each stored reply keeps the gateway attempts that produced it, written in the turn's own
/// transaction: target (provider, model, region), outcome kind and HTTP status, latency and time to first token,
/// tokens (cached prompt tokens apart), cost in nano-dollars (NULL for an unpriced model) and which retry of its
/// target it was. The session view and the usage figures read it.
struct M010CallRecords: AsyncMigration {
    var name: String { "010_call_records" }

    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        let postgres = sql.dialect.name == "postgresql"
        let uuid = postgres ? "UUID" : "TEXT"
        let time = postgres ? "TIMESTAMPTZ" : "REAL"
        let withoutRowID = postgres ? "" : " WITHOUT ROWID"
        let statements = [
            """
            CREATE TABLE turn_attempts (
              message_id \(uuid) NOT NULL REFERENCES chat_messages (id) ON DELETE CASCADE,
              position INTEGER NOT NULL,
              provider TEXT NOT NULL,
              model TEXT NOT NULL,
              region TEXT,
              outcome TEXT NOT NULL,
              status INTEGER,
              latency_ms INTEGER NOT NULL,
              ttft_ms INTEGER,
              prompt_tokens INTEGER,
              completion_tokens INTEGER,
              cached_tokens INTEGER,
              cost_nanos BIGINT,
              retry INTEGER NOT NULL,
              created_at \(time) NOT NULL,
              PRIMARY KEY (message_id, position)
            )\(withoutRowID)
            """,
            "CREATE INDEX turn_attempts_created ON turn_attempts (created_at)",
        ]
        for statement in statements { try await sql.raw(SQLQueryString(statement)).run() }
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("DROP TABLE turn_attempts").run()
    }
}
