import Synchronization

/// Remembers the claims of tokens whose signature verified, so that a caller reusing its token (as
/// ``HTTPGatewayClient`` does) costs a dictionary lookup instead of a signature check. Only exact token strings
/// hit, so a tampered token never does; time claims are still checked on every use. Bounded: when full it is
/// cleared.
final class VerifiedTokenCache: Sendable {
    private let entries = Mutex<[String: ServiceClaims]>([:])
    let capacity: Int

    init(capacity: Int = 4096) {
        self.capacity = capacity
    }

    func claims(for token: String) -> ServiceClaims? {
        entries.withLock { $0[token] }
    }

    func store(_ claims: ServiceClaims, for token: String) {
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[token] = claims
        }
    }
}
