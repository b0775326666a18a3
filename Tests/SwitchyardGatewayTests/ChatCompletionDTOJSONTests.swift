import Foundation
import NIOCore
import SwitchyardCore
import Testing

@testable import SwitchyardGateway

/// `/v1/chat/completions` reads its body in one pass and writes its answer by hand: the reader must agree with
/// `JSONDecoder` wherever it reads (and refuse, so that the decoder words the 400, wherever it does not), and the
/// answer must be the JSON that the `Encodable` types describe.
@Suite struct ChatCompletionDTOJSONTests {
    static func fast(_ text: String) throws -> ChatCompletionRequestDTO {
        try JSONReader.read(text) { try ChatCompletionRequestDTO.read(&$0) }
    }

    static func slow(_ text: String) throws -> ChatCompletionRequestDTO {
        try JSONDecoder().decode(ChatCompletionRequestDTO.self, from: Data(text.utf8))
    }

    static let requests = [
        #"{"model":"gpt-4o-mini","messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"What is the capital of France?"}],"temperature":0.2,"max_tokens":128,"user":"bench-user-0001"}"#,
        #"{"model":"r","messages":[{"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":"b\n"}]}],"stream":true,"stream_options":{"include_usage":true},"stop":"END","seed":7,"top_p":0.5,"top_k":40,"n":1}"#,
        #"{"messages":[{"role":"developer","content":"d","name":"x"}],"model":"p/m","stop":["a","b"],"max_completion_tokens":9,"tools":[{"type":"function","function":{"name":"f"}}],"response_format":{"type":"text"},"logit_bias":{"1":2}}"#,
        #"{"model":"m","messages":[],"temperature":null,"stream":null,"stream_options":null,"stop":null,"tools":null,"response_format":null,"user":null}"#,
    ]

    @Test(arguments: requests)
    func requestsReadAsTheDecoderReadsThem(text: String) throws {
        let fast = try Self.fast(text)
        let slow = try Self.slow(text)
        #expect(fast.model == slow.model)
        #expect(fast.messages.map(\.message) == slow.messages.map(\.message))
        #expect(fast.sampling == slow.sampling)
        #expect(fast.n == slow.n)
        #expect(fast.stream == slow.stream)
        #expect(fast.streamOptions?.includeUsage == slow.streamOptions?.includeUsage)
        #expect((fast.streamOptions == nil) == (slow.streamOptions == nil))
        #expect(fast.user == slow.user)
        #expect(fast.tools?.count == slow.tools?.count)
        #expect(fast.responseFormat?.type == slow.responseFormat?.type)
    }

    /// Bytes flipped, inserted and dropped at random (a fixed seed) in valid requests: wherever the reader takes a
    /// mutant, it is JSON, and the decoder takes it too and reads the same request (or refuses a valid number form).
    @Test func mutantsTheReaderTakesTheDecoderReadsAlike() throws {
        var state: UInt64 = 0x5EED
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let alphabet = Array(#"{}[]":,\ -.0123456789eEtruefalsnl"ab\u00e9"#.utf8) + [0x00, 0x0A, 0xC3, 0xFF]
        var taken = 0
        for round in 0..<4_000 {
            var bytes = Array(Self.requests[round % Self.requests.count].utf8)
            for _ in 0..<(1 + next(3)) {
                let at = next(bytes.count)
                switch next(3) {
                case 0: bytes[at] = alphabet[next(alphabet.count)]
                case 1: bytes.insert(alphabet[next(alphabet.count)], at: at)
                default: bytes.remove(at: at)
                }
            }
            let read = try? bytes.withUnsafeBytes { try JSONReader.read($0) { try ChatCompletionRequestDTO.read(&$0) } }
            guard let fast = read else { continue }
            taken += 1
            guard let slow = try? JSONDecoder().decode(ChatCompletionRequestDTO.self, from: Data(bytes)) else {
                // swift-foundation's decoder refuses some valid numbers (`0e2`, though it takes `0e+2` and `-0e2`);
                // whatever else it refuses, the reader must not have taken.
                let valid = (try? JSONSerialization.jsonObject(with: Data(bytes))) != nil
                #expect(valid, "the decoder refused what the reader took: \(String(decoding: bytes, as: UTF8.self))")
                continue
            }
            #expect(fast.model == slow.model)
            #expect(fast.messages.map(\.message) == slow.messages.map(\.message))
            #expect(fast.sampling == slow.sampling)
            #expect(fast.stream == slow.stream && fast.user == slow.user && fast.n == slow.n)
        }
        #expect(taken > 100)
    }

    /// Each of these is either not the request's shape or not JSON: the reader refuses, the decoder explains.
    @Test(arguments: [
        #"{"messages":[]}"#, #"{"model":"m"}"#, #"{"model":1,"messages":[]}"#,
        #"{"model":"m","messages":[{"role":"wizard","content":"x"}]}"#,
        #"{"model":"m","messages":[{"role":"user"}]}"#, #"{"model":"m","messages":[{"role":"user","content":null}]}"#,
        #"{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{}}]}]}"#,
        #"{"model":"m","messages":[],"temperature":"hot"}"#, #"{"model":"m","messages":[],"max_tokens":1.5}"#,
        #"{"model":"m","messages":[],"stop":[1]}"#, #"{"model":"m","messages":[],"response_format":{}}"#,
        #"{"model":"m","messages":[]"#, "",
    ])
    func otherShapesAreLeftToTheDecoder(text: String) {
        #expect(throws: JSONReader.Malformed.self) { try Self.fast(text) }
    }

    @Test(arguments: [nil, 19_350 as Int64?])
    func theAnswerIsTheEncodableShape(cost: Int64?) throws {
        let dto = ChatCompletionResponseDTO(
            id: "chatcmpl-1", created: 1_764_576_000, model: "openai/gpt-4o-mini",
            choices: [.init(message: .init(content: "Paris \"é\"\n🌙"), finishReason: "stop")],
            usage: CostedUsage(Usage(promptTokens: 41, completionTokens: 22, cachedPromptTokens: 8), cost: cost))
        let written = try JSONSerialization.jsonObject(with: Data(dto.json())) as? NSDictionary
        let encoded = try JSONSerialization.jsonObject(with: JSONEncoder().encode(dto)) as? NSDictionary
        #expect(written != nil)
        #expect(written == encoded)
    }

    @Test(arguments: [false, true])
    func streamChunksAreTheEncodableShape(includeUsage: Bool) throws {
        let encoder = ChunkEncoder(
            id: "chatcmpl-2", created: 1_764_576_000, model: "openai/\"m\"", includeUsage: includeUsage)
        func parsed(_ frame: ByteBuffer) throws -> NSDictionary? {
            let text = String(buffer: frame)
            #expect(text.hasPrefix("data: ") && text.hasSuffix("\n\n"))
            return try JSONSerialization.jsonObject(with: Data(text.dropFirst(6).dropLast(2).utf8)) as? NSDictionary
        }
        func expected(_ delta: ChatCompletionChunkDTO.Choice.Delta, _ finish: String?) throws -> NSDictionary? {
            let dto = ChatCompletionChunkDTO(
                id: "chatcmpl-2", created: 1_764_576_000, model: "openai/\"m\"",
                choices: [.init(delta: delta, finishReason: finish)], usage: includeUsage ? .some(nil) : nil)
            return try JSONSerialization.jsonObject(with: JSONEncoder().encode(dto)) as? NSDictionary
        }
        #expect(try parsed(encoder.roleChunk()) == expected(.init(role: "assistant", content: ""), nil))
        let text = "Hel\"lo\"\n\u{2028}🌙"
        #expect(try parsed(try #require(encoder.chunk(for: .delta(text)))) == expected(.init(content: text), nil))
        #expect(try parsed(try #require(encoder.chunk(for: .finish(.length)))) == expected(.init(), "length"))
        #expect(encoder.chunk(for: .usage(.zero)) == nil)
    }
}
