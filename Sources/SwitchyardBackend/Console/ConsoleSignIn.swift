import Foundation
import HTTPTypes
import Hummingbird
import SwitchyardCore
import SwitchyardHTTP

/// `GET/POST /console/login` and `POST /console/logout`: the admin key in a form, a session cookie out.
struct ConsoleSignIn<Context: RemoteAddressRequestContext>: Sendable {
    let sessions: ConsoleSessions
    let renderer: ConsoleRenderer
    let throttle: SignInThrottle
    let adminKey: AdminKeyCheck
    let secureCookies: Bool
    let limit: Int

    struct Model {
        var chrome: ConsoleChrome
        var next: String
        var message: String?
    }

    func register(on console: ConsoleRouter<Context>) {
        console.group.get("/login") { request, _ in
            let query = ConsoleForm(encoded: request.uri.query ?? "")
            let message: String? =
                query["expired"] == "1"
                ? "Your session has expired; sign in again."
                : query["notice"] == "signed_out" ? "You are signed out." : nil
            return form(next: query["next"], message: message, status: .ok)
        }
        console.group.post("/login") { request, context in
            let form = try await ConsoleRouter<Context>.form(request, limit: limit)
            let client = context.remoteAddress?.ipAddress ?? "unknown"
            if let wait = throttle.admit(client: client) {
                var response = self.form(
                    next: form["next"],
                    message: "Too many sign-in attempts from your address. Wait \(wait) seconds and try again.",
                    status: .tooManyRequests)
                response.headers[.retryAfter] = String(wait)
                return response
            }
            guard adminKey.matches(form["admin_key"] ?? "") else {
                return self.form(next: form["next"], message: "That admin key is wrong.", status: .unauthorized)
            }
            let (_, cookie) = sessions.start(now: Date())
            let next = form["next"].flatMap { ConsoleLinks.isLocal($0) ? $0 : nil } ?? "/console/dashboard"
            var response = Response.redirect(to: next)
            response.headers[.setCookie] = setCookie(
                cookie, maxAge: Int(sessions.lifetime), request: request)
            return response
        }
        console.form("/logout") { console, _ in
            sessions.signOut(console.session, now: Date())
            var response = Response.redirect(to: "/console/login?notice=signed_out")
            response.headers[.setCookie] = setCookie("", maxAge: 0, request: console.request)
            return response
        }
    }

    private func form(next: String?, message: String?, status: HTTPResponse.Status) -> Response {
        renderer.page(
            "login",
            Model(
                chrome: ConsoleChrome(title: "Sign in", section: "", session: nil),
                next: next.flatMap { ConsoleLinks.isLocal($0) ? $0 : nil } ?? "", message: message), status: status)
    }

    /// The session cookie: only for the console's paths, never readable by scripts, never sent from another site,
    /// `Secure` over TLS.
    private func setCookie(_ value: String, maxAge: Int, request: Request) -> String {
        let proxiedTLS =
            request.headers[HTTPField.Name("x-forwarded-proto")!]?.lowercased() == "https"
        var cookie =
            "\(ConsoleSessions.cookieName)=\(value); Path=/console; Max-Age=\(maxAge); HttpOnly; SameSite=Strict"
        if secureCookies || proxiedTLS { cookie += "; Secure" }
        return cookie
    }
}
