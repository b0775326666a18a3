// Chat Completions over the OpenAI protocol: https://platform.openai.com/docs/api-reference/chat
import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import SwitchyardCore

/// One member of the OpenAI-protocol family (OpenAI, Groq, OpenRouter, BytePlus, Mistral, or any compatible server).
public struct OpenAICompatibleProvider: ChatProvider {
    public let id: String
    public var genAIProviderName: String { flavor.genAIProviderName ?? id }
    public let flavor: OpenAIFlavor
    private let baseURL: String
    private let apiKey: Secret?
    private let extraHeaders: [(String, String)]
    private let transport: HTTPTransport

    /// - Parameters:
    ///   - id: The provider id that targets use.
    ///   - flavor: Which member of the family, for its quirks.
    ///   - baseURL: The base URL up to and including the version path (`…/v1`).
    ///   - apiKey: The bearer key; nil for servers that need none.
    ///   - extraHeaders: Headers to add to every request (OpenRouter's `HTTP-Referer`, `X-Title`).
    ///   - transport: The shared HTTP transport.
    public init(
        id: String,
        flavor: OpenAIFlavor,
        baseURL: String,
        apiKey: Secret?,
        extraHeaders: [(String, String)] = [],
        transport: HTTPTransport
    ) {
        self.id = id
        self.flavor = flavor
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey
        self.extraHeaders = extraHeaders
        self.transport = transport
    }

    private var completionsURL: String { baseURL + "/chat/completions" }

    private func headers(streaming: Bool) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "application/json")
        headers.add(name: "accept", value: streaming ? "text/event-stream" : "application/json")
        if let apiKey { headers.add(name: "authorization", value: "Bearer \(apiKey.value)") }
        for (name, value) in extraHeaders { headers.add(name: name, value: value) }
        return headers
    }

    public func complete(_ request: ProviderRequest, timeout: Duration) async throws -> GenerationResult {
        let body = ByteBuffer(bytes: OpenAIMapping.request(request, flavor: flavor, stream: false).json())
        let response = try await transport.send(
            url: completionsURL, headers: headers(streaming: false), body: body, timeout: timeout)
        guard (200..<300).contains(response.status) else {
            throw OpenAIErrorClassifier.classify(
                status: response.status, headers: response.headers, body: response.body)
        }
        let completion: OpenAIWire.Completion
        if let read = response.body.withUnsafeReadableBytes({ try? OpenAIWire.Completion.read($0) }) {
            completion = read
        } else {
            completion = try Self.decodeSlowly(response)
        }
        return try OpenAIMapping.result(completion)
    }

    /// Decodes an answer that the fast reader refused, or classifies it.
    private static func decodeSlowly(_ response: UpstreamResponse) throws -> OpenAIWire.Completion {
        do {
            return try WireJSON.decode(OpenAIWire.Completion.self, from: response.body)
        } catch {
            if let loose = JSONValue.parse(response.body), let error = loose["error"], error != .null {
                throw OpenAIErrorClassifier.classifyInBand(error)
            }
            throw ProviderFailure(.upstream5xx, status: response.status, detail: "undecodable completion body")
        }
    }

    public func stream(_ request: ProviderRequest, timeout: Duration) async throws -> ProviderEventStream {
        let body = ByteBuffer(bytes: OpenAIMapping.request(request, flavor: flavor, stream: true).json())
        let response = try await transport.open(
            url: completionsURL, headers: headers(streaming: true), body: body, timeout: timeout)
        let status = response.status
        guard (200..<300).contains(status) else {
            let errorBody = await transport.errorBody(of: response)
            throw OpenAIErrorClassifier.classify(status: status, headers: response.headers, body: errorBody)
        }
        return SSEEventPump.events(from: response.body) { event in
            if event.data == "[DONE]" { return .end }
            return .events(try OpenAIMapping.events(fromChunk: event.data))
        } atEOF: { sawFinish in
            // OpenAI-family streams end with `[DONE]`; a close after a finish reason is tolerated.
            sawFinish ? nil : ProviderFailure(.transport, detail: "stream closed before [DONE]")
        }
    }
}
