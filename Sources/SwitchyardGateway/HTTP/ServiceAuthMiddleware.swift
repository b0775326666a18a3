import Foundation
import Hummingbird
import SwitchyardCore
import SwitchyardHTTP

/// Requires `Authorization: jwt <token>` or `Authorization: Bearer <token>` with a valid service token.
struct ServiceAuthMiddleware<Context: ServiceAuthenticatedContext>: RouterMiddleware {
    let verifier: ServiceTokenVerifier

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    )
        async throws -> Response
    {
        guard let header = request.headers.value(of: .authorization) else {
            throw APIError.unauthorized(
                "Missing Authorization header; send `Authorization: Bearer <token>` (or `jwt <token>`) "
                    + "with a service token from `switchyard token`.")
        }
        guard let token = Self.token(from: header) else {
            throw APIError.unauthorized("The Authorization header must be `Bearer <token>` or `jwt <token>`.")
        }
        let claims: ServiceClaims
        do {
            claims = try await verifier.verify(token)
        } catch {
            throw APIError.unauthorized(error.message)
        }
        var context = context
        context.service = claims.service
        return try await next(request, context)
    }

    /// The token of `Bearer <token>` or `jwt <token>` (the scheme in any case; spaces around it ignored). Read on
    /// the header's bytes: every request comes through here.
    static func token(from header: String) -> String? {
        let bytes = header.utf8
        guard let start = bytes.firstIndex(where: { $0 != 0x20 }),
            let space = bytes[start...].firstIndex(of: 0x20)
        else { return nil }
        let scheme = bytes[start..<space]
        guard Self.isScheme(scheme, "bearer") || Self.isScheme(scheme, "jwt") else { return nil }
        let token = String(header[bytes.index(after: space)...]).trimmingWhitespace()
        return token.isEmpty ? nil : token
    }

    /// Whether `bytes` spell `lowercase` (ASCII letters) in any case.
    private static func isScheme(_ bytes: Substring.UTF8View, _ lowercase: String) -> Bool {
        bytes.elementsEqual(lowercase.utf8) { $0 | 0x20 == $1 }
    }
}
