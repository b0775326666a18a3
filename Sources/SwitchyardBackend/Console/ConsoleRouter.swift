import Foundation
import Hummingbird
import NIOCore
import SwitchyardCore
import SwitchyardHTTP

/// A console request that passed the session check.
struct ConsoleRequest<Context: RequestContext>: Sendable {
    var request: Request
    var context: Context
    var session: ConsoleSession
    /// The query string's fields.
    var query: ConsoleForm

    /// A path parameter.
    func parameter(_ name: String) throws -> String {
        try context.parameters.require(name)
    }

    /// The page number of a list (`?page=`), from 1.
    var page: Int { max(Int(query["page"] ?? "") ?? 1, 1) }
}

/// Registers console pages behind the session check: a page (GET) needs a valid session cookie, else it redirects to
/// the sign-in form; a form post also needs the session's CSRF token. An ``APIError`` thrown by a handler becomes an
/// HTML error page with its status and message.
struct ConsoleRouter<Context: RemoteAddressRequestContext> {
    let group: RouterGroup<Context>
    let gate: ConsoleGate

    init(group: RouterGroup<Context>, sessions: ConsoleSessions, renderer: ConsoleRenderer, limit: Int) {
        self.group = group
        gate = ConsoleGate(sessions: sessions, renderer: renderer, limit: limit)
    }

    /// Serves a page.
    func page(
        _ path: String, _ handler: @escaping @Sendable (ConsoleRequest<Context>) async throws -> Response
    ) {
        let gate = gate
        group.get(RouterPath(path)) { request, context in
            let query = ConsoleForm(encoded: request.uri.query ?? "")
            let verdict = gate.sessions.verify(Self.cookie(request), now: Date())
            guard case .valid(let session) = verdict else {
                return Self.signIn(next: request.uri.description, expired: verdict == .expired)
            }
            return try await gate.guarded(session) {
                try await handler(ConsoleRequest(request: request, context: context, session: session, query: query))
            }
        }
    }

    /// Takes a form post.
    func form(
        _ path: String,
        _ handler: @escaping @Sendable (ConsoleRequest<Context>, ConsoleForm) async throws -> Response
    ) {
        let gate = gate
        group.post(RouterPath(path)) { request, context in
            let verdict = gate.sessions.verify(Self.cookie(request), now: Date())
            guard case .valid(let session) = verdict else {
                return Self.signIn(next: nil, expired: verdict == .expired)
            }
            let form = try await Self.form(request, limit: gate.limit)
            guard gate.sessions.checkCSRF(form["_csrf"], session: session) else {
                return gate.errorPage(
                    APIError(
                        .forbidden, type: "invalid_request_error", code: "csrf",
                        message:
                            "This form is out of date or was not sent from this console, so nothing was changed. "
                            + "Reload the page and try again."), session: session)
            }
            let query = ConsoleForm(encoded: request.uri.query ?? "")
            return try await gate.guarded(session) {
                try await handler(
                    ConsoleRequest(request: request, context: context, session: session, query: query), form)
            }
        }
    }

    /// The session cookie's value, if the request carries one.
    static func cookie(_ request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == ConsoleSessions.cookieName {
                    return String(parts[1]).trimmingCharacters(in: .whitespaces)
                }
            }
        }
        return nil
    }

    /// A redirect to the sign-in form, which returns to `next` after signing in.
    static func signIn(next: String?, expired: Bool) -> Response {
        var query: [String] = []
        if let next, ConsoleLinks.isLocal(next) { query.append("next=" + ConsoleFormat.query(next)) }
        if expired { query.append("expired=1") }
        return .redirect(to: "/console/login" + (query.isEmpty ? "" : "?" + query.joined(separator: "&")))
    }

    /// Reads a form body (at most `limit` bytes).
    static func form(_ request: Request, limit: Int) async throws -> ConsoleForm {
        ConsoleForm(encoded: String(buffer: try await JSONCoding.body(of: request, limit: limit)))
    }
}

/// The parts of the console router that its handlers use: the session check and the error page.
struct ConsoleGate: Sendable {
    let sessions: ConsoleSessions
    let renderer: ConsoleRenderer
    let limit: Int

    func guarded(_ session: ConsoleSession, _ body: () async throws -> Response) async throws -> Response {
        do {
            return try await body()
        } catch let error as APIError {
            return errorPage(error, session: session)
        }
    }

    struct ErrorModel {
        var chrome: ConsoleChrome
        var status: Int
        var message: String
    }

    func errorPage(_ error: APIError, session: ConsoleSession?) -> Response {
        renderer.page(
            "error",
            ErrorModel(
                chrome: ConsoleChrome(title: "Not done", section: "", session: session), status: Int(error.status.code),
                message: error.message), status: error.status)
    }
}

/// Where console links may point.
enum ConsoleLinks {
    /// Whether `target` is a console path on this server (not `//elsewhere` or `https://…`), so that a `next`
    /// parameter cannot send a signed-in operator to another site.
    static func isLocal(_ target: String) -> Bool {
        target.hasPrefix("/console") && !target.hasPrefix("//") && !target.contains("\\")
            && !target.hasPrefix("/console/login")
    }

    /// A redirect after a form post, with a notice code the page turns into words.
    static func after(_ path: String, notice: String) -> Response {
        .redirect(to: path + (path.contains("?") ? "&" : "?") + "notice=" + notice)
    }
}
