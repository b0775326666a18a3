import HTTPTypes
import NIOCore

/// How an answer's body goes on the wire, decided from its head as NIO's `HTTPResponseEncoder` decides it.
enum HTTP1BodyFraming {
    /// No body bytes: the answer to a `HEAD` or `CONNECT` request, or a status without a body (1xx, 204, 304).
    case none
    /// `content-length`: the bytes as they are.
    case length
    /// `transfer-encoding: chunked`: each part in a chunk of its own, and a last chunk at the end.
    case chunked
}

/// Writes HTTP/1.1 answers into buffers: the head, chunks and the last chunk. Field names and values need no checks
/// here: HTTP Types validates names and turns invalid bytes in values and reason phrases into spaces.
extension ByteBuffer {
    /// Writes `head` as an HTTP/1.1 status line and fields, with the framing fields this connection sends.
    /// - Parameters:
    ///   - head: The answer's head. Its `transfer-encoding` is replaced by the framing chosen here; its `connection`
    ///     is replaced by `close` when `close` is set.
    ///   - bodyless: The request was `HEAD` or `CONNECT`: no body follows, whatever the fields say.
    ///   - close: The connection closes after this answer.
    /// - Returns: How the body that follows is framed.
    mutating func writeHTTP1Head(_ head: HTTPResponse, bodyless: Bool, close: Bool) -> HTTP1BodyFraming {
        let status = head.status
        writeStaticString("HTTP/1.1 ")
        writeDigits(status.code)
        writeInteger(UInt8(ascii: " "))
        writeString(status.reasonPhrase)
        writeStaticString("\r\n")
        // 1xx, 204 and 304 never carry a body or its framing fields.
        let statusHasBody = status.code >= 200 && status.code != 204 && status.code != 304
        var hasLength = false
        for field in head.headerFields {
            switch field.name {
            case .transferEncoding: continue
            case .contentLength:
                guard statusHasBody else { continue }
                hasLength = true
            case .connection where close: continue
            default: break
            }
            writeString(field.name.rawName)
            writeStaticString(": ")
            field.withUnsafeBytesOfValue { _ = writeBytes($0) }
            writeStaticString("\r\n")
        }
        let framing: HTTP1BodyFraming
        if !statusHasBody {
            framing = .none
        } else if hasLength {
            framing = bodyless ? .none : .length
        } else {
            // A HEAD answer still says how the GET's body would come.
            writeStaticString("transfer-encoding: chunked\r\n")
            framing = bodyless ? .none : .chunked
        }
        if close { writeStaticString("connection: close\r\n") }
        writeStaticString("\r\n")
        return framing
    }

    /// Writes `data` as one chunk (size line, bytes, line end); an empty part writes nothing, since a chunk of size
    /// zero ends the body.
    mutating func writeHTTP1Chunk(_ data: ByteBuffer) {
        let count = data.readableBytes
        guard count > 0 else { return }
        writeHexadecimal(count)
        writeStaticString("\r\n")
        writeImmutableBuffer(data)
        writeStaticString("\r\n")
    }

    /// Writes the last chunk, with the trailer fields if there are any.
    mutating func writeHTTP1LastChunk(trailers: HTTPFields?) {
        writeStaticString("0\r\n")
        for field in trailers ?? [:] {
            writeString(field.name.rawName)
            writeStaticString(": ")
            field.withUnsafeBytesOfValue { _ = writeBytes($0) }
            writeStaticString("\r\n")
        }
        writeStaticString("\r\n")
    }

    /// A status code as three digits (HTTP Types keeps codes within 0...999).
    private mutating func writeDigits(_ value: Int) {
        writeInteger(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: value / 100 % 10))
        writeInteger(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: value / 10 % 10))
        writeInteger(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: value % 10))
    }

    /// `value` (positive) in lowercase hexadecimal, as a chunk's size.
    private mutating func writeHexadecimal(_ value: Int) {
        var shift = (Int.bitWidth - value.leadingZeroBitCount - 1) / 4 * 4
        while shift >= 0 {
            let nibble = UInt8(truncatingIfNeeded: (value >> shift) & 0xF)
            writeInteger(nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10)
            shift -= 4
        }
    }
}
