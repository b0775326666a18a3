import Crypto
import Foundation
import Hummingbird
import JWTKit
import SwitchyardCore
import SwitchyardHTTP

/// What the backend's routes need from the request context: the authenticated user, and the app their token names.
public protocol UserAuthenticatedContext: RequestContext {
    var user: User? { get set }
    /// The user token's `app` claim: it selects language instructions.
    var app: String? { get set }
}

/// The claims of a user token: `sub` is the user's external id; `app`, optional, the app they use.
struct UserClaims: JWTPayload {
    var sub: SubjectClaim?
    var exp: ExpirationClaim?
    var app: String?

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
        var app: String?
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

    /// - Returns: The user's external id and the token's app.
    func verify(_ token: String, now: Date = Date()) async throws(APIError) -> (externalID: String, app: String?) {
        if let known = verified.value(for: token) {
            guard known.expiresAt.addingTimeInterval(leeway) >= now else {
                throw APIError.unauthorized("The user token is expired or has no `exp`.")
            }
            return (known.subject, known.app)
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
        let app = claims.app.flatMap { $0.isEmpty || $0.count > 64 ? nil : $0 }
        verified.store(VerifiedUser(subject: sub, app: app, expiresAt: exp.value), for: token)
        return (sub, app)
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
        let verified = try await verifier.verify(String(header.dropFirst(7)))
        var context = context
        context.user = try await users.findOrCreateUser(externalID: verified.externalID)
        context.app = verified.app
        return try await next(request, context)
    }
}

/// Requires `Authorization: Bearer $SWITCHYARD_ADMIN_KEY`, compared in constant time.
struct AdminKeyMiddleware<Context: RequestContext>: RouterMiddleware {
    let key: AdminKeyCheck

    init(key: Secret) {
        self.key = AdminKeyCheck(key)
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    )
        async throws -> Response
    {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            throw APIError.unauthorized("Admin routes need `Authorization: Bearer <SWITCHYARD_ADMIN_KEY>`.")
        }
        guard key.matches(header.dropFirst(7)) else { throw APIError.unauthorized("The admin key is wrong.") }
        return try await next(request, context)
    }
}

/// Checks a given admin key (the API's Bearer key, the console's sign-in form) against the configured one.
struct AdminKeyCheck: Sendable {
    private let digest: SHA256Digest

    init(_ key: Secret) {
        digest = SHA256.hash(data: Data(key.value.utf8))
    }

    /// Comparing digests keeps the comparison's time independent of where the keys differ.
    func matches(_ given: some StringProtocol) -> Bool {
        SHA256.hash(data: Data(given.utf8)) == digest
    }
}
