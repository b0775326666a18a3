import Foundation

/// Capped exponential backoff with jitter, for retries of the same target.
///
/// The delay before retry `n` (1-based) is
///
///     delay(n) = min(cap, base × multiplier^(n−1)) × (1 + jitter × u),   u uniform in [−1, 1]
///
/// With the defaults (base 250 ms, multiplier 2, cap 4 s, jitter 0.2) that is about 250 ms, 500 ms, 1 s, 2 s, 4 s,
/// 4 s … each within ±20 %. When the upstream sent `Retry-After`, that wait is used instead, as long as it is no
/// longer than `maxRetryAfter`; a longer one means "not worth waiting", and the caller moves on.
public struct Backoff: Sendable, Equatable {
    public var base: Duration
    public var multiplier: Double
    public var cap: Duration
    public var jitter: Double
    public var maxRetryAfter: Duration

    /// - Parameters:
    ///   - base: The first delay.
    ///   - multiplier: Growth per retry.
    ///   - cap: The longest computed delay.
    ///   - jitter: Relative spread, 0 to 1.
    ///   - maxRetryAfter: The longest `Retry-After` the gateway will wait for.
    public init(
        base: Duration = .milliseconds(250),
        multiplier: Double = 2,
        cap: Duration = .seconds(4),
        jitter: Double = 0.2,
        maxRetryAfter: Duration = .seconds(20)
    ) {
        self.base = base
        self.multiplier = multiplier
        self.cap = cap
        self.jitter = min(max(jitter, 0), 1)
        self.maxRetryAfter = maxRetryAfter
    }

    /// - Parameters:
    ///   - retry: Which retry this is, from 1.
    ///   - retryAfter: The upstream's requested wait, if any.
    ///   - unit: A number in [−1, 1] that places the jitter (inject a random one in production).
    /// - Returns: How long to wait, or nil when the upstream asked for more than `maxRetryAfter`.
    public func delay(forRetry retry: Int, retryAfter: Duration?, unit: Double) -> Duration? {
        if let retryAfter {
            return retryAfter <= maxRetryAfter ? max(retryAfter, .zero) : nil
        }
        let exponent = Double(max(retry, 1) - 1)
        let raw = base.seconds * pow(multiplier, exponent)
        let capped = min(raw, cap.seconds)
        let spread = 1 + jitter * min(max(unit, -1), 1)
        return .seconds(capped * spread)
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    public var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) / 1e18
    }

    /// The duration in whole milliseconds, rounded.
    public var milliseconds: Int { Int((seconds * 1000).rounded()) }
}
