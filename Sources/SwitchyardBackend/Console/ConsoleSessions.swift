import Crypto
import Foundation
import SwitchyardCore
import Synchronization

/// A signed-in operator's console session.
struct ConsoleSession: Sendable, Equatable {
    /// Random, 32 hex digits.
    var id: String
    var expiresAt: Date
    /// The token every form of this session carries (`_csrf`).
    var csrfToken: String
}

/// Console sessions as signed cookies: `id.expiry.mac`, HMAC-SHA256 under a key derived from the admin key, so that
/// every replica with the same admin key accepts them, and changing the key signs everyone out. The CSRF token of a
/// session is an HMAC of its id under the same key. Signed-out sessions are remembered in this process until they
/// expire.
final class ConsoleSessions: Sendable {
    /// The cookie's name.
    static let cookieName = "switchyard_console"
    /// How long a sign-in lasts.
    let lifetime: TimeInterval
    private let key: SymmetricKey
    private let signedOut = Mutex<[String: Date]>([:])

    enum Verdict: Equatable {
        case valid(ConsoleSession)
        case expired
        case invalid
    }

    /// - Parameters:
    ///   - adminKey: The admin key, from which the signing key is derived.
    ///   - lifetime: How long a sign-in lasts (8 hours by default).
    init(adminKey: Secret, lifetime: TimeInterval = 8 * 3600) {
        key = SymmetricKey(data: SHA256.hash(data: Data(("switchyard-console-session\u{0}" + adminKey.value).utf8)))
        self.lifetime = lifetime
    }

    /// A new session, and its cookie value.
    func start(now: Date) -> (ConsoleSession, cookie: String) {
        let id = (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        let expiry = Int64(now.addingTimeInterval(lifetime).timeIntervalSince1970)
        let payload = "\(id).\(expiry)"
        let session = ConsoleSession(
            id: id, expiresAt: Date(timeIntervalSince1970: TimeInterval(expiry)), csrfToken: csrf(id))
        return (session, "\(payload).\(mac(payload))")
    }

    /// Checks a cookie value's signature and expiry.
    func verify(_ cookie: String?, now: Date) -> Verdict {
        guard let cookie else { return .invalid }
        let parts = cookie.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].utf8.count == 32, let expiry = Int64(parts[1]),
            let given = Data(base64URLEncoded: String(parts[2]))
        else { return .invalid }
        let payload = "\(parts[0]).\(parts[1])"
        guard HMAC<SHA256>.isValidAuthenticationCode(given, authenticating: Data(payload.utf8), using: key) else {
            return .invalid
        }
        let id = String(parts[0])
        let expiresAt = Date(timeIntervalSince1970: TimeInterval(expiry))
        guard expiresAt > now else { return .expired }
        if signedOut.withLock({ $0[id] != nil }) { return .invalid }
        return .valid(ConsoleSession(id: id, expiresAt: expiresAt, csrfToken: csrf(id)))
    }

    /// Whether a form's `_csrf` value is this session's token (compared in constant time).
    func checkCSRF(_ token: String?, session: ConsoleSession) -> Bool {
        guard let token, let given = Data(base64URLEncoded: token) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(
            given, authenticating: Data("csrf\u{0}\(session.id)".utf8), using: key)
    }

    /// Forgets a session in this process (sign-out), until it would have expired anyway.
    func signOut(_ session: ConsoleSession, now: Date) {
        signedOut.withLock { revoked in
            revoked = revoked.filter { $0.value > now }
            revoked[session.id] = session.expiresAt
        }
    }

    private func mac(_ payload: String) -> String {
        Data(HMAC<SHA256>.authenticationCode(for: Data(payload.utf8), using: key)).base64URLEncodedString()
    }

    private func csrf(_ id: String) -> String {
        mac("csrf\u{0}\(id)")
    }
}

/// Sign-in attempts per client address: a token bucket of 5 at once, refilled at 10 a minute. Every attempt takes
/// a token, right key or wrong, so that guessing costs the same whatever the answer.
final class SignInThrottle: Sendable {
    private let limiter = Mutex(
        RateLimiter<ContinuousClock.Instant>(rules: RateLimitRules(user: RateLimit(requestsPerMinute: 10, burst: 5))))

    /// - Returns: nil when the attempt may go on; else how many whole seconds to wait.
    func admit(client: String) -> Int? {
        let now = ContinuousClock.now
        guard let refusal = limiter.withLock({ $0.admit(service: nil, user: client, now: now) }).refusal else {
            return nil
        }
        let (seconds, attoseconds) = refusal.retryAfter.components
        return Int(seconds) + (attoseconds > 0 ? 1 : 0)
    }
}
