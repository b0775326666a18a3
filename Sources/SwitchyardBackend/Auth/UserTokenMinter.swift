import Foundation
import JWTKit
import SwitchyardCore

/// Mints user tokens (for demos, tests and operators; real apps mint their own with the shared secret).
public enum UserTokenMinter {
    /// - Parameters:
    ///   - secret: `SWITCHYARD_USER_JWT_SECRET`.
    ///   - subject: The user's external id.
    ///   - ttl: Lifetime in seconds.
    ///   - app: The `app` claim (it selects language instructions), if any.
    /// - Returns: An HS256 token.
    public static func mint(
        secret: Secret, subject: String, ttl: TimeInterval, app: String? = nil
    ) async throws
        -> String
    {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret.value), digestAlgorithm: .sha256)
        return try await keys.sign(
            UserClaims(
                sub: SubjectClaim(value: subject), exp: ExpirationClaim(value: Date().addingTimeInterval(ttl)), app: app
            ))
    }
}
