import HTTPTypes
import NIOCore
import SwitchyardHTTP1
import Testing

@testable import SwitchyardServer

/// The service reads requests from the bytes itself: the same requests whole or a byte at a time, and a refusal for
/// every request that a proxy in front could read another way.
@Suite struct HTTP1RequestHeadTests {
    struct Read: Equatable, CustomStringConvertible {
        var method: String
        var path: String
        var authority: String?
        var fields: [String]
        var keepAlive: Bool
        var body: String
        var description: String { "\(method) \(path) @\(authority ?? "-") \(fields) keepAlive=\(keepAlive) \(body)" }
    }

    /// Feeds `text` in pieces of `step` bytes (all at once when nil); returns the requests read whole.
    static func read(_ text: String, step: Int? = nil) throws -> [Read] {
        var reader = HTTP1MessageReader<HTTP1RequestHead>()
        var reads: [Read] = []
        var current: Read?
        let all = Array(text.utf8)
        var start = 0
        while start < all.count {
            let end = min(all.count, start + (step ?? all.count))
            var events: [HTTP1MessageReader<HTTP1RequestHead>.Event] = []
            try reader.feed(ByteBuffer(bytes: all[start..<end]), into: &events)
            for event in events {
                switch event {
                case .head(let head):
                    let request = head.request
                    current = Read(
                        method: request.method.rawValue, path: request.path ?? "", authority: request.authority,
                        fields: request.headerFields.map { "\($0.name.canonicalName): \($0.value)" },
                        keepAlive: head.keepAlive, body: "")
                case .body(let part): current?.body += String(buffer: part)
                case .end: reads.append(current!)
                }
            }
            start = end
        }
        return reads
    }

    @Test(arguments: [nil, 1, 3])
    func requestsReadTheSameWholeOrInPieces(step: Int?) throws {
        let text =
            "\r\nPOST /v1/chat/completions?x=1 HTTP/1.1\r\nHost: gw:8080\r\nContent-Type: application/json\r\n"
            + "Authorization: Bearer t\r\nX-Custom:  a b \r\nTransfer-Encoding: chunked\r\n\r\n"
            + "4;ext=1\r\n{\"a\"\r\n3\r\n:1}\r\n0\r\nx-trailer: 1\r\n\r\n"
            + "GET http://gw:8080/health?deep=1 HTTP/1.0\nConnection: keep-alive\n\n"
            + "PUT /p HTTP/1.1\r\nhost: gw\r\ncontent-length: 3\r\nconnection: close\r\n\r\nabc"
        #expect(
            try Self.read(text, step: step) == [
                Read(
                    method: "POST", path: "/v1/chat/completions?x=1", authority: "gw:8080",
                    fields: [
                        "content-type: application/json", "authorization: Bearer t", "x-custom: a b",
                        "transfer-encoding: chunked",
                    ], keepAlive: true, body: #"{"a":1}"#),
                Read(
                    method: "GET", path: "/health?deep=1", authority: nil, fields: ["connection: keep-alive"],
                    keepAlive: true, body: ""),
                Read(
                    method: "PUT", path: "/p", authority: "gw", fields: ["content-length: 3", "connection: close"],
                    keepAlive: false, body: "abc"),
            ])
    }

    @Test(arguments: [
        ("GET / HTTP/1.0\r\n\r\n", false), ("GET / HTTP/1.1\r\n\r\n", true),
        ("GET / HTTP/1.1\r\nConnection: Upgrade, Close\r\n\r\n", false),
    ])
    func keepAliveFollowsTheVersionAndConnection(text: String, keepAlive: Bool) throws {
        #expect(try Self.read(text).map(\.keepAlive) == [keepAlive])
    }

    @Test(arguments: [
        ("POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", "both"),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", "both"),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", "other than chunked"),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", "other than chunked"),
        ("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", "other than chunked"),
        ("POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", "two different"),
        ("POST / HTTP/1.1\r\nContent-Length: 0x3\r\n\r\n", "not a number"),
        ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "more than one host"),
        ("GET / HTTP/1.1\r\nX-A: 1\r\n  folded\r\n\r\n", "folded"),
        ("GET / HTTP/1.1\r\nX-A : 1\r\n\r\n", "bad header"),
        ("GET / HTTP/1.1\r\nX-A: a\u{0}b\r\n\r\n", "control character"),
        ("GET /a\u{7}b HTTP/1.1\r\n\r\n", "request target"),
        ("GET /a b HTTP/1.1\r\n\r\n", "version"),
        ("GET / HTTP/2.0\r\n\r\n", "version"),
        ("G(T / HTTP/1.1\r\n\r\n", "request line"),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n", "chunk size"),
    ])
    func whatCouldBeReadTwoWaysIsRefused(text: String, reason: String) {
        for step in [nil, 1] {
            let error = #expect(throws: HTTP1Malformed.self) { try Self.read(text, step: step) }
            #expect(error?.reason.contains(reason) == true, "\(String(describing: error))")
        }
    }
}
