import HTTPTypes
import SwitchyardCore

/// OpenAI's rate-limit headers, from the tightest buckets a request met (its service's or its user's), on every
/// answer of a limited caller and on the 429. For requests: `x-ratelimit-limit-requests` (the bucket's requests per
/// minute), `x-ratelimit-remaining-requests` (whole requests that would pass at once now) and
/// `x-ratelimit-reset-requests` (until the bucket is full again, written as OpenAI writes it: `1s`, `6m0s`, `20ms`);
/// for tokens the same three ending in `-tokens` (tokens per minute, whole tokens left before this request's own
/// answer is charged, until full). Per process, as the buckets are.
enum RateLimitHeaders {
    static let limit = HTTPField.Name("x-ratelimit-limit-requests")!
    static let remaining = HTTPField.Name("x-ratelimit-remaining-requests")!
    static let reset = HTTPField.Name("x-ratelimit-reset-requests")!
    static let tokenLimit = HTTPField.Name("x-ratelimit-limit-tokens")!
    static let tokensRemaining = HTTPField.Name("x-ratelimit-remaining-tokens")!
    static let tokensReset = HTTPField.Name("x-ratelimit-reset-tokens")!

    /// Appends the fields of each measure a limit applied to, or nothing.
    static func append(_ quotas: RateLimitQuotas?, to headers: inout HTTPFields) {
        if let quota = quotas?.requests { appendFields(quota, (limit, remaining, reset), to: &headers) }
        if let quota = quotas?.tokens { appendFields(quota, (tokenLimit, tokensRemaining, tokensReset), to: &headers) }
    }

    private static func appendFields(
        _ quota: RateLimiter<AnyClock.Instant>.Quota, _ names: (HTTPField.Name, HTTPField.Name, HTTPField.Name),
        to headers: inout HTTPFields
    ) {
        headers.append(HTTPField(name: names.0, value: String(quota.perMinute)))
        headers.append(HTTPField(name: names.1, value: String(quota.remaining)))
        headers.append(HTTPField(name: names.2, value: durationText(quota.resetAfter)))
    }

    /// A duration as Go prints one (OpenAI's format), at millisecond resolution, rounded up so that a client that
    /// waits this long finds the bucket full: `0s`, `20ms`, `1.5s`, `6m0s`, `1h0m0s`.
    static func durationText(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let milliseconds = max(0, seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
        if milliseconds == 0 { return "0s" }
        if milliseconds < 1000 { return "\(milliseconds)ms" }
        let hours = milliseconds / 3_600_000
        let minutes = milliseconds / 60_000 % 60
        let wholeSeconds = milliseconds / 1000 % 60
        let fraction = milliseconds % 1000
        var text = hours > 0 ? "\(hours)h\(minutes)m" : minutes > 0 ? "\(minutes)m" : ""
        text += String(wholeSeconds)
        if fraction > 0 {
            var digits = String(1000 + fraction).dropFirst()  // three digits, leading zeros kept
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return text + "s"
    }
}
