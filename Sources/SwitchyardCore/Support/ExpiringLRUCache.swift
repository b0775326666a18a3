/// A cache bounded by its number of entries and by their total cost (an estimate of the bytes each holds), whose
/// entries expire. When a new entry does not fit, the least recently used ones make room, expired or not; an expired
/// entry is also dropped when it is looked up. Pure: the caller passes the time and keeps the cache behind a lock.
public struct ExpiringLRUCache<Key: Hashable, Value, Instant: Comparable> {
    fileprivate struct Slot {
        var key: Key
        var value: Value
        var cost: Int
        var expires: Instant
        /// Neighbours in the order of use (slot indexes; -1 at either end).
        var older: Int
        var newer: Int
    }

    public let maximumEntries: Int
    public let maximumCost: Int
    /// The total cost of the entries kept.
    public private(set) var cost = 0
    private var indexes: [Key: Int] = [:]
    private var slots: [Slot?] = []
    private var freeSlots: [Int] = []
    private var newest = -1
    private var oldest = -1

    /// - Parameters:
    ///   - maximumEntries: The most entries kept.
    ///   - maximumCost: The largest total cost kept; an entry that costs more on its own is not kept.
    public init(maximumEntries: Int, maximumCost: Int) {
        self.maximumEntries = maximumEntries
        self.maximumCost = maximumCost
    }

    /// How many entries are kept (expired ones not yet dropped included).
    public var count: Int { indexes.count }

    /// The value of `key` unless it has expired (then it is dropped); a hit becomes the most recently used entry.
    public mutating func value(for key: Key, now: Instant) -> Value? {
        guard let index = indexes[key], let slot = slots[index] else { return nil }
        guard now < slot.expires else {
            remove(index)
            return nil
        }
        unlink(index)
        link(index)
        return slot.value
    }

    /// Keeps `value` until `expires`, in place of any earlier value of `key`, after dropping the least recently used
    /// entries it needs room from.
    /// - Returns: How many other entries were dropped to make room.
    @discardableResult
    public mutating func store(_ value: Value, for key: Key, cost entryCost: Int, expires: Instant) -> Int {
        if let index = indexes[key] { remove(index) }
        guard entryCost <= maximumCost, maximumEntries > 0 else { return 0 }
        var dropped = 0
        while oldest >= 0, indexes.count >= maximumEntries || cost + entryCost > maximumCost {
            remove(oldest)
            dropped += 1
        }
        let slot = Slot(key: key, value: value, cost: entryCost, expires: expires, older: -1, newer: -1)
        let index: Int
        if let free = freeSlots.popLast() {
            index = free
            slots[index] = slot
        } else {
            index = slots.count
            slots.append(slot)
        }
        indexes[key] = index
        cost += entryCost
        link(index)
        return dropped
    }

    /// Keys from the most recently used to the least.
    public var keysByRecentUse: [Key] {
        var keys: [Key] = []
        var index = newest
        while index >= 0, let slot = slots[index] {
            keys.append(slot.key)
            index = slot.older
        }
        return keys
    }

    private mutating func remove(_ index: Int) {
        guard let slot = slots[index] else { return }
        unlink(index)
        indexes[slot.key] = nil
        cost -= slot.cost
        slots[index] = nil
        freeSlots.append(index)
    }

    /// Makes `index` the most recently used.
    private mutating func link(_ index: Int) {
        slots[index]!.older = newest
        slots[index]!.newer = -1
        if newest >= 0 { slots[newest]!.newer = index }
        newest = index
        if oldest < 0 { oldest = index }
    }

    private mutating func unlink(_ index: Int) {
        let (older, newer) = (slots[index]!.older, slots[index]!.newer)
        if older >= 0 { slots[older]!.newer = newer } else { oldest = newer }
        if newer >= 0 { slots[newer]!.older = older } else { newest = older }
    }
}

extension ExpiringLRUCache: Sendable where Key: Sendable, Value: Sendable, Instant: Sendable {}

extension ExpiringLRUCache.Slot: Sendable where Key: Sendable, Value: Sendable, Instant: Sendable {}
