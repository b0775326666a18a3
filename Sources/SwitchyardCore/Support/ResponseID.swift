import Synchronization

/// Identifiers for requests and responses (`x-request-id`, `chatcmpl-…`): unique within a process and, with a random
/// 64-bit key drawn at start, across processes, without a system call per identifier.
///
/// Each identifier is a counter passed through SplitMix64's finalizer (a bijection on 64-bit values, so two counts
/// never give the same identifier) under the process key, written in base 36. They look random and do not reveal how
/// many came before, but they are not secrets: nothing that grants access may use them (sessions and CSRF tokens
/// draw from the system's generator).
public enum ResponseID {
    private static let key = UInt64.random(in: .min ... .max)
    private static let counter = Atomic<UInt64>(0)

    /// The next identifier: 26 characters of `[0-9a-z]` (two 64-bit values in base 36, 13 digits each).
    public static func next() -> String {
        let count = counter.add(1, ordering: .relaxed).newValue
        let high = mix(count ^ key)
        let low = mix(high ^ key)
        return String(unsafeUninitializedCapacity: 26) { text in
            write(high, into: text, from: 0)
            write(low, into: text, from: 13)
            return 26
        }
    }

    /// Writes `value` in base 36 as 13 digits (enough for any 64-bit value) from `start`.
    private static func write(_ value: UInt64, into text: UnsafeMutableBufferPointer<UInt8>, from start: Int) {
        var rest = value
        for index in stride(from: start + 12, through: start, by: -1) {
            let digit = UInt8(rest % 36)
            text[index] = digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") + digit - 10
            rest /= 36
        }
    }

    /// SplitMix64's output function.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
