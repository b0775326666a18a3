import Foundation
import Hummingbird
import NIOCore
import NIOFoundationCompat

/// A fake of the Gemini API (shared/providers.md §3): `x-goog-api-key` (a bad key is a 400 `INVALID_ARGUMENT`, not a
/// 401), `user`/`model` roles only, known `generationConfig` fields only, and `alt=sse` for streams, whose events
/// end in CRLF and which end when the connection closes.
public struct FakeGeminiUpstream: Sendable {
    public let apiKey: String
    public let state = FakeUpstreamState()

    static let configFields: Set<String> = [
        "temperature", "topP", "topK", "maxOutputTokens", "stopSequences", "candidateCount", "seed",
        "presencePenalty", "frequencyPenalty", "responseMimeType", "responseJsonSchema", "responseSchema",
        "thinkingConfig",
    ]
    static let topFields: Set<String> = [
        "contents", "systemInstruction", "generationConfig", "safetySettings", "tools", "toolConfig", "cachedContent",
    ]

    public init(apiKey: String = "gemini-test-key") {
        self.apiKey = apiKey
    }

    /// - Parameter body: Gets the base URL (`http://127.0.0.1:PORT`).
    public func run<T: Sendable>(_ body: @Sendable (String) async throws -> T) async throws -> T {
        let router = Router()
        let handler = self
        router.post("/v1beta/models/{call}") { request, context in
            try await handler.handle(request, call: context.parameters.get("call") ?? "")
        }
        return try await router.serveOnLoopback { address in try await body(address.origin) }
    }

    /// A Gemini error body.
    public static func errorBody(_ code: Int, _ status: String, _ message: String, details: String = "[]") -> String {
        error(code, status, message, details: details)
    }

    /// Gemini's answer to a bad key.
    public static var invalidKeyBody: String { invalidKey }

    static func error(_ code: Int, _ status: String, _ message: String, details: String = "[]") -> String {
        #"{"error":{"code":\#(code),"message":\#(OpenAIBytes.escape(message)),"status":\#(OpenAIBytes.escape(status)),"details":\#(details)}}"#
    }

    static let invalidKey = error(
        400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.",
        details:
            #"[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID","domain":"googleapis.com","metadata":{"service":"generativelanguage.googleapis.com"}}]"#
    )

    func handle(_ request: Request, call: String) async throws -> Response {
        let bytes = try await request.body.collect(upTo: 1 << 22)
        let recorded = RecordedRequest(
            method: request.method.rawValue, path: request.uri.path + "?" + (request.uri.query ?? ""),
            headers: FakeHTTP.headers(of: request), body: Data(buffer: bytes))
        await state.record(recorded)
        guard recorded.headers["x-goog-api-key"] == apiKey else { return FakeHTTP.json(400, Self.invalidKey) }
        let method = call.split(separator: ":").last.map(String.init) ?? ""
        guard method == "generateContent" || method == "streamGenerateContent" else {
            return FakeHTTP.json(404, Self.error(404, "NOT_FOUND", "Method not found."))
        }
        let stream = method == "streamGenerateContent"
        if stream, request.uri.queryParameters.get("alt") != "sse" {
            return FakeHTTP.json(400, Self.error(400, "INVALID_ARGUMENT", "this fake serves streams as SSE only"))
        }
        guard let json = recorded.json else {
            return FakeHTTP.json(400, Self.error(400, "INVALID_ARGUMENT", "Invalid JSON payload received."))
        }
        if let unknown = Set(json.keys).subtracting(Self.topFields).sorted().first {
            return FakeHTTP.json(
                400,
                Self.error(
                    400, "INVALID_ARGUMENT",
                    "Invalid JSON payload received. Unknown name \"\(unknown)\": Cannot find field."))
        }
        if let config = json["generationConfig"] as? [String: Any],
            let unknown = Set(config.keys).subtracting(Self.configFields).sorted().first
        {
            return FakeHTTP.json(
                400,
                Self.error(
                    400, "INVALID_ARGUMENT",
                    "Invalid JSON payload received. Unknown name \"\(unknown)\" at 'generation_config': Cannot find field."
                ))
        }
        let contents = json["contents"] as? [[String: Any]] ?? []
        if contents.isEmpty {
            return FakeHTTP.json(
                400, Self.error(400, "INVALID_ARGUMENT", "* GenerateContentRequest.contents: contents is not specified")
            )
        }
        if let role = contents.compactMap({ $0["role"] as? String }).first(where: { $0 != "user" && $0 != "model" }) {
            return FakeHTTP.json(
                400, Self.error(400, "INVALID_ARGUMENT", "Please use a valid role: user, model. Got \(role)."))
        }
        return try await respond(await state.next() ?? .success("Hello from Gemini."), stream: stream)
    }

    private func respond(_ response: FakeResponse, stream: Bool) async throws -> Response {
        switch response {
        case .success(let text):
            return stream ? FakeHTTP.stream(Self.chunks(text: text)) : FakeHTTP.json(200, Self.response(text: text))
        case .raw(let status, let body, let headers):
            return FakeHTTP.json(status, body, headers: headers)
        case .delayed(let delay, let then):
            try await Task.sleep(for: delay)
            return try await respond(then, stream: stream)
        case .streamCut(let count):
            return FakeHTTP.stream(Array(Self.chunks(text: "one two three four").prefix(count)), thenFail: true)
        case .streamError(let count, let data):
            return FakeHTTP.stream(
                Array(Self.chunks(text: "one two three four").prefix(count)) + [Array("data: \(data)\r\n\r\n".utf8)])
        case .drop:
            return FakeHTTP.drop()
        case .frames(let frames):
            return FakeHTTP.stream(frames)
        }
    }

    static func usage(_ text: String) -> String {
        let (prompt, completion) = OpenAIBytes.usage(for: text)
        return
            #"{"promptTokenCount":\#(prompt),"candidatesTokenCount":\#(completion),"totalTokenCount":\#(prompt + completion)}"#
    }

    static func response(text: String) -> String {
        #"{"candidates":[{"content":{"parts":[{"text":\#(OpenAIBytes.escape(text))}],"role":"model"},"finishReason":"STOP","index":0}],"usageMetadata":\#(usage(text)),"modelVersion":"gemini-2.0-flash","responseId":"resp-1"}"#
    }

    /// One event per word; the last carries the finish reason and usage. CRLF line ends, as Google sends them.
    static func chunks(text: String) -> [[UInt8]] {
        let words = text.split(separator: " ")
        return words.enumerated().map { index, word in
            let piece = index == 0 ? String(word) : " " + word
            let last = index == words.count - 1
            let tail = last ? #","finishReason":"STOP""# : ""
            let usage = last ? #","usageMetadata":\#(usage(text))"# : ""
            return Array(
                #"data: {"candidates":[{"content":{"parts":[{"text":\#(OpenAIBytes.escape(piece))}],"role":"model"}\#(tail),"index":0}]\#(usage),"modelVersion":"gemini-2.0-flash"}\#r\#n\#r\#n"#
                    .utf8)
        }
    }

    /// A 200 answer whose prompt was blocked.
    public static let promptBlocked =
        #"{"promptFeedback":{"blockReason":"SAFETY","safetyRatings":[{"category":"HARM_CATEGORY_DANGEROUS_CONTENT","probability":"HIGH","blocked":true}]},"usageMetadata":{"promptTokenCount":8,"totalTokenCount":8},"modelVersion":"gemini-2.0-flash"}"#

    /// A 200 answer whose output was blocked.
    public static let outputBlocked =
        #"{"candidates":[{"finishReason":"SAFETY","index":0,"safetyRatings":[{"category":"HARM_CATEGORY_HARASSMENT","probability":"HIGH","blocked":true}]}],"usageMetadata":{"promptTokenCount":8,"totalTokenCount":8},"modelVersion":"gemini-2.0-flash"}"#
}
