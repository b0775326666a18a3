import NIOCore
import NIOHTTP1
import SwitchyardHTTP1
import Testing

@testable import SwitchyardProviders

/// The upstream client's HTTP/1.1 reader: every framing, read whole or a byte at a time, gives the same answer;
/// keep-alive follows the version and the fields; what could be read two ways is refused.
@Suite struct UpstreamResponseParserTests {
    /// What the events of one feed sequence add up to.
    struct Answer: Equatable, CustomStringConvertible {
        var status: Int
        var fields: [String]
        var keepAlive: Bool
        var body: String
        var ended: Bool
        var description: String {
            "\(status) \(fields) keepAlive=\(keepAlive) body=\(body.debugDescription) ended=\(ended)"
        }
    }

    /// Feeds `bytes` in pieces of `step` bytes (all at once when nil), then a close if `close`; returns the answers.
    static func read(_ bytes: String, step: Int? = nil, close: Bool = false) throws -> [Answer] {
        var parser = UpstreamResponseParser()
        var answers: [Answer] = []
        func emit(_ event: UpstreamResponseParser.Event) {
            switch event {
            case .head(let head):
                answers.append(
                    Answer(
                        status: head.status, fields: head.headers.map { "\($0.name): \($0.value)" },
                        keepAlive: head.keepAlive, body: "", ended: false))
            case .body(let part): answers[answers.count - 1].body += String(buffer: part)
            case .end: answers[answers.count - 1].ended = true
            }
        }
        let all = Array(bytes.utf8)
        var start = 0
        while start < all.count {
            let end = min(all.count, start + (step ?? all.count))
            var events: [UpstreamResponseParser.Event] = []
            try parser.feed(ByteBuffer(bytes: all[start..<end]), into: &events)
            for event in events { emit(event) }
            start = end
        }
        if close, parser.inputClosed() { emit(.end) }
        return answers
    }

    static let lengthAnswer =
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"ok\":true}"
    static let chunkedAnswer =
        "HTTP/1.1 429 Too Many Requests\r\ntransfer-encoding: gzip, chunked\r\nretry-after:  7 \r\n\r\n"
        + "5;ext=1\r\n{\"err\r\n8\r\nor\":true\r\n1\r\n}\r\n0\r\nx-trailer: t\r\n\r\n"

    @Test(arguments: [nil, 1, 2, 7])
    func everyFramingReadsTheSameWholeOrInPieces(step: Int?) throws {
        let interim = "HTTP/1.1 100 Continue\r\n\r\n"
        let untilClose = "HTTP/1.0 200 OK\r\nconnection: keep-alive\r\n\r\nuntil the close"
        let noContent = "HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n"
        let answers = try Self.read(
            interim + Self.lengthAnswer + Self.chunkedAnswer + noContent + untilClose, step: step, close: true)
        #expect(
            answers == [
                Answer(
                    status: 200, fields: ["Content-Type: application/json", "Content-Length: 11"], keepAlive: true,
                    body: #"{"ok":true}"#, ended: true),
                Answer(
                    status: 429, fields: ["transfer-encoding: gzip, chunked", "retry-after: 7"], keepAlive: true,
                    body: #"{"error":true}"#, ended: true),
                Answer(status: 204, fields: ["content-length: 0"], keepAlive: true, body: "", ended: true),
                // No length: the body lasts until the close, and the connection cannot be kept.
                Answer(
                    status: 200, fields: ["connection: keep-alive"], keepAlive: false, body: "until the close",
                    ended: true),
            ])
    }

    @Test func aBodyCutBeforeItsLengthDoesNotEnd() throws {
        let answers = try Self.read("HTTP/1.1 200 OK\r\ncontent-length: 50\r\n\r\nshort", close: true)
        #expect(answers.map(\.ended) == [false])
    }

    @Test(arguments: [
        ("HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n", true),
        ("HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 0\r\n\r\n", false),
        ("HTTP/1.1 200 OK\r\nConnection: Keep-Alive, Close\r\ncontent-length: 0\r\n\r\n", false),
        ("HTTP/1.0 200 OK\r\ncontent-length: 0\r\n\r\n", false),
        ("HTTP/1.0 200 OK\r\nconnection: keep-alive\r\ncontent-length: 0\r\n\r\n", true),
        // Both framings: the coding wins, and the connection is not kept.
        ("HTTP/1.1 200 OK\r\ncontent-length: 3\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n", false),
    ])
    func keepAliveFollowsTheVersionAndTheFields(answer: String, keepAlive: Bool) throws {
        let answers = try Self.read(answer)
        #expect(answers.map(\.keepAlive) == [keepAlive])
        #expect(answers.map(\.ended) == [true])
    }

    @Test(arguments: [
        ("HTTP/1.1 200 OK\r\nx-a: 1\r\n folded\r\ncontent-length: 0\r\n\r\n", "a folded header"),
        ("HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-length: 3\r\n\r\n", "two different content-lengths"),
        ("HTTP/1.1 200 OK\r\ncontent-length: +3\r\n\r\nabc", "not a number"),
        ("HTTP/1.1 200 OK\r\nx-a: a\u{1}b\r\ncontent-length: 0\r\n\r\n", "a control character"),
        ("HTTP/1.1 200 OK\r\nbad name: 1\r\n\r\n", "a bad header"),
        ("HTTP/2 200 OK\r\n\r\n", "no HTTP/1.x status line"),
        ("HTTP/1.1 2x0 OK\r\n\r\n", "three digits"),
        ("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n", "a chunk size that is not a number"),
        ("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nabc\r\n", "longer than its size"),
    ])
    func whatCouldBeReadTwoWaysIsRefused(answer: String, reason: String) {
        for step in [nil, 1] {
            let error = #expect(throws: HTTP1Malformed.self) { try Self.read(answer, step: step) }
            #expect(
                error?.reason.contains(reason) == true,
                "\(String(describing: error)) for step \(String(describing: step))")
        }
    }

    @Test func aHeadThatNeverEndsIsRefusedAtTheLimit() {
        let endless = "HTTP/1.1 200 OK\r\n" + String(repeating: "x-filler: 0123456789\r\n", count: 4_000)
        #expect(throws: HTTP1Malformed.self) { try Self.read(endless, step: 4_096) }
    }

    @Test func aRequestIsWrittenWithItsFieldsAndAFieldThatCannotBeSentIsRefusedByName() throws {
        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/v1/chat/completions?x=1")
        head.headers.add(name: "host", value: "api.example.com")
        head.headers.add(name: "authorization", value: "Bearer sk-1\t2")
        var bytes = ByteBuffer()
        try bytes.writeHTTP1Request(head)
        #expect(
            String(buffer: bytes)
                == "POST /v1/chat/completions?x=1 HTTP/1.1\r\nhost: api.example.com\r\nauthorization: Bearer sk-1\t2\r\n\r\n"
        )
        for (name, value) in [("x-api-key", "sk-secret\r\nx-evil: 1"), ("bad name", "v"), ("x-nul", "a\u{0}b")] {
            var broken = head
            broken.headers.add(name: name, value: value)
            var out = ByteBuffer()
            let error = #expect(throws: UpstreamHTTPError.self) { try out.writeHTTP1Request(broken) }
            let text = error.map { "\($0)" } ?? ""
            #expect(text.contains(name))
            #expect(!text.contains("sk-secret"), "the value is never told")
        }
    }
}
