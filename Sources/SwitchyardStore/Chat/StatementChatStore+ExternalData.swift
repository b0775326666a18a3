import Foundation
import SQLKit
import SwitchyardCore

/// External data's stored layers, saved birth profiles and memories, on either database. Without a shared layer
/// (SQLite) the shared reads find nothing and the key lock is the process's own single flight;
/// ``PostgresChatStore`` adds both.
extension StatementChatStore {
    var sharesAcrossProcesses: Bool { false }

    func sharedValue(key: String, now: Date) async throws -> ExternalValue? { nil }

    func saveShared(key: String, value: ExternalValue, expiry: Date) async throws {}

    func withKeyLock<T: Sendable>(
        _ key: String, _ body: @escaping @Sendable (any ExternalDataWrites) async throws -> T
    ) async throws -> T {
        try await body(self)
    }

    func record(ownerID: UUID, subject: String, source: String) async throws -> (key: String, value: ExternalValue)? {
        try await rows(ExternalDataStatements.record(ownerID: ownerID, subject: subject, source: source)) { row in
            (
                try row.decode(column: "cache_key", as: String.self),
                ExternalValue(
                    payload: Data(try row.decode(column: "payload", as: String.self).utf8),
                    fetchedAt: try row.decode(column: "fetched_at", as: Date.self))
            )
        }.first
    }

    func save(
        ownerID: UUID, subject: String, source: String, key: String, value: ExternalValue, sharedExpiry: Date
    ) async throws {
        try await writeTransaction { tx in
            _ = try await tx.rows(
                ExternalDataStatements.saveRecord(
                    ownerID: ownerID, subject: subject, source: source, key: key, value: value)
            ) { _ in () }
        }
        if sharesAcrossProcesses { try await saveShared(key: key, value: value, expiry: sharedExpiry) }
    }

    func forget(ownerID: UUID, subject: String?, sharedKeys: [String]) async throws {
        let shares = sharesAcrossProcesses
        try await writeTransaction { tx in
            _ = try await tx.rows(ExternalDataStatements.forgetRecords(ownerID: ownerID, subject: subject)) { _ in () }
            guard shares else { return }
            for key in sharedKeys {
                _ = try await tx.rows(ExternalDataStatements.forgetShared(key: key)) { _ in () }
            }
        }
    }

    func place(name: String) async throws -> GeoPlace? {
        try await rows(ExternalDataStatements.place(name: name)) { row in
            GeoPlace(
                name: try row.decode(column: "display_name", as: String.self),
                latitude: try row.decode(column: "latitude", as: Double.self),
                longitude: try row.decode(column: "longitude", as: Double.self),
                timeZone: try row.decode(column: "time_zone", as: String.self),
                country: try row.decode(column: "country", as: String?.self))
        }.first
    }

    func savePlace(_ place: GeoPlace, name: String) async throws {
        try await writeTransaction { tx in
            _ = try await tx.rows(ExternalDataStatements.savePlace(place, name: name)) { _ in () }
        }
    }

    func addProfile(_ profile: BirthProfile, limit: Int) async throws -> Bool {
        try await cappedInsert(
            user: profile.userID, count: ExternalDataStatements.countProfiles(userID: profile.userID),
            insert: ExternalDataStatements.insertProfile(profile), limit: limit)
    }

    func profiles(userID: UUID) async throws -> [BirthProfile] {
        try await rows(ExternalDataStatements.profiles(userID: userID)) { try $0.birthProfile() }
    }

    func profile(id: UUID, userID: UUID) async throws -> BirthProfile? {
        try await rows(ExternalDataStatements.profile(id: id, userID: userID)) { try $0.birthProfile() }.first
    }

    func deleteProfile(id: UUID, userID: UUID) async throws -> Bool {
        try await !writeTransaction { tx in
            try await tx.rows(ExternalDataStatements.deleteProfile(id: id, userID: userID)) { _ in () }
        }.isEmpty
    }

    func addMemory(_ memory: Memory, limit: Int) async throws -> Bool {
        try await cappedInsert(
            user: memory.userID,
            count: ExternalDataStatements.countMemories(userID: memory.userID, botID: memory.botID),
            insert: ExternalDataStatements.insertMemory(memory), limit: limit)
    }

    func memories(userID: UUID, botID: UUID) async throws -> [Memory] {
        try await rows(ExternalDataStatements.memories(userID: userID, botID: botID)) { try $0.memory() }
    }

    func memories(externalUserID: String, botID: UUID) async throws -> [Memory] {
        try await rows(ExternalDataStatements.memories(externalUserID: externalUserID, botID: botID)) {
            try $0.memory()
        }
    }

    func deleteMemory(id: UUID, userID: UUID, botID: UUID) async throws -> Bool {
        try await !writeTransaction { tx in
            try await tx.rows(ExternalDataStatements.deleteMemory(id: id, userID: userID, botID: botID)) { _ in () }
        }.isEmpty
    }

    func deleteMemories(userID: UUID, botID: UUID) async throws -> Int {
        try await writeTransaction { tx in
            try await tx.rows(ExternalDataStatements.deleteMemories(userID: userID, botID: botID)) { _ in () }
        }.count
    }

    /// Inserts unless the user has `limit` rows already. The user's row lock (PostgreSQL) or the one writer
    /// (SQLite) orders concurrent inserts of one user, so the cap holds under races.
    private func cappedInsert(
        user: UUID, count: StoreStatement, insert: StoreStatement, limit: Int
    ) async throws
        -> Bool
    {
        try await writeTransaction { tx in
            if tx.hasWritableCTEs { _ = try await tx.rows(ExternalDataStatements.lockUser(user)) { _ in () } }
            let existing = try await tx.rows(count) { try $0.decode(column: "n", as: Int.self) }.first ?? 0
            guard existing < limit else { return false }
            _ = try await tx.rows(insert) { _ in () }
            return true
        }
    }
}

extension SQLRow {
    func memory() throws -> Memory {
        Memory(
            id: try decode(column: "id", as: UUID.self), userID: try decode(column: "user_id", as: UUID.self),
            botID: try decode(column: "bot_id", as: UUID.self), text: try decode(column: "text", as: String.self),
            createdAt: try decode(column: "created_at", as: Date.self))
    }

    func birthProfile() throws -> BirthProfile {
        BirthProfile(
            id: try decode(column: "id", as: UUID.self), userID: try decode(column: "user_id", as: UUID.self),
            name: try decode(column: "name", as: String.self),
            relation: try decode(column: "relation", as: String?.self),
            birthDate: try decode(column: "birth_date", as: String.self),
            birthTime: try decode(column: "birth_time", as: String.self),
            birthPlace: try decode(column: "birth_place", as: String?.self),
            latitude: try decode(column: "latitude", as: Double?.self),
            longitude: try decode(column: "longitude", as: Double?.self),
            timeZone: try decode(column: "time_zone", as: String?.self),
            createdAt: try decode(column: "created_at", as: Date.self))
    }
}
