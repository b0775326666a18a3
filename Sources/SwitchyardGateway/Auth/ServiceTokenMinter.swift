import Foundation
import JWTKit
import SwitchyardCore

/// Mints HS256 service tokens (for `switchyard token` and for the HTTP ``GatewayClient``).
public struct ServiceTokenMinter: Sendable {
    private let keys: JWTKeyCollection

    /// - Parameter secret: The shared secret, at least 32 bytes.
    /// - Throws: ``TokenRejection`` when the secret is too short.
    public init(secret: Secret) async throws {
        guard secret.value.utf8.count >= ServiceTokenVerifier.minimumSecretBytes else {
            throw TokenRejection(
                message: "The JWT secret must be at least \(ServiceTokenVerifier.minimumSecretBytes) bytes.")
        }
        keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret.value), digestAlgorithm: .sha256)
    }

    /// - Parameters:
    ///   - service: The `service` claim.
    ///   - ttl: Lifetime.
    ///   - now: The issue time.
    /// - Returns: The token and its expiry.
    public func mint(service: String, ttl: TimeInterval, now: Date = Date()) async throws -> (String, Date) {
        let expiresAt = now.addingTimeInterval(ttl)
        let token = try await keys.sign(ServiceClaims(service: service, expiresAt: expiresAt, issuedAt: now))
        return (token, expiresAt)
    }
}
