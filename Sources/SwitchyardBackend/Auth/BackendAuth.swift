import Crypto
import Foundation
import Hummingbird
import JWTKit
import SwitchyardCore
import SwitchyardHTTP

/// What the backend's routes need from the request context: the authenticated user.
public protocol UserAuthenticatedContext: RequestContext {
    var user: User? { get set }
}

/// The claims of a user token: `sub` is the user's external id.
struct UserClaims: JWTPayload {
    var sub: SubjectClaim?
    var exp: ExpirationClaim?

    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// Verifies user tokens (HS256 with `SWITCHYARD_USER_JWT_SECRET`), pinned like the gateway's service tokens.
public struct UserTokenVerifier: Sendable {
    private let keys: JWTKeyCollection
    public let leeway: TimeInterval
    /// Verified tokens: their subject and expiry.
    private let verified = BoundedCache<String, VerifiedUser>(capacity: 16384)

    struct VerifiedUser: Sendable {
        var subject: String
        var expiresAt: Date
    }

    /// - Parameters:
    ///   - secret: The HS256 secret, at least 32 bytes.
    ///   - leeway: Clock skew allowed on `exp`.
    public init(secret: Secret, leeway: TimeInterval = 5) async throws {
        guard secret.value.utf8.count >= 32 else {
            throw APIError.invalidRequest("SWITCHYARD_USER_JWT_SECRET must be at least 32 bytes.")
        }
        keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret.value), digestAlgorithm: .sha256)
        self.leeway = leeway
    }

    /// - Returns: The user's external id.
    func externalID(from token: String, now: Date = Date()) async throws(APIError) -> String {
        if let known = verified.value(for: token) {
            guard known.expiresAt.addingTimeInterval(leeway) >= now else {
                throw APIError.unauthorized("The user token is expired or has no `exp`.")
            }
            return known.subject
        }
        let header = token.split(separator: ".").first.map(String.init) ?? ""
        guard let data = Data(base64URLEncoded: header),
            let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            json["alg"] as? String == "HS256"
        else {
            throw APIError.unauthorized("User tokens must be HS256 JWTs.")
        }
        let claims: UserClaims
        do {
            claims = try await keys.verify(token, as: UserClaims.self)
        } catch {
            throw APIError.unauthorized("The user token's signature does not verify.")
        }
        guard let exp = claims.exp, exp.value.addingTimeInterval(leeway) >= now else {
            throw APIError.unauthorized("The user token is expired or has no `exp`.")
        }
        guard let sub = claims.sub?.value, !sub.isEmpty else {
            throw APIError.unauthorized("The user token has no `sub` naming the user.")
        }
        verified.store(VerifiedUser(subject: sub, expiresAt: exp.value), for: token)
        return sub
    }
}

/// Requires a user token and loads (or creates) the user it names.
struct UserAuthMiddleware<Context: UserAuthenticatedContext>: RouterMiddleware {
    let verifier: UserTokenVerifier
    let users: any UserRepository

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    )
        async throws -> Response
    {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            throw APIError.unauthorized("Send `Authorization: Bearer <user token>`.")
        }
        let externalID = try await verifier.externalID(from: String(header.dropFirst(7)))
        var context = context
        context.user = try await users.findOrCreateUser(externalID: externalID)
        return try await next(request, context)
    }
}

/// Requires `Authorization: Bearer $SWITCHYARD_ADMIN_KEY`, compared in constant time.
struct AdminKeyMiddleware<Context: RequestContext>: RouterMiddleware {
    let keyDigest: SHA256Digest

    init(key: Secret) {
        keyDigest = SHA256.hash(data: Data(key.value.utf8))
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    )
        async throws -> Response
    {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            throw APIError.unauthorized("Admin routes need `Authorization: Bearer <SWITCHYARD_ADMIN_KEY>`.")
        }
        // Comparing digests keeps the comparison's time independent of where the keys differ.
        let given = SHA256.hash(data: Data(header.dropFirst(7).utf8))
        guard given == keyDigest else { throw APIError.unauthorized("The admin key is wrong.") }
        return try await next(request, context)
    }
}
