import Hummingbird
import Logging

/// The outermost middleware: every error leaves as an OpenAI-shaped body, and every answer is counted.
///
/// ``APIError`` renders itself; Hummingbird's own errors (unknown route, wrong method, body too large) are mapped
/// to the same shape; an error that `classify` recognises (the database is unreachable) becomes its ``APIError``;
/// anything else is logged and answered with a generic 500 that reveals nothing.
public struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Told the route and status of every answer (for metrics).
    let record: @Sendable (_ route: String, _ status: Int) -> Void
    /// The answer for an error that is not an ``APIError``, when it is a known condition (and logged by its owner).
    let classify: @Sendable (any Error) -> APIError?

    /// - Parameters:
    ///   - record: Told the route and status of every answer.
    ///   - classify: The answer for a known condition behind an error that is not an ``APIError``; nil for a 500.
    public init(
        record: @escaping @Sendable (_ route: String, _ status: Int) -> Void = { _, _ in },
        classify: @escaping @Sendable (any Error) -> APIError? = { _ in nil }
    ) {
        self.record = record
        self.classify = classify
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    )
        async throws -> Response
    {
        let response: Response
        do {
            response = try await next(request, context)
        } catch let error as APIError {
            response = try error.response(from: request, context: context)
        } catch let error as HTTPError {
            response = try Self.map(error, request: request).response(from: request, context: context)
        } catch {
            if let known = classify(error) {
                response = try known.response(from: request, context: context)
                record(context.endpointPath ?? "unmatched", Int(response.status.code))
                return response
            }
            context.logger.error("unhandled error", metadata: ["error": "\(String(reflecting: type(of: error)))"])
            response = try APIError(
                .internalServerError, type: "server_error", code: "internal_error",
                message: "The gateway hit an internal error; the request was not completed."
            ).response(from: request, context: context)
        }
        record(context.endpointPath ?? "unmatched", Int(response.status.code))
        return response
    }

    static func map(_ error: HTTPError, request: Request) -> APIError {
        switch error.status {
        case .notFound:
            return APIError(
                .notFound, type: "invalid_request_error", code: "unknown_route",
                message: "No route \(request.method) \(request.uri.path). See GET /openapi.json for the routes.")
        case .methodNotAllowed:
            return APIError(
                .methodNotAllowed, type: "invalid_request_error", code: "method_not_allowed",
                message: "\(request.method) is not allowed on \(request.uri.path).")
        case .contentTooLarge:
            return APIError(
                .contentTooLarge, type: "invalid_request_error", code: "request_too_large",
                message: "The request body is too large.")
        default:
            let type = error.status.code >= 500 ? "server_error" : "invalid_request_error"
            return APIError(error.status, type: type, message: error.body ?? error.status.reasonPhrase)
        }
    }
}
