import Foundation
import Synchronization

/// A thread-safe cache whose entries expire after a TTL, with a size bound. An expired entry is not served as
/// fresh but stays readable (``entry(for:)``) until it is evicted, so that a caller may serve it stale when its
/// source fails. When full, expired entries go first, then the oldest half.
public final class ExpiringCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    @frozen public struct Entry: Sendable {
        public var value: Value
        /// When the value was made (fetched from its source), which decides how stale it is.
        public var madeAt: Date
        /// When this cache stops serving it as fresh.
        public var expiresAt: Date
    }

    @usableFromInline let entries = Mutex<[Key: Entry]>([:])
    public let capacity: Int

    /// - Parameter capacity: The most entries kept.
    public init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// - Returns: The value when it has not expired at `now`.
    @inlinable public func fresh(_ key: Key, now: Date) -> Value? {
        entries.withLock { entries in
            guard let entry = entries[key], entry.expiresAt > now else { return nil }
            return entry.value
        }
    }

    /// - Returns: The entry, expired or not.
    @inlinable public func entry(for key: Key) -> Entry? {
        entries.withLock { $0[key] }
    }

    /// Stores a value made at `madeAt`, fresh for `ttl` from `now`.
    public func store(_ value: Value, for key: Key, madeAt: Date, ttl: TimeInterval, now: Date) {
        entries.withLock { entries in
            if entries[key] == nil, entries.count >= capacity {
                entries = entries.filter { $0.value.expiresAt > now }
                if entries.count >= capacity {
                    let oldest = entries.sorted { $0.value.expiresAt < $1.value.expiresAt }.prefix(entries.count / 2)
                    for (key, _) in oldest { entries[key] = nil }
                }
            }
            entries[key] = Entry(value: value, madeAt: madeAt, expiresAt: now.addingTimeInterval(ttl))
        }
    }

    /// Forgets an entry.
    public func remove(_ key: Key) {
        _ = entries.withLock { $0.removeValue(forKey: key) }
    }

    public var count: Int { entries.withLock { $0.count } }
}
