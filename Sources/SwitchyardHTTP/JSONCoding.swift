import Foundation
import Hummingbird
import NIOCore
import NIOFoundationCompat
import SwitchyardCore

/// JSON in and out of the gateway's routes, with errors a person can act on.
public enum JSONCoding {
    public static func encode(_ value: some Encodable) throws -> ByteBuffer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encodeAsByteBuffer(value, allocator: ByteBufferAllocator())
    }

    public static func response(
        _ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]
    )
        throws -> Response
    {
        response(json: try encode(value), status: status, headers: headers)
    }

    /// Reads and decodes a request body.
    /// - Throws: ``APIError`` 413 for a body over the limit, 400 for anything that is not the expected JSON.
    public static func decode<T: Decodable>(_ type: T.Type, from request: Request, limit: Int) async throws -> T {
        try decode(T.self, from: try await body(of: request, limit: limit))
    }

    private static func decode<T: Decodable>(_ type: T.Type, from buffer: ByteBuffer) throws -> T {
        if buffer.readableBytes == 0 {
            throw APIError.invalidRequest("The request body is empty; send a JSON object.")
        }
        return try mappingErrors { try decoder.decode(T.self, from: buffer) }
    }

    /// Reads and decodes a request body, through the type's one-pass reader when it can, else through
    /// `JSONDecoder`, whose errors become the 400's message.
    /// - Throws: ``APIError`` 413 for a body over the limit, 400 for anything that is not the expected JSON.
    public static func decode<T: Decodable & JSONReadable>(
        _ type: T.Type, from request: Request, limit: Int
    ) async throws -> T {
        let buffer = try await body(of: request, limit: limit)
        let read = buffer.withUnsafeReadableBytes { bytes in try? JSONReader.read(bytes) { try T.read(&$0) } }
        return try read ?? decode(T.self, from: buffer)
    }

    /// A response whose body is JSON written elsewhere (by hand on the hot path).
    public static func response(
        json bytes: [UInt8], status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]
    ) -> Response {
        response(json: ByteBuffer(bytes: bytes), status: status, headers: headers)
    }

    private static func response(json body: ByteBuffer, status: HTTPResponse.Status, headers: HTTPFields) -> Response {
        var headers = headers
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: body))
    }

    /// Reads a request's whole body (JSON, or an HTML form's fields).
    /// - Throws: ``APIError`` 413 for a body over the limit.
    public static func body(of request: Request, limit: Int) async throws -> ByteBuffer {
        do {
            return try await request.body.collect(upTo: limit)
        } catch {
            throw APIError.bodyTooLarge(limit: limit)
        }
    }

    /// Decodes a JSON document (the JSON an HTML form's fields were turned into).
    /// - Throws: ``APIError`` 400 naming the offending field.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try mappingErrors { try decoder.decode(T.self, from: data) }
    }

    private static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    private static func mappingErrors<T>(_ decode: () throws -> T) throws -> T {
        do {
            return try decode()
        } catch let error as DecodingError {
            let (param, message) = describe(error)
            throw APIError.invalidRequest(message, param: param)
        } catch {
            throw APIError.invalidRequest("The request body is not valid JSON.")
        }
    }

    /// Turns a decoding error into the offending field and a sentence.
    public static func describe(_ error: DecodingError) -> (String?, String) {
        func path(_ keys: [any CodingKey]) -> String? {
            guard !keys.isEmpty else { return nil }
            var text = ""
            for key in keys {
                if let index = key.intValue {
                    text += "[\(index)]"
                } else {
                    text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
                }
            }
            return text
        }
        switch error {
        case .keyNotFound(let key, let context):
            let field = path(context.codingPath + [key]) ?? key.stringValue
            return (field, "The field `\(field)` is required.")
        case .typeMismatch(let type, let context):
            let field = path(context.codingPath)
            return (field, "The field `\(field ?? "body")` has the wrong type; expected \(describe(type)).")
        case .valueNotFound(let type, let context):
            let field = path(context.codingPath)
            return (field, "The field `\(field ?? "body")` must not be null; expected \(describe(type)).")
        case .dataCorrupted(let context):
            let field = path(context.codingPath)
            if field == nil {
                return (nil, "The request body is not valid JSON.")
            }
            return (field, "The field `\(field!)` is invalid: \(context.debugDescription).")
        @unknown default:
            return (nil, "The request body could not be read.")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type: "a whole number"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        case is [Any].Type: "an array"
        default: "an object"
        }
    }
}

/// A body type with a one-pass reader for the hot path (``JSONCoding/decode(_:from:limit:)``): it throws on anything it
/// does not expect, and `JSONDecoder` then judges the body and words the error.
public protocol JSONReadable {
    /// Reads one value.
    static func read(_ reader: inout JSONReader) throws -> Self
}
