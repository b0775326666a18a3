import HTTPTypes
import SwitchyardHTTP1

/// A request's head, read from its bytes for a ``DirectHTTP1Channel`` connection (``HTTP1MessageReader``).
///
/// What a proxy in front could read another way is refused (RFC 9112 §6.3, §11.2): both `content-length` and
/// `transfer-encoding`, a coding other than `chunked`, two different lengths, more than one `host`, a folded line,
/// control characters, a target with spaces or controls, a version other than HTTP/1.0 and 1.1.
struct HTTP1RequestHead: HTTP1HeadReading {
    /// The request, its scheme `http` (the connection sets `https`).
    var request: HTTPRequest
    var http11: Bool
    /// The connection stays open after the answer.
    var keepAlive: Bool
    /// `HEAD` or `CONNECT`: the answer has no body.
    var bodyless: Bool
    /// The client waits for `100 Continue` before it sends the body.
    var expectsContinue: Bool
    /// The declared `content-length`.
    var length: Int?

    static func head(lines: [Range<Int>], in bytes: UnsafeRawBufferPointer) throws -> (Self, HTTP1Framing)? {
        let (method, target, http11) = try requestLine(UnsafeRawBufferPointer(rebasing: bytes[lines[0]]))
        var fields = HTTPFields()
        fields.reserveCapacity(lines.count - 1)
        var authority: String?
        var chunked = false
        var expectsContinue = false
        var read = HTTP1HeadFields()
        try read.read(lines.dropFirst(), in: bytes) { name, value in
            if HTTP1Fields.equals(name, "host") {
                guard authority == nil else { throw HTTP1Malformed("more than one host") }
                authority = HTTP1Fields.string(value)
                return
            } else if HTTP1Fields.equals(name, "transfer-encoding") {
                let items = HTTP1Fields.items(value)
                guard http11, !chunked, items.count == 1, HTTP1Fields.equals(items[0], "chunked") else {
                    throw HTTP1Malformed("a transfer-encoding other than chunked")
                }
                chunked = true
            } else if HTTP1Fields.equals(name, "expect") {
                expectsContinue = HTTP1Fields.equals(value, "100-continue")
            }
            fields.append(HTTPField(name: fieldName(name), value: HTTP1Fields.string(value)))
        }
        let length = read.length
        guard !(chunked && length != nil) else { throw HTTP1Malformed("both a content-length and a transfer-encoding") }
        let request = HTTPRequest(
            method: method, scheme: "http", authority: authority, path: path(of: target), headerFields: fields)
        let head = Self(
            request: request, http11: http11, keepAlive: !read.close && (http11 || read.keepAliveAsked),
            bodyless: method == .head || method == .connect, expectsContinue: expectsContinue, length: length)
        let framing: HTTP1Framing = chunked ? .chunked : length.map { .length($0) } ?? .none
        return (head, framing)
    }

    /// `method SP request-target SP HTTP/1.x`.
    private static func requestLine(
        _ line: UnsafeRawBufferPointer
    ) throws -> (HTTPRequest.Method, String, http11: Bool) {
        guard let first = line.firstIndex(of: UInt8(ascii: " ")),
            let second = line[(first + 1)...].firstIndex(of: UInt8(ascii: " ")),
            line[..<first].allSatisfy(\.isHTTPTokenByte),
            let method = HTTPRequest.Method(HTTP1Fields.string(UnsafeRawBufferPointer(rebasing: line[..<first])))
        else { throw HTTP1Malformed("no request line") }
        let target = UnsafeRawBufferPointer(rebasing: line[(first + 1)..<second])
        guard !target.isEmpty, target.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw HTTP1Malformed("a request target with spaces or control characters")
        }
        let version = UnsafeRawBufferPointer(rebasing: line[(second + 1)...])
        guard version.count == 8, version.starts(with: "HTTP/1.".utf8),
            version[7] == UInt8(ascii: "1") || version[7] == UInt8(ascii: "0")
        else { throw HTTP1Malformed("a version other than HTTP/1.0 and HTTP/1.1") }
        return (method, HTTP1Fields.string(target), version[7] == UInt8(ascii: "1"))
    }

    /// The path and query of `target`: as it is in origin form (`/…`), taken out of an absolute URL.
    private static func path(of target: String) -> String {
        guard !target.hasPrefix("/"), let scheme = target.firstRange(of: "://") else { return target }
        let rest = target[scheme.upperBound...]
        guard let start = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) else { return "/" }
        let path = rest[start...]
        return path.hasPrefix("?") ? "/" + path : String(path)
    }

    /// The field's name: a constant for those every request carries (no validation or lowercasing), else made.
    private static func fieldName(_ bytes: UnsafeRawBufferPointer) -> HTTPField.Name {
        switch bytes.count {
        case 6 where HTTP1Fields.equals(bytes, "accept"): .accept
        case 10 where HTTP1Fields.equals(bytes, "user-agent"): .userAgent
        case 12 where HTTP1Fields.equals(bytes, "content-type"): .contentType
        case 13 where HTTP1Fields.equals(bytes, "authorization"): .authorization
        case 14 where HTTP1Fields.equals(bytes, "content-length"): .contentLength
        case 15 where HTTP1Fields.equals(bytes, "accept-encoding"): .acceptEncoding
        case 10 where HTTP1Fields.equals(bytes, "connection"): .connection
        default:
            // The bytes were checked as a token, which is what a name must be.
            HTTPField.Name(HTTP1Fields.string(bytes))!
        }
    }
}
