import FluentKit
import SQLKit

/// 012: external data. The record of each owner's subject per source (`external_data_records`: the database layer
/// of the cache, with the key it was fetched for), geocoded places (kept for good), saved birth profiles, memories
/// per user and bot, and the user's current location (the forecast's place). On PostgreSQL also the shared cache
/// layer that every replica sees: an UNLOGGED table (no WAL: a crash empties it, which a cache may) with an expiry.
struct M012ExternalData: AsyncMigration {
    var name: String { "012_external_data" }

    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        let postgres = sql.dialect.name == "postgresql"
        let uuid = postgres ? "UUID" : "TEXT"
        let time = postgres ? "TIMESTAMPTZ" : "REAL"
        let double = postgres ? "DOUBLE PRECISION" : "REAL"
        var statements = [
            "ALTER TABLE users ADD COLUMN location TEXT",
            """
            CREATE TABLE external_data_records (
              owner_id \(uuid) NOT NULL REFERENCES users (id) ON DELETE CASCADE,
              subject TEXT NOT NULL,
              source TEXT NOT NULL,
              cache_key TEXT NOT NULL,
              payload TEXT NOT NULL,
              fetched_at \(time) NOT NULL,
              PRIMARY KEY (owner_id, subject, source)
            )
            """,
            """
            CREATE TABLE places (
              name TEXT PRIMARY KEY,
              display_name TEXT NOT NULL,
              latitude \(double) NOT NULL,
              longitude \(double) NOT NULL,
              time_zone TEXT NOT NULL,
              country TEXT
            )
            """,
            """
            CREATE TABLE birth_profiles (
              id \(uuid) PRIMARY KEY,
              user_id \(uuid) NOT NULL REFERENCES users (id) ON DELETE CASCADE,
              name TEXT NOT NULL,
              relation TEXT,
              birth_date TEXT NOT NULL,
              birth_time TEXT NOT NULL,
              birth_place TEXT,
              latitude \(double),
              longitude \(double),
              time_zone TEXT,
              created_at \(time) NOT NULL
            )
            """,
            "CREATE INDEX birth_profiles_user ON birth_profiles (user_id, created_at)",
            """
            CREATE TABLE memories (
              id \(uuid) PRIMARY KEY,
              user_id \(uuid) NOT NULL REFERENCES users (id) ON DELETE CASCADE,
              bot_id \(uuid) NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
              text TEXT NOT NULL,
              created_at \(time) NOT NULL
            )
            """,
            "CREATE INDEX memories_user_bot ON memories (user_id, bot_id, created_at)",
        ]
        if postgres {
            statements.append(
                """
                CREATE UNLOGGED TABLE external_data_cache (
                  cache_key TEXT PRIMARY KEY,
                  payload TEXT NOT NULL,
                  fetched_at TIMESTAMPTZ NOT NULL,
                  expires_at TIMESTAMPTZ NOT NULL
                )
                """)
            statements.append("CREATE INDEX external_data_cache_expiry ON external_data_cache (expires_at)")
        }
        for statement in statements { try await sql.raw(SQLQueryString(statement)).run() }
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        if sql.dialect.name == "postgresql" { try await sql.raw("DROP TABLE external_data_cache").run() }
        for table in ["memories", "birth_profiles", "places", "external_data_records"] {
            try await sql.raw(SQLQueryString("DROP TABLE \(unsafeRaw: table)")).run()
        }
        try await sql.raw("ALTER TABLE users DROP COLUMN location").run()
    }
}
