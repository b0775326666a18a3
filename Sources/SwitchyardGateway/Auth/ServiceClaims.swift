import Foundation
import JWTKit

/// The claims of a gateway service token. Every claim is optional at decode time so that a missing one gets its
/// own clear message from ``ServiceTokenVerifier``.
public struct ServiceClaims: JWTPayload, Equatable {
    public var service: String?
    public var exp: ExpirationClaim?
    public var nbf: NotBeforeClaim?
    public var iat: IssuedAtClaim?

    /// - Parameters:
    ///   - service: The calling service's name.
    ///   - expiresAt: When the token expires.
    ///   - issuedAt: When it was minted.
    public init(service: String, expiresAt: Date, issuedAt: Date = Date()) {
        self.service = service
        self.exp = ExpirationClaim(value: expiresAt)
        self.iat = IssuedAtClaim(value: issuedAt)
    }

    /// Time claims are checked by ``ServiceTokenVerifier`` with its leeway, not here.
    public func verify(using algorithm: some JWTAlgorithm) async throws {}
}
