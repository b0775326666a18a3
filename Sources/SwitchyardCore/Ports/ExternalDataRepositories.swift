import Foundation

/// A value a cache layer holds: the source's normalized JSON and when it was fetched from the API.
public struct ExternalValue: Sendable, Equatable {
    public var payload: Data
    public var fetchedAt: Date

    public init(payload: Data, fetchedAt: Date) {
        self.payload = payload
        self.fetchedAt = fetchedAt
    }
}

/// What is read and written while a key's lock is held: on PostgreSQL on the lock's own connection and transaction
/// (so that holding locks never needs a second connection, and the rows commit as the lock is released).
public protocol ExternalDataWrites: Sendable {
    /// - Returns: The shared layer's value for the key, unless it expired at `now`.
    func sharedValue(key: String, now: Date) async throws -> ExternalValue?
    /// Writes the record, and the shared row (when there is a shared layer) expiring at `sharedExpiry`.
    func save(
        ownerID: UUID, subject: String, source: String, key: String, value: ExternalValue, sharedExpiry: Date
    ) async throws
}

/// The stored layers of external data: a shared cache table that every replica sees (PostgreSQL only), the record
/// per owner, subject and source, the cross-replica lock on a key, and the geocoded places.
public protocol ExternalDataStore: ExternalDataWrites {
    /// Whether there is a shared layer (and a cross-replica lock): PostgreSQL. The embedded SQLite store has one
    /// process, whose own cache is already shared.
    var sharesAcrossProcesses: Bool { get }
    /// - Returns: The record of an owner's subject (`self`, or a saved profile's id) for a source, with the key it
    ///   was fetched for.
    func record(ownerID: UUID, subject: String, source: String) async throws -> (key: String, value: ExternalValue)?
    /// Writes only the shared row (a record hit written back to the layer above it).
    func saveShared(key: String, value: ExternalValue, expiry: Date) async throws
    /// Forgets an owner's records (every subject when nil), and the shared rows of the given keys.
    func forget(ownerID: UUID, subject: String?, sharedKeys: [String]) async throws
    /// Runs `body` holding the lock on `key` that every replica on the database respects (a PostgreSQL advisory
    /// lock, released when `body` ends); without a shared layer, runs `body` on the store as is.
    func withKeyLock<T: Sendable>(
        _ key: String, _ body: @escaping @Sendable (any ExternalDataWrites) async throws -> T
    ) async throws -> T
    /// A geocoded place by its normalized name (kept for good).
    func place(name: String) async throws -> GeoPlace?
    func savePlace(_ place: GeoPlace, name: String) async throws
}

/// A birth profile a user saved for someone else (a partner, a child), for questions about two people.
public struct BirthProfile: Sendable, Equatable, Codable {
    public var id: UUID
    public var userID: UUID
    public var name: String
    /// How the person relates to the user (free text: `partner`, `mother`).
    public var relation: String?
    public var birthDate: String
    public var birthTime: String
    public var birthPlace: String?
    public var latitude: Double?
    public var longitude: Double?
    public var timeZone: String?
    public var createdAt: Date

    public init(
        id: UUID = UUID(), userID: UUID, name: String, relation: String? = nil, birthDate: String, birthTime: String,
        birthPlace: String? = nil, latitude: Double? = nil, longitude: Double? = nil, timeZone: String? = nil,
        createdAt: Date = Date()
    ) {
        self.id = id
        self.userID = userID
        self.name = name
        self.relation = relation
        self.birthDate = birthDate
        self.birthTime = birthTime
        self.birthPlace = birthPlace
        self.latitude = latitude
        self.longitude = longitude
        self.timeZone = timeZone
        self.createdAt = createdAt
    }

    /// The subject the astrology source reads.
    public var birthDetails: BirthDetails {
        BirthDetails(
            date: birthDate, time: birthTime,
            place: PlaceQuery(name: birthPlace, latitude: latitude, longitude: longitude, timeZone: timeZone))
    }
}

/// A short text a bot remembers about a user across sessions.
public struct Memory: Sendable, Equatable, Codable {
    public var id: UUID
    public var userID: UUID
    public var botID: UUID
    public var text: String
    public var createdAt: Date

    public init(id: UUID = UUID(), userID: UUID, botID: UUID, text: String, createdAt: Date = Date()) {
        self.id = id
        self.userID = userID
        self.botID = botID
        self.text = text
        self.createdAt = createdAt
    }
}

/// Saved birth profiles.
public protocol BirthProfileRepository: Sendable {
    /// Stores a profile unless the user has `limit` already.
    /// - Returns: false when the user is at the limit.
    func addProfile(_ profile: BirthProfile, limit: Int) async throws -> Bool
    /// A user's profiles, oldest first.
    func profiles(userID: UUID) async throws -> [BirthProfile]
    func profile(id: UUID, userID: UUID) async throws -> BirthProfile?
    /// - Returns: Whether a profile of this user was deleted.
    func deleteProfile(id: UUID, userID: UUID) async throws -> Bool
}

/// Memories per user and bot.
public protocol MemoryRepository: Sendable {
    /// Stores a memory unless the user has `limit` for this bot already.
    /// - Returns: false when at the limit.
    func addMemory(_ memory: Memory, limit: Int) async throws -> Bool
    /// Oldest first.
    func memories(userID: UUID, botID: UUID) async throws -> [Memory]
    /// A user's memories with a bot by the user's external id (the admin API), oldest first.
    func memories(externalUserID: String, botID: UUID) async throws -> [Memory]
    /// - Returns: Whether one was deleted.
    func deleteMemory(id: UUID, userID: UUID, botID: UUID) async throws -> Bool
    /// - Returns: How many were deleted.
    func deleteMemories(userID: UUID, botID: UUID) async throws -> Int
}

/// The limits of memories and saved profiles.
public enum ExternalDataLimits {
    /// Memories per user and bot.
    public static let memories = 50
    /// Characters per memory.
    public static let memoryCharacters = 500
    /// Saved birth profiles per user.
    public static let profiles = 20
}
