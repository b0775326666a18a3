import FluentKit
import SQLKit

/// 011: turns that got no reply. Nothing of such a turn is stored as a message, but its gateway attempts are kept
/// (`failed_turn_attempts`, the same columns as `turn_attempts`), so that the usage figures count failed turns:
/// their failures, latencies and any tokens a provider billed.
struct M011FailedTurns: AsyncMigration {
    var name: String { "011_failed_turns" }

    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        let postgres = sql.dialect.name == "postgresql"
        let uuid = postgres ? "UUID" : "TEXT"
        let time = postgres ? "TIMESTAMPTZ" : "REAL"
        let withoutRowID = postgres ? "" : " WITHOUT ROWID"
        let statements = [
            """
            CREATE TABLE failed_turns (
              id \(uuid) PRIMARY KEY,
              bot_id \(uuid) NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
              session_id \(uuid),
              config_id \(uuid) NOT NULL,
              code TEXT NOT NULL,
              created_at \(time) NOT NULL
            )
            """,
            """
            CREATE TABLE failed_turn_attempts (
              turn_id \(uuid) NOT NULL REFERENCES failed_turns (id) ON DELETE CASCADE,
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
              PRIMARY KEY (turn_id, position)
            )\(withoutRowID)
            """,
            "CREATE INDEX failed_turn_attempts_created ON failed_turn_attempts (created_at)",
            "CREATE INDEX failed_turns_session ON failed_turns (session_id)",
        ]
        for statement in statements { try await sql.raw(SQLQueryString(statement)).run() }
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("DROP TABLE failed_turn_attempts").run()
        try await sql.raw("DROP TABLE failed_turns").run()
    }
}
