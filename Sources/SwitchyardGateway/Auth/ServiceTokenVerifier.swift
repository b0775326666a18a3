import Foundation
import JWTKit
import SwitchyardCore

/// Why a token was refused, with a message a person can act on.
public struct TokenRejection: Error, Sendable, Equatable {
    public var message: String
}

/// Verifies gateway service tokens with a pinned algorithm set.
///
/// - HS256 with the shared secret (`SWITCHYARD_JWT_SECRET`, at least 32 bytes).
/// - RS256 and ES256 with public keys from configuration, if any.
///
/// The token header's `alg` must be one of those; `none` and anything else are refused before any key is used.
/// `exp` and `service` are required, `nbf` is honoured, and both time checks allow `leeway`. A token may live at
/// most `maximumLifetime`: its `exp` may lie no further ahead than that, and `exp − iat` may not exceed it.
public struct ServiceTokenVerifier: Sendable {
    /// The shortest HMAC secret accepted.
    public static let minimumSecretBytes = 32
    /// The longest token lifetime accepted unless configured otherwise (`auth.max_token_ttl_seconds`): one hour,
    /// as the reference system keeps its service tokens.
    public static let defaultMaximumLifetime: TimeInterval = 3600

    private let collections: [String: JWTKeyCollection]
    public let leeway: TimeInterval
    public let maximumLifetime: TimeInterval
    /// Tokens whose signature verified: reusing one (as ``HTTPGatewayClient`` does) then costs a lookup, while a
    /// tampered token never matches. Time claims are still checked on every use.
    private let verified = BoundedCache<String, ServiceClaims>(capacity: 4096)

    /// - Parameters:
    ///   - hmacSecret: The HS256 secret; nil disables HS256.
    ///   - rsaPublicKeysPEM: RS256 public keys.
    ///   - ecdsaPublicKeysPEM: ES256 public keys.
    ///   - leeway: Clock skew allowed on `exp` and `nbf`.
    ///   - maximumLifetime: The longest lifetime a token may have, in seconds.
    /// - Throws: ``TokenRejection`` when the secret is too short or a key cannot be read.
    public init(
        hmacSecret: String?,
        rsaPublicKeysPEM: [String] = [],
        ecdsaPublicKeysPEM: [String] = [],
        leeway: TimeInterval = 5,
        maximumLifetime: TimeInterval = defaultMaximumLifetime
    ) async throws {
        var collections: [String: JWTKeyCollection] = [:]
        if let hmacSecret {
            guard hmacSecret.utf8.count >= Self.minimumSecretBytes else {
                throw TokenRejection(
                    message:
                        "SWITCHYARD_JWT_SECRET is \(hmacSecret.utf8.count) bytes; it must be at least "
                        + "\(Self.minimumSecretBytes). Generate one with `openssl rand -hex 32`.")
            }
            let keys = JWTKeyCollection()
            await keys.add(hmac: HMACKey(from: hmacSecret), digestAlgorithm: .sha256)
            collections["HS256"] = keys
        }
        if !rsaPublicKeysPEM.isEmpty {
            let keys = JWTKeyCollection()
            for (index, pem) in rsaPublicKeysPEM.enumerated() {
                do {
                    await keys.add(
                        rsa: try Insecure.RSA.PublicKey(pem: pem), digestAlgorithm: .sha256,
                        kid: JWKIdentifier(string: "rsa-\(index)"))
                } catch {
                    throw TokenRejection(message: "RS256 public key #\(index + 1) is not a PEM RSA public key.")
                }
            }
            collections["RS256"] = keys
        }
        if !ecdsaPublicKeysPEM.isEmpty {
            let keys = JWTKeyCollection()
            for (index, pem) in ecdsaPublicKeysPEM.enumerated() {
                do {
                    await keys.add(ecdsa: try ES256PublicKey(pem: pem), kid: JWKIdentifier(string: "ec-\(index)"))
                } catch {
                    throw TokenRejection(message: "ES256 public key #\(index + 1) is not a PEM P-256 public key.")
                }
            }
            collections["ES256"] = keys
        }
        self.collections = collections
        self.leeway = leeway
        self.maximumLifetime = maximumLifetime
    }

    /// The algorithms accepted.
    public var algorithms: [String] { collections.keys.sorted() }

    private struct Header: Decodable {
        var alg: String?
    }

    /// - Parameters:
    ///   - token: The compact JWS.
    ///   - now: The current time.
    /// - Returns: The verified claims.
    /// - Throws: ``TokenRejection``.
    public func verify(_ token: String, now: Date = Date()) async throws(TokenRejection) -> ServiceClaims {
        // A token whose signature already verified only needs its time claims checked again.
        if let claims = verified.value(for: token) {
            try checkTimes(claims, now: now)
            return claims
        }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerData = Data(base64URLEncoded: String(parts[0])),
            let header = try? JSONDecoder().decode(Header.self, from: headerData)
        else {
            throw TokenRejection(message: "The token is not a JWT (expected three base64url parts).")
        }
        guard let alg = header.alg, alg.lowercased() != "none" else {
            throw TokenRejection(message: "Unsigned tokens (alg: none) are not accepted.")
        }
        guard let keys = collections[alg] else {
            throw TokenRejection(
                message: "Tokens signed with \(alg) are not accepted; use \(algorithms.joined(separator: " or ")).")
        }
        let claims: ServiceClaims
        do {
            claims = try await keys.verify(token, as: ServiceClaims.self, iteratingKeys: true)
        } catch {
            throw TokenRejection(message: "The token's signature does not verify, or its claims are malformed.")
        }
        guard claims.exp != nil else {
            throw TokenRejection(message: "The token has no `exp` claim; service tokens must expire.")
        }
        guard let service = claims.service, !service.isEmpty else {
            throw TokenRejection(message: "The token has no `service` claim naming the calling service.")
        }
        try checkTimes(claims, now: now)
        verified.store(claims, for: token)
        return claims
    }

    private func checkTimes(_ claims: ServiceClaims, now: Date) throws(TokenRejection) {
        if let exp = claims.exp, exp.value.addingTimeInterval(leeway) < now {
            throw TokenRejection(message: "The token expired at \(exp.value); mint a new one.")
        }
        if let nbf = claims.nbf, nbf.value.addingTimeInterval(-leeway) > now {
            throw TokenRejection(message: "The token is not valid before \(nbf.value).")
        }
        let limit = Int(maximumLifetime)
        if let exp = claims.exp, exp.value.timeIntervalSince(now) > maximumLifetime + leeway {
            throw TokenRejection(
                message: "The token expires \(Int(exp.value.timeIntervalSince(now))) s from now; the gateway accepts "
                    + "tokens that live at most \(limit) s (auth.max_token_ttl_seconds). Mint a shorter-lived one.")
        }
        if let exp = claims.exp, let iat = claims.iat, exp.value.timeIntervalSince(iat.value) > maximumLifetime {
            throw TokenRejection(
                message: "The token's lifetime (exp − iat) is \(Int(exp.value.timeIntervalSince(iat.value))) s; the "
                    + "gateway accepts at most \(limit) s (auth.max_token_ttl_seconds). Mint a shorter-lived one.")
        }
    }
}
