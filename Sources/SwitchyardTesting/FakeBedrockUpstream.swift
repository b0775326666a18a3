import Crypto
import Foundation
import Hummingbird
import NIOCore
import NIOFoundationCompat

/// A fake of Bedrock Runtime Converse and ConverseStream (shared/providers.md §4–§5). It verifies SigV4 by
/// recomputing the signature from the request it received (its own implementation, independent of the gateway's
/// signer), or accepts a Bedrock API key, and answers Converse JSON or binary event-stream frames.
public struct FakeBedrockUpstream: Sendable {
    public let accessKeyID: String
    public let secretAccessKey: String
    public let apiKey: String
    public let state = FakeUpstreamState()

    public init(
        accessKeyID: String = "AKIDEXAMPLE", secretAccessKey: String = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        apiKey: String = "bedrock-api-key-test"
    ) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.apiKey = apiKey
    }

    /// - Parameter body: Gets the endpoint (`http://127.0.0.1:PORT`).
    public func run<T: Sendable>(_ body: @Sendable (String) async throws -> T) async throws -> T {
        let router = Router()
        let handler = self
        router.post("/model/{model}/{operation}") { request, context in
            try await handler.handle(request, operation: context.parameters.get("operation") ?? "")
        }
        return try await router.serveOnLoopback { address in try await body(address.origin) }
    }

    static func exception(_ status: Int, _ name: String, _ message: String) -> Response {
        FakeHTTP.json(
            status, #"{"message":\#(OpenAIBytes.escape(message))}"#,
            headers: [
                "x-amzn-ErrorType": "\(name):http://internal.amazon.com/coral/com.amazon.bedrock/",
                "x-amzn-RequestId": "0000-test",
            ])
    }

    /// The region named in a request's SigV4 credential scope.
    public static func region(of request: RecordedRequest) -> String? {
        guard let authorization = request.headers["authorization"], let range = authorization.range(of: "Credential=")
        else { return nil }
        let scope = authorization[range.upperBound...].prefix { $0 != "," }.split(separator: "/")
        return scope.count >= 3 ? String(scope[2]) : nil
    }

    func handle(_ request: Request, operation: String) async throws -> Response {
        let bytes = try await request.body.collect(upTo: 1 << 22)
        let recorded = RecordedRequest(
            method: request.method.rawValue, path: request.uri.path, headers: FakeHTTP.headers(of: request),
            body: Data(buffer: bytes))
        await state.record(recorded)
        if let failure = authenticate(recorded) { return failure }
        guard operation == "converse" || operation == "converse-stream" else {
            return Self.exception(404, "UnknownOperationException", "Unknown operation")
        }
        guard let json = recorded.json, let messages = json["messages"] as? [[String: Any]], !messages.isEmpty else {
            return Self.exception(400, "ValidationException", "1 validation error detected: messages must not be empty")
        }
        let allowed: Set<String> = [
            "messages", "system", "inferenceConfig", "toolConfig", "additionalModelRequestFields", "guardrailConfig",
            "performanceConfig", "requestMetadata",
        ]
        if let unknown = Set(json.keys).subtracting(allowed).sorted().first {
            return Self.exception(400, "ValidationException", "Unknown parameter in input: \"\(unknown)\"")
        }
        let inference: Set<String> = ["maxTokens", "temperature", "topP", "stopSequences"]
        if let config = json["inferenceConfig"] as? [String: Any],
            let unknown = Set(config.keys).subtracting(inference).sorted().first
        {
            return Self.exception(400, "ValidationException", "Unknown parameter in inferenceConfig: \"\(unknown)\"")
        }
        if messages.contains(where: { !["user", "assistant"].contains($0["role"] as? String ?? "") }) {
            return Self.exception(400, "ValidationException", "Value at 'messages.role' failed to satisfy constraint")
        }
        return try await respond(
            await state.next() ?? .success("Hello from Bedrock."), stream: operation == "converse-stream")
    }

    /// Checks a Bedrock API key, or recomputes the SigV4 signature from what arrived.
    private func authenticate(_ request: RecordedRequest) -> Response? {
        guard let authorization = request.headers["authorization"] else {
            return Self.exception(403, "MissingAuthenticationTokenException", "Missing Authentication Token")
        }
        if authorization.hasPrefix("Bearer ") {
            return authorization == "Bearer \(apiKey)"
                ? nil : Self.exception(403, "AccessDeniedException", "Invalid API key")
        }
        guard authorization.hasPrefix("AWS4-HMAC-SHA256 "),
            let credential = Self.field("Credential", in: authorization),
            let signedHeaders = Self.field("SignedHeaders", in: authorization),
            let signature = Self.field("Signature", in: authorization),
            let amzDate = request.headers["x-amz-date"]
        else {
            return Self.exception(
                403, "IncompleteSignatureException",
                "Authorization header requires Credential, SignedHeaders and Signature")
        }
        let scope = credential.split(separator: "/").map(String.init)
        guard scope.count == 5, scope[0] == accessKeyID else {
            return Self.exception(
                403, "UnrecognizedClientException", "The security token included in the request is invalid.")
        }
        guard scope[3] == "bedrock", scope[4] == "aws4_request", scope[1] == String(amzDate.prefix(8)) else {
            return Self.exception(
                403, "InvalidSignatureException", "Credential should be scoped to a valid service and date")
        }
        let names = signedHeaders.split(separator: ";").map(String.init)
        guard names.contains("host"), names.contains("x-amz-date") else {
            return Self.exception(403, "InvalidSignatureException", "host and x-amz-date must be signed")
        }
        let canonicalHeaders = names.map { "\($0):\(Self.collapse(request.headers[$0] ?? ""))\n" }.joined()
        let canonicalURI = request.path.split(separator: "/", omittingEmptySubsequences: false)
            .map { Self.encode(String($0)) }.joined(separator: "/")
        let canonical = [
            "POST", canonicalURI, "", canonicalHeaders, signedHeaders, Self.hex(SHA256.hash(data: request.body)),
        ].joined(separator: "\n")
        let stringToSign = [
            "AWS4-HMAC-SHA256", amzDate, scope[1...4].joined(separator: "/"),
            Self.hex(SHA256.hash(data: Data(canonical.utf8))),
        ].joined(separator: "\n")
        var key = SymmetricKey(data: Data("AWS4\(secretAccessKey)".utf8))
        for part in [scope[1], scope[2], "bedrock", "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        let expected = Self.hex(HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: key))
        guard expected == signature else {
            return Self.exception(
                403, "InvalidSignatureException",
                "The request signature we calculated does not match the signature you provided.")
        }
        return nil
    }

    static func field(_ name: String, in header: String) -> String? {
        guard let range = header.range(of: name + "=") else { return nil }
        return String(header[range.upperBound...].prefix { $0 != "," && $0 != " " })
    }

    static func collapse(_ value: String) -> String {
        value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }

    static func encode(_ segment: String) -> String {
        let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~".utf8)
        return segment.utf8.map { unreserved.contains($0) ? String(UnicodeScalar($0)) : String(format: "%%%02X", $0) }
            .joined()
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    private func respond(_ response: FakeResponse, stream: Bool) async throws -> Response {
        switch response {
        case .success(let text):
            return stream
                ? FakeHTTP.stream(Self.events(text: text), contentType: "application/vnd.amazon.eventstream")
                : FakeHTTP.json(200, Self.converse(text: text))
        case .raw(let status, let body, let headers):
            return FakeHTTP.json(status, body, headers: headers)
        case .delayed(let delay, let then):
            try await Task.sleep(for: delay)
            return try await respond(then, stream: stream)
        case .streamCut(let count):
            return FakeHTTP.stream(
                Array(Self.events(text: "one two three four").prefix(1 + count)),
                contentType: "application/vnd.amazon.eventstream", thenFail: true)
        case .streamError(let count, let exceptionType):
            let frame = EventStreamFrame.encode(
                headers: [
                    (":message-type", "exception"), (":exception-type", exceptionType),
                    (":content-type", "application/json"),
                ], payload: Array(#"{"message":"Too many requests, please wait before trying again."}"#.utf8))
            return FakeHTTP.stream(
                Array(Self.events(text: "one two three four").prefix(1 + count)) + [frame],
                contentType: "application/vnd.amazon.eventstream")
        case .drop:
            return FakeHTTP.drop()
        case .frames(let frames):
            return FakeHTTP.stream(frames, contentType: "application/vnd.amazon.eventstream")
        }
    }

    static func converse(text: String) -> String {
        let (prompt, completion) = OpenAIBytes.usage(for: text)
        return
            #"{"output":{"message":{"role":"assistant","content":[{"text":\#(OpenAIBytes.escape(text))}]}},"stopReason":"end_turn","usage":{"inputTokens":\#(prompt),"outputTokens":\#(completion),"totalTokens":\#(prompt + completion)},"metrics":{"latencyMs":42}}"#
    }

    /// ConverseStream frames: messageStart, a delta per word, contentBlockStop, messageStop, metadata.
    public static func events(text: String) -> [[UInt8]] {
        func event(_ type: String, _ payload: String) -> [UInt8] {
            EventStreamFrame.encode(
                headers: [(":event-type", type), (":content-type", "application/json"), (":message-type", "event")],
                payload: Array(payload.utf8))
        }
        let (prompt, completion) = OpenAIBytes.usage(for: text)
        var frames = [event("messageStart", #"{"p":"abcd","role":"assistant"}"#)]
        for (index, word) in text.split(separator: " ").enumerated() {
            let piece = index == 0 ? String(word) : " " + word
            frames.append(
                event(
                    "contentBlockDelta",
                    #"{"contentBlockIndex":0,"delta":{"text":\#(OpenAIBytes.escape(piece))},"p":"ab"}"#))
        }
        frames.append(event("contentBlockStop", #"{"contentBlockIndex":0}"#))
        frames.append(event("messageStop", #"{"stopReason":"end_turn"}"#))
        frames.append(
            event(
                "metadata",
                #"{"usage":{"inputTokens":\#(prompt),"outputTokens":\#(completion),"totalTokens":\#(prompt + completion)},"metrics":{"latencyMs":42}}"#
            ))
        return frames
    }
}

/// Encodes AWS event-stream frames (string headers only), for the fake.
public enum EventStreamFrame {
    public static func encode(headers: [(String, String)], payload: [UInt8]) -> [UInt8] {
        var headerBytes: [UInt8] = []
        for (name, value) in headers {
            headerBytes.append(UInt8(name.utf8.count))
            headerBytes += Array(name.utf8)
            headerBytes.append(7)
            let valueBytes = Array(value.utf8)
            headerBytes += [UInt8(valueBytes.count >> 8), UInt8(valueBytes.count & 0xff)]
            headerBytes += valueBytes
        }
        let total = 16 + headerBytes.count + payload.count
        var frame = be32(UInt32(total)) + be32(UInt32(headerBytes.count))
        frame += be32(crc32(frame))
        frame += headerBytes + payload
        frame += be32(crc32(frame))
        return frame
    }

    static func be32(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xff), UInt8((value >> 8) & 0xff), UInt8(value & 0xff)]
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
