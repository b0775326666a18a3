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
        guard let header = request.headers[.authorization] else {
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

    static func token(from header: String) -> String? {
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2 else { return nil }
        let scheme = parts[0].lowercased()
        guard scheme == "bearer" || scheme == "jwt" else { return nil }
        let token = parts[1].trimmingWhitespace()
        return token.isEmpty ? nil : token
    }
}
