import Synchronization

/// A thread-safe dictionary with a size bound, for values that are expensive to compute and never stale for their
/// key (a verified token's claims, a compiled template for its exact source). When full, it is cleared.
public final class BoundedCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    @usableFromInline let entries = Mutex<[Key: Value]>([:])
    public let capacity: Int

    /// - Parameter capacity: The most entries kept.
    public init(capacity: Int) {
        self.capacity = capacity
    }

    /// - Parameter key: The key.
    /// - Returns: The cached value, if any.
    @inlinable public func value(for key: Key) -> Value? {
        entries.withLock { $0[key] }
    }

    /// Stores a value.
    public func store(_ value: Value, for key: Key) {
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = value
        }
    }
}
