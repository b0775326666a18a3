// Gemini API: https://ai.google.dev/api/generate-content
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SwitchyardCore

/// Gemini through the Generative Language API (`generateContent`, `streamGenerateContent?alt=sse`).
public struct GeminiProvider: ChatProvider {
    public static let defaultBaseURL = "https://generativelanguage.googleapis.com"

    public let id: String
    public var genAIProviderName: String { "gcp.gemini" }
    private let baseURL: String
    private let apiKey: Secret
    private let transport: HTTPTransport

    /// - Parameters:
    ///   - id: The provider id.
    ///   - baseURL: The API origin (`GOOGLE_GEMINI_BASE_URL`).
    ///   - apiKey: `GEMINI_API_KEY` or `GOOGLE_API_KEY`.
    ///   - transport: The shared HTTP transport.
    public init(id: String = "gemini", baseURL: String, apiKey: Secret, transport: HTTPTransport) {
        self.id = id
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey
        self.transport = transport
    }

    private func url(model: String, stream: Bool) -> String {
        let escaped = model.addingPathPercentEncoding()
        return stream
            ? "\(baseURL)/v1beta/models/\(escaped):streamGenerateContent?alt=sse"
            : "\(baseURL)/v1beta/models/\(escaped):generateContent"
    }

    private func headers(streaming: Bool) -> HTTPHeaders {
        [
            "content-type": "application/json",
            "accept": streaming ? "text/event-stream" : "application/json",
            "x-goog-api-key": apiKey.value,
        ]
    }

    public func complete(_ request: ProviderRequest, timeout: Duration) async throws -> GenerationResult {
        let body = try WireJSON.encode(GeminiMapping.request(request))
        let response = try await transport.send(
            url: url(model: request.model, stream: false), headers: headers(streaming: false), body: body,
            timeout: timeout)
        guard (200..<300).contains(response.status) else {
            throw GeminiErrorClassifier.classify(status: response.status, body: response.body)
        }
        guard let decoded = try? WireJSON.decode(GeminiWire.Response.self, from: response.body) else {
            throw ProviderFailure(.upstream5xx, status: response.status, detail: "undecodable response body")
        }
        return try GeminiMapping.result(decoded)
    }

    public func stream(_ request: ProviderRequest, timeout: Duration) async throws -> ProviderEventStream {
        let body = try WireJSON.encode(GeminiMapping.request(request))
        let response = try await transport.open(
            url: url(model: request.model, stream: true), headers: headers(streaming: true), body: body,
            timeout: timeout)
        let status = response.status
        guard (200..<300).contains(status) else {
            throw GeminiErrorClassifier.classify(status: status, body: await transport.errorBody(of: response))
        }
        // Gemini's stream has no terminal marker: it ends when the connection closes.
        return SSEEventPump.events(from: response.body) { event in
            .events(try GeminiMapping.events(fromChunk: event.data))
        } atEOF: { _ in
            nil
        }
    }
}

extension String {
    /// Percent-encodes everything but RFC 3986 unreserved characters, for one path segment.
    func addingPathPercentEncoding() -> String {
        var result = ""
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                result.append(Character(UnicodeScalar(byte)))
            default:
                result += String(format: "%%%02X", byte)
            }
        }
        return result
    }
}
