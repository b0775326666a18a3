import FluentKit
import SQLKit

/// 008: paid chat. A bot's pricing, a session's locked pricing and end, a reply's charge; wallets whose cached
/// balance and held sum the database keeps non-negative (`balance ≥ 0`, `held ≥ 0`, `balance − held ≥ 0`); holds
/// (at most one pending per request key and wallet); and the append-only ledger, keyed by wallet and sequence number
/// (triggers refuse UPDATE and DELETE).
/// Money columns are 64-bit integers of minor units. Types follow each database's existing columns: on SQLite, UUIDs
/// are text and times are seconds since 1970 (as Fluent stores them); on PostgreSQL, `uuid` and `timestamptz`.
struct M008CreateBilling: AsyncMigration {
    var name: String { "008_create_billing" }

    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        let postgres = sql.dialect.name == "postgresql"
        let uuid = postgres ? "UUID" : "TEXT"
        let time = postgres ? "TIMESTAMPTZ" : "REAL"
        let boolean = postgres ? "BOOLEAN NOT NULL DEFAULT FALSE" : "INTEGER NOT NULL DEFAULT 0"
        // On SQLite the ledger and the holds are stored in their key's order (no separate rowid tree): an entry is
        // appended at its wallet's end of one B-tree.
        let withoutRowID = postgres ? "" : " WITHOUT ROWID"
        var statements = [
            "ALTER TABLE bots ADD COLUMN pricing TEXT",
            "ALTER TABLE chat_sessions ADD COLUMN pricing TEXT",
            "ALTER TABLE chat_sessions ADD COLUMN ended_at \(time)",
            "ALTER TABLE chat_messages ADD COLUMN charge BIGINT",
            "ALTER TABLE chat_messages ADD COLUMN interrupted \(boolean)",
            """
            CREATE TABLE wallets (
              id \(uuid) PRIMARY KEY,
              user_id \(uuid) NOT NULL REFERENCES users (id),
              currency TEXT NOT NULL,
              balance BIGINT NOT NULL DEFAULT 0,
              held BIGINT NOT NULL DEFAULT 0,
              version BIGINT NOT NULL DEFAULT 0,
              created_at \(time) NOT NULL,
              UNIQUE (user_id, currency),
              CONSTRAINT wallets_balance_non_negative CHECK (balance >= 0),
              CONSTRAINT wallets_held_non_negative CHECK (held >= 0),
              CONSTRAINT wallets_available_non_negative CHECK (balance - held >= 0)
            )
            """,
            """
            CREATE TABLE wallet_holds (
              id \(uuid) NOT NULL PRIMARY KEY,
              wallet_id \(uuid) NOT NULL REFERENCES wallets (id),
              session_id \(uuid) NOT NULL,
              request_key TEXT NOT NULL,
              amount BIGINT NOT NULL CHECK (amount > 0),
              state TEXT NOT NULL CHECK (state IN ('pending', 'settled', 'released', 'expired')),
              charged BIGINT CHECK (charged >= 0 AND charged <= amount),
              created_at \(time) NOT NULL,
              expires_at \(time) NOT NULL,
              resolved_at \(time)
            )\(withoutRowID)
            """,
            """
            CREATE UNIQUE INDEX wallet_holds_pending_request ON wallet_holds (wallet_id, request_key)
            WHERE state = 'pending'
            """,
            "CREATE INDEX wallet_holds_pending_expiry ON wallet_holds (expires_at) WHERE state = 'pending'",
            """
            CREATE TABLE ledger_entries (
              wallet_id \(uuid) NOT NULL REFERENCES wallets (id),
              seq BIGINT NOT NULL,
              id \(uuid) NOT NULL,
              kind TEXT NOT NULL
                CHECK (kind IN ('topup', 'hold', 'settle', 'release', 'refund', 'adjustment')),
              amount BIGINT NOT NULL,
              held_delta BIGINT NOT NULL,
              hold_id \(uuid),
              session_id \(uuid),
              turn_id \(uuid),
              idempotency_key TEXT NOT NULL,
              reason TEXT,
              created_at \(time) NOT NULL,
              PRIMARY KEY (wallet_id, seq),
              UNIQUE (wallet_id, idempotency_key)
            )\(withoutRowID)
            """,
            "CREATE INDEX ledger_entries_refunds ON ledger_entries (turn_id) WHERE kind = 'refund'",
        ]
        if postgres {
            statements += [
                """
                CREATE FUNCTION ledger_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'ledger entries are append-only'; END $$
                """,
                """
                CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
                FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only()
                """,
            ]
        } else {
            statements += ["UPDATE", "DELETE"].map { event in
                """
                CREATE TRIGGER ledger_entries_no_\(event.lowercased()) BEFORE \(event) ON ledger_entries
                BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END
                """
            }
        }
        for statement in statements { try await sql.raw(SQLQueryString(statement)).run() }
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        let postgres = sql.dialect.name == "postgresql"
        var statements = ["DROP TABLE ledger_entries", "DROP TABLE wallet_holds", "DROP TABLE wallets"]
        if postgres { statements.append("DROP FUNCTION ledger_entries_append_only") }
        for (table, column) in [
            ("chat_messages", "interrupted"), ("chat_messages", "charge"), ("chat_sessions", "ended_at"),
            ("chat_sessions", "pricing"), ("bots", "pricing"),
        ] {
            statements.append("ALTER TABLE \(table) DROP COLUMN \(column)")
        }
        for statement in statements { try await sql.raw(SQLQueryString(statement)).run() }
    }
}
