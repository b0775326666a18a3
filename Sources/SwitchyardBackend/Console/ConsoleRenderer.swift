import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// The console's Mustache templates (HTML escaping on for every `{{value}}`) and its stylesheet and script, loaded
/// once from the target's resources.
struct ConsoleRenderer: Sendable {
    let library: MustacheLibrary
    let stylesheet: ByteBuffer
    let script: ByteBuffer

    /// Loads the templates under `Console/Templates` and the assets under `Console/Assets`.
    static func load() async throws -> ConsoleRenderer {
        guard let templates = Bundle.module.url(forResource: "Templates", withExtension: nil),
            let assets = Bundle.module.url(forResource: "Assets", withExtension: nil)
        else {
            throw ConsoleResourceError(message: "The console's templates are missing from the resource bundle.")
        }
        let library = try await MustacheLibrary(directory: templates.path)
        return ConsoleRenderer(
            library: library,
            stylesheet: ByteBuffer(bytes: try Data(contentsOf: assets.appendingPathComponent("console.css"))),
            script: ByteBuffer(bytes: try Data(contentsOf: assets.appendingPathComponent("console.js"))))
    }

    /// - Parameters:
    ///   - template: The template's name (its file name without `.mustache`).
    ///   - model: The values it shows.
    ///   - status: The answer's status.
    ///   - headers: More headers (cookies).
    /// - Returns: The page.
    func page(
        _ template: String, _ model: Any, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]
    ) -> Response {
        var headers = headers
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        // No framing, no inline script, no third-party anything.
        headers[HTTPField.Name("content-security-policy")!] =
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; "
            + "form-action 'self'; base-uri 'none'"
        headers[HTTPField.Name("x-content-type-options")!] = "nosniff"
        headers[HTTPField.Name("referrer-policy")!] = "same-origin"
        let html =
            library.render(model, withTemplate: template) ?? "<!doctype html><p>Missing template \(template).</p>"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// Renders a template to text (a fragment that a page embeds, or the dashboard's panel).
    func render(_ template: String, _ model: Any) -> String {
        library.render(model, withTemplate: template) ?? ""
    }
}

struct ConsoleResourceError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
