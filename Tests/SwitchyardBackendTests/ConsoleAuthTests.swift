import Foundation
import HTTPTypes
import HummingbirdTesting
import SwitchyardCore
import Testing

@testable import SwitchyardBackend

/// Signing in to the console: the cookie's attributes, wrong keys and their limit, CSRF refusal, expired and
/// signed-out sessions.
@Suite struct ConsoleAuthTests {
    @Test func pagesNeedASessionAndSignInSetsAStrictCookie() async throws {
        try await BackendHarness.run { app in
            let anonymous = ConsoleClient(app: app, cookie: nil)
            let page = try await anonymous.get("/console/bots?status=launched")
            #expect(page.status == 303)
            #expect(page.headers[.location] == "/console/login?next=/console/bots%3Fstatus%3Dlaunched")
            let form = try await anonymous.get("/console/login?next=/console/bots")
            #expect(form.status == 200)
            #expect(form.body.contains(#"<label for="admin_key">Admin key</label>"#))
            #expect(form.body.contains(#"value="/console/bots""#))

            let wrong = try await anonymous.post("/console/login", ["admin_key": "nope"], csrf: false)
            #expect(wrong.status == 401)
            #expect(wrong.body.contains("That admin key is wrong."))
            #expect(wrong.headers[.setCookie] == nil)

            let right = try await anonymous.post(
                "/console/login", ["admin_key": BackendHarness.adminKey, "next": "/console/users"], csrf: false)
            #expect(right.status == 303)
            #expect(right.headers[.location] == "/console/users")
            let cookie = try #require(right.headers[.setCookie])
            #expect(cookie.hasPrefix("switchyard_console="))
            for attribute in ["Path=/console", "HttpOnly", "SameSite=Strict", "Max-Age=28800"] {
                #expect(cookie.contains(attribute), "\(attribute) in \(cookie)")
            }
            #expect(!cookie.contains("Secure"), "plain HTTP: no Secure attribute")
            #expect(!cookie.contains(BackendHarness.adminKey))

            // Behind a TLS proxy, the cookie is Secure; an off-site `next` is ignored.
            let proxied = try await anonymous.post(
                "/console/login", ["admin_key": BackendHarness.adminKey, "next": "//evil.example/x"], csrf: false,
                headers: [HTTPField.Name("x-forwarded-proto")!: "https"])
            #expect(proxied.headers[.setCookie]?.contains("; Secure") == true)
            #expect(proxied.headers[.location] == "/console/dashboard")

            // The JSON admin API still takes the Bearer key, and not the cookie.
            #expect(try await app.admin(.get, "/admin/v1/bots").status == 200)
            var headers: HTTPFields = [.cookie: String(cookie.split(separator: ";")[0])]
            headers[.contentType] = "application/json"
            let cookieOnly = try await app.client.execute(uri: "/admin/v1/bots", method: .get, headers: headers)
            #expect(cookieOnly.status == .unauthorized)
        }
    }

    @Test func wrongKeysAreRateLimited() async throws {
        try await BackendHarness.run { app in
            let anonymous = ConsoleClient(app: app, cookie: nil)
            for _ in 0..<5 {
                #expect(try await anonymous.post("/console/login", ["admin_key": "guess"], csrf: false).status == 401)
            }
            let limited = try await anonymous.post(
                "/console/login", ["admin_key": BackendHarness.adminKey], csrf: false)
            #expect(limited.status == 429, "the right key does not get past the limit either")
            #expect(limited.headers[.setCookie] == nil)
            let wait = try #require(Int(limited.headers[.retryAfter] ?? ""))
            #expect((1...6).contains(wait))
            #expect(limited.body.contains("Too many sign-in attempts"))
        }
    }

    @Test func formsWithoutTheSessionsTokenChangeNothing() async throws {
        try await BackendHarness.run { app in
            let console = try await ConsoleClient.signIn(app)
            let before = try await app.admin(.get, "/admin/v1/bots").array.count
            let missing = try await console.post("/console/bots", ["name": "Forged"], csrf: false)
            #expect(missing.status == 403)
            #expect(missing.body.contains("nothing was changed"))
            // Another session's token is refused too.
            let other = try await ConsoleClient.signIn(app)
            let forged = try await console.post(
                "/console/bots", ["name": "Forged", "_csrf": try await other.token()], csrf: false)
            #expect(forged.status == 403)
            #expect(try await app.admin(.get, "/admin/v1/bots").array.count == before)
            // With its own token the same form works.
            #expect(try await console.post("/console/bots", ["name": "Honest"]).status == 303)
        }
    }

    @Test func expiredAndSignedOutSessionsGoBackToSignIn() async throws {
        try await BackendHarness.run { app in
            let sessions = ConsoleSessions(adminKey: Secret(BackendHarness.adminKey))
            let (_, old) = sessions.start(now: Date().addingTimeInterval(-9 * 3600))
            let expired = ConsoleClient(app: app, cookie: "\(ConsoleSessions.cookieName)=\(old)")
            let page = try await expired.get("/console/bots")
            #expect(page.status == 303)
            #expect(page.headers[.location]?.contains("expired=1") == true)
            #expect(
                try await expired.post("/console/bots", ["name": "Late"], csrf: false).headers[.location]?
                    .contains("expired=1") == true)
            let shown = try await expired.get("/console/login?expired=1")
            #expect(shown.body.contains("Your session has expired"))
            // A cookie signed with another key (a changed admin key) is no session at all.
            let (_, foreign) = ConsoleSessions(adminKey: Secret("another-admin-key-0123456789abcdef")).start(
                now: Date())
            #expect(
                try await ConsoleClient(app: app, cookie: "\(ConsoleSessions.cookieName)=\(foreign)").get(
                    "/console/bots"
                ).status == 303)

            let console = try await ConsoleClient.signIn(app)
            #expect(try await console.get("/console/bots").status == 200)
            #expect(try await console.get("/console").headers[.location] == "/console/dashboard")
            let script = try await console.get("/console/assets/console.js")
            #expect(script.headers[.contentType]?.hasPrefix("text/javascript") == true)
            #expect(script.body.contains("setInterval(refresh, 10000)"))
            let out = try await console.post("/console/logout", [:])
            #expect(out.status == 303)
            #expect(out.headers[.setCookie]?.contains("Max-Age=0") == true)
            #expect(try await console.get("/console/bots").status == 303, "the old cookie no longer works")
        }
    }
}
