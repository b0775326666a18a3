import Foundation
import SwitchyardCore

/// The statements of external data, profiles and memories, shared by both databases (see ``StoreStatement``).
enum ExternalDataStatements {
    static func record(ownerID: UUID, subject: String, source: String) -> StoreStatement {
        StoreStatement(
            """
            SELECT cache_key, payload, fetched_at FROM external_data_records
            WHERE owner_id = ? AND subject = ? AND source = ?
            """, [.uuid(ownerID), .text(subject), .text(source)])
    }

    static func saveRecord(
        ownerID: UUID, subject: String, source: String, key: String, value: ExternalValue
    ) -> StoreStatement {
        StoreStatement(
            """
            INSERT INTO external_data_records (owner_id, subject, source, cache_key, payload, fetched_at)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (owner_id, subject, source) DO UPDATE
              SET cache_key = excluded.cache_key, payload = excluded.payload, fetched_at = excluded.fetched_at
            """,
            [
                .uuid(ownerID), .text(subject), .text(source), .text(key),
                .text(String(decoding: value.payload, as: UTF8.self)), .date(value.fetchedAt),
            ])
    }

    static func forgetRecords(ownerID: UUID, subject: String?) -> StoreStatement {
        guard let subject else {
            return StoreStatement("DELETE FROM external_data_records WHERE owner_id = ?", [.uuid(ownerID)])
        }
        return StoreStatement(
            "DELETE FROM external_data_records WHERE owner_id = ? AND subject = ?", [.uuid(ownerID), .text(subject)])
    }

    static func sharedValue(key: String, now: Date) -> StoreStatement {
        StoreStatement(
            "SELECT payload, fetched_at FROM external_data_cache WHERE cache_key = ? AND expires_at > ?",
            [.text(key), .date(now)])
    }

    static func saveShared(key: String, value: ExternalValue, expiry: Date) -> StoreStatement {
        StoreStatement(
            """
            INSERT INTO external_data_cache (cache_key, payload, fetched_at, expires_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (cache_key) DO UPDATE
              SET payload = excluded.payload, fetched_at = excluded.fetched_at, expires_at = excluded.expires_at
            """,
            [
                .text(key), .text(String(decoding: value.payload, as: UTF8.self)), .date(value.fetchedAt),
                .date(expiry),
            ])
    }

    static func forgetShared(key: String) -> StoreStatement {
        StoreStatement("DELETE FROM external_data_cache WHERE cache_key = ?", [.text(key)])
    }

    static func dropExpiredShared(now: Date) -> StoreStatement {
        StoreStatement("DELETE FROM external_data_cache WHERE expires_at < ?", [.date(now)])
    }

    /// Held until the transaction ends; the key's hash is the lock's id.
    static func advisoryLock(key: String) -> StoreStatement {
        StoreStatement("SELECT pg_advisory_xact_lock(hashtext(?)) IS NULL AS locked", [.text(key)])
    }

    static func place(name: String) -> StoreStatement {
        StoreStatement(
            "SELECT display_name, latitude, longitude, time_zone, country FROM places WHERE name = ?", [.text(name)])
    }

    static func savePlace(_ place: GeoPlace, name: String) -> StoreStatement {
        StoreStatement(
            """
            INSERT INTO places (name, display_name, latitude, longitude, time_zone, country) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (name) DO NOTHING
            """,
            [
                .text(name), .text(place.name), .real(place.latitude), .real(place.longitude), .text(place.timeZone),
                .text(place.country),
            ])
    }

    /// Locks the user's row (PostgreSQL) so that capped inserts of one user take turns.
    static func lockUser(_ id: UUID) -> StoreStatement {
        StoreStatement("SELECT id FROM users WHERE id = ? FOR UPDATE", [.uuid(id)])
    }

    static func countProfiles(userID: UUID) -> StoreStatement {
        StoreStatement("SELECT COUNT(*) AS n FROM birth_profiles WHERE user_id = ?", [.uuid(userID)])
    }

    static func insertProfile(_ profile: BirthProfile) -> StoreStatement {
        StoreStatement(
            """
            INSERT INTO birth_profiles (id, user_id, name, relation, birth_date, birth_time, birth_place, latitude,
              longitude, time_zone, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .uuid(profile.id), .uuid(profile.userID), .text(profile.name), .text(profile.relation),
                .text(profile.birthDate), .text(profile.birthTime), .text(profile.birthPlace), .real(profile.latitude),
                .real(profile.longitude), .text(profile.timeZone), .date(profile.createdAt),
            ])
    }

    static func profiles(userID: UUID) -> StoreStatement {
        StoreStatement(
            "SELECT * FROM birth_profiles WHERE user_id = ? ORDER BY created_at, id", [.uuid(userID)])
    }

    static func profile(id: UUID, userID: UUID) -> StoreStatement {
        StoreStatement("SELECT * FROM birth_profiles WHERE id = ? AND user_id = ?", [.uuid(id), .uuid(userID)])
    }

    static func deleteProfile(id: UUID, userID: UUID) -> StoreStatement {
        StoreStatement(
            "DELETE FROM birth_profiles WHERE id = ? AND user_id = ? RETURNING id", [.uuid(id), .uuid(userID)])
    }

    static func countMemories(userID: UUID, botID: UUID) -> StoreStatement {
        StoreStatement(
            "SELECT COUNT(*) AS n FROM memories WHERE user_id = ? AND bot_id = ?", [.uuid(userID), .uuid(botID)])
    }

    static func insertMemory(_ memory: Memory) -> StoreStatement {
        StoreStatement(
            "INSERT INTO memories (id, user_id, bot_id, text, created_at) VALUES (?, ?, ?, ?, ?)",
            [.uuid(memory.id), .uuid(memory.userID), .uuid(memory.botID), .text(memory.text), .date(memory.createdAt)])
    }

    static func memories(userID: UUID, botID: UUID) -> StoreStatement {
        StoreStatement(
            "SELECT * FROM memories WHERE user_id = ? AND bot_id = ? ORDER BY created_at, id",
            [.uuid(userID), .uuid(botID)])
    }

    static func memories(externalUserID: String, botID: UUID) -> StoreStatement {
        StoreStatement(
            """
            SELECT m.* FROM memories m JOIN users u ON u.id = m.user_id
            WHERE u.external_id = ? AND m.bot_id = ? ORDER BY m.created_at, m.id
            """, [.text(externalUserID), .uuid(botID)])
    }

    static func deleteMemory(id: UUID, userID: UUID, botID: UUID) -> StoreStatement {
        StoreStatement(
            "DELETE FROM memories WHERE id = ? AND user_id = ? AND bot_id = ? RETURNING id",
            [.uuid(id), .uuid(userID), .uuid(botID)])
    }

    static func deleteMemories(userID: UUID, botID: UUID) -> StoreStatement {
        StoreStatement(
            "DELETE FROM memories WHERE user_id = ? AND bot_id = ? RETURNING id", [.uuid(userID), .uuid(botID)])
    }
}
