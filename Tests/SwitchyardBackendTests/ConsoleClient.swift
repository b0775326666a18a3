import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore

/// A signed-in operator of the console, through the router: keeps the session cookie, reads each page's CSRF token
/// and posts forms as a browser does.
struct ConsoleClient: Sendable {
    let app: BackendHarness
    var cookie: String?

    /// Signs in with the admin key.
    static func signIn(_ app: BackendHarness) async throws -> ConsoleClient {
        var client = ConsoleClient(app: app, cookie: nil)
        let reply = try await client.post("/console/login", ["admin_key": BackendHarness.adminKey], csrf: false)
        guard reply.status == 303, let header = reply.headers[.setCookie] else { throw MissingValue() }
        client.cookie = String(header.split(separator: ";")[0])
        return client
    }

    func get(_ path: String) async throws -> BackendHarness.Reply {
        var headers: HTTPFields = [:]
        if let cookie { headers[.cookie] = cookie }
        let response = try await app.client.execute(uri: path, method: .get, headers: headers, body: nil)
        return BackendHarness.Reply(
            status: Int(response.status.code), headers: response.headers, body: String(buffer: response.body))
    }

    /// Posts a form; with `csrf`, the token is read from the console's dashboard first, as a page would carry it.
    func post(
        _ path: String, _ fields: [String: String], csrf: Bool = true, headers extra: HTTPFields = [:]
    ) async throws -> BackendHarness.Reply {
        var fields = fields
        if csrf, fields["_csrf"] == nil { fields["_csrf"] = try await token() }
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if let cookie { headers[.cookie] = cookie }
        for field in extra { headers.append(field) }
        let response = try await app.client.execute(
            uri: path, method: .post, headers: headers, body: ByteBuffer(string: Self.encode(fields)))
        return BackendHarness.Reply(
            status: Int(response.status.code), headers: response.headers, body: String(buffer: response.body))
    }

    /// The session's CSRF token, as the sign-out form of any page carries it.
    func token() async throws -> String {
        let page = try await get("/console/users")
        guard let token = Self.csrf(in: page.body) else { throw MissingValue() }
        return token
    }

    static func csrf(in html: String) -> String? {
        guard let range = html.range(of: #"name="_csrf" value="([^"]+)""#, options: .regularExpression) else {
            return nil
        }
        return html[range].split(separator: "\"")[3].description
    }

    static func encode(_ fields: [String: String]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return fields.sorted { $0.key < $1.key }.map {
            "\($0.key.addingPercentEncoding(withAllowedCharacters: allowed)!)="
                + $0.value.addingPercentEncoding(withAllowedCharacters: allowed)!
        }.joined(separator: "&")
    }

    /// The text of the field error shown beside a field (`<p class="field-error" id="f-NAME-error">`).
    static func fieldError(_ html: String, _ name: String) -> String? {
        let id = "f-" + name.replacingOccurrences(of: ".", with: "-") + "-error"
        guard let start = html.range(of: "id=\"\(id)\">") else { return nil }
        let rest = html[start.upperBound...]
        return rest.range(of: "</p>").map { String(rest[..<$0.lowerBound]) }
    }
}
