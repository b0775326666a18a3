import NIOCore
import NIOHTTP1
import SwitchyardHTTP1

/// Reads an upstream's answers from its connection's bytes (``UpstreamAnswerHead`` reads each head).
typealias UpstreamResponseParser = HTTP1MessageReader<UpstreamAnswerHead>

/// The head of an upstream's answer. Interim answers (1xx) are skipped; two different lengths, a length that is not a
/// number and a bad status line are refused.
struct UpstreamAnswerHead: HTTP1HeadReading {
    var status: Int
    var headers: HTTPHeaders
    /// Whether the connection can carry another exchange after this answer.
    var keepAlive: Bool

    static func head(lines: [Range<Int>], in bytes: UnsafeRawBufferPointer) throws -> (Self, HTTP1Framing)? {
        let (http11, status) = try statusLine(UnsafeRawBufferPointer(rebasing: bytes[lines[0]]))
        // An interim answer (100 Continue, 103 Early Hints) is followed by the real one.
        if status < 200, status != 101 { return nil }
        var headers = HTTPHeaders()
        headers.reserveCapacity(lines.count - 1)
        var chunked = false
        var otherCoding = false
        var read = HTTP1HeadFields()
        try read.read(lines.dropFirst(), in: bytes) { name, value in
            if HTTP1Fields.equals(name, "transfer-encoding") {
                chunked = HTTP1Fields.items(value).last.map { HTTP1Fields.equals($0, "chunked") } ?? false
                otherCoding = !chunked
            }
            headers.add(name: HTTP1Fields.string(name), value: HTTP1Fields.string(value))
        }
        let (length, close) = (read.length, read.close)
        let framing: HTTP1Framing
        if status < 200 || status == 204 || status == 304 {
            framing = .none
        } else if chunked {
            framing = .chunked
        } else if otherCoding || length == nil {
            framing = .untilClose
        } else {
            framing = .length(length ?? 0)
        }
        var keepAlive = !close && (http11 || read.keepAliveAsked) && status != 101
        if case .untilClose = framing { keepAlive = false }
        // Both framings given (RFC 9112 §6.3): the coding wins, and the connection is not reused.
        if chunked, length != nil { keepAlive = false }
        return (Self(status: status, headers: headers, keepAlive: keepAlive), framing)
    }

    /// `HTTP/1.x SP 3DIGIT [SP reason]`.
    private static func statusLine(_ line: UnsafeRawBufferPointer) throws -> (http11: Bool, status: Int) {
        guard line.count >= 12, line.starts(with: "HTTP/1.".utf8), line[8] == UInt8(ascii: " "),
            line[7] == UInt8(ascii: "1") || line[7] == UInt8(ascii: "0"),
            line.count == 12 || line[12] == UInt8(ascii: " ")
        else { throw HTTP1Malformed("no HTTP/1.x status line") }
        guard let status = HTTP1Fields.decimal(UnsafeRawBufferPointer(rebasing: line[9..<12])) else {
            throw HTTP1Malformed("a status that is not three digits")
        }
        return (line[7] == UInt8(ascii: "1"), status)
    }
}
