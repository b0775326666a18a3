import SwitchyardCore
import Testing

/// The answer cache's bounds: entries, total cost, expiry, and the order of use that decides what makes room.
@Suite struct ExpiringLRUCacheTests {
    typealias Cache = ExpiringLRUCache<String, Int, Int>

    @Test func theLeastRecentlyUsedEntryMakesRoom() {
        var cache = Cache(maximumEntries: 3, maximumCost: 1_000)
        for (index, key) in ["a", "b", "c"].enumerated() {
            #expect(cache.store(index, for: key, cost: 1, expires: 100) == 0)
        }
        #expect(cache.value(for: "a", now: 0) == 0, "a becomes the most recently used")
        #expect(cache.store(3, for: "d", cost: 1, expires: 100) == 1)
        #expect(cache.keysByRecentUse == ["d", "a", "c"], "b was the least recently used")
        #expect(cache.value(for: "b", now: 0) == nil)
        // Storing a key again replaces its value and makes it the most recent; nothing else is dropped.
        #expect(cache.store(30, for: "c", cost: 1, expires: 100) == 0)
        #expect(cache.keysByRecentUse == ["c", "d", "a"])
        #expect(cache.value(for: "c", now: 0) == 30)
        #expect(cache.count == 3)
    }

    @Test func theTotalCostStaysWithinItsBound() {
        var cache = Cache(maximumEntries: 100, maximumCost: 100)
        cache.store(1, for: "a", cost: 40, expires: 100)
        cache.store(2, for: "b", cost: 40, expires: 100)
        #expect(cache.store(3, for: "c", cost: 40, expires: 100) == 1)
        #expect(cache.cost == 80)
        #expect(cache.keysByRecentUse == ["c", "b"])
        #expect(cache.store(4, for: "huge", cost: 101, expires: 100) == 0, "too big to keep: nothing is dropped for it")
        #expect(cache.value(for: "huge", now: 0) == nil)
        #expect(cache.keysByRecentUse == ["c", "b"])
        // A bigger value for a kept key: its old cost is released first (60 fits beside c's 40, 61 does not).
        #expect(cache.store(5, for: "b", cost: 60, expires: 100) == 0)
        #expect(cache.cost == 100)
        #expect(cache.store(6, for: "b", cost: 61, expires: 100) == 1)
        #expect(cache.keysByRecentUse == ["b"])
        #expect(cache.cost == 61)
    }

    @Test func anExpiredEntryIsDroppedWhenLookedUp() {
        var cache = Cache(maximumEntries: 10, maximumCost: 100)
        cache.store(1, for: "a", cost: 10, expires: 50)
        #expect(cache.value(for: "a", now: 49) == 1)
        #expect(cache.value(for: "a", now: 50) == nil)
        #expect(cache.count == 0)
        #expect(cache.cost == 0)
    }

    /// Random stores and lookups against a plain list kept in order of use: the two never disagree.
    @Test func itAgreesWithAPlainListUnderRandomUse() {
        var cache = Cache(maximumEntries: 8, maximumCost: 60)
        var model: [(key: String, value: Int, cost: Int)] = []  // most recent first
        var generator = SystemRandomNumberGenerator()
        for step in 0..<10_000 {
            let key = "k\(Int.random(in: 0..<16, using: &generator))"
            if Bool.random(using: &generator) {
                let cost = Int.random(in: 1...20, using: &generator)
                cache.store(step, for: key, cost: cost, expires: Int.max)
                model.removeAll { $0.key == key }
                while !model.isEmpty, model.count >= 8 || model.reduce(0, { $0 + $1.cost }) + cost > 60 {
                    model.removeLast()
                }
                model.insert((key, step, cost), at: 0)
            } else {
                let expected = model.firstIndex { $0.key == key }.map { model.remove(at: $0) }
                if let expected { model.insert(expected, at: 0) }
                #expect(cache.value(for: key, now: 0) == expected?.value)
            }
            #expect(cache.keysByRecentUse == model.map(\.key))
            #expect(cache.cost == model.reduce(0) { $0 + $1.cost })
        }
    }
}
