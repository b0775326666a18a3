import Foundation
import SwitchyardCore
import SwitchyardHTTP

/// The fields of a submitted HTML form (`application/x-www-form-urlencoded`), or of a query string.
struct ConsoleForm: Sendable {
    private(set) var values: [String: String] = [:]

    /// - Parameter encoded: `a=1&b=two+words`; a repeated name keeps its last value.
    init(encoded: String) {
        for pair in encoded.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]), !name.isEmpty else { continue }
            values[name] = parts.count > 1 ? Self.decode(parts[1]) ?? "" : ""
        }
    }

    init(_ values: [String: String]) {
        self.values = values
    }

    subscript(_ name: String) -> String? { values[name] }

    /// The value without surrounding white space; nil when absent or empty.
    func text(_ name: String) -> String? {
        guard let value = values[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
            return nil
        }
        return value
    }

    private static func decode(_ part: Substring) -> String? {
        part.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}

/// Builds the JSON object that the admin API takes from a form's fields, so that the console's saves go through
/// the API's own decoding and validation. Numbers and JSON that do not parse are refused here, naming the field.
struct FormJSON {
    private(set) var object: [String: Any] = [:]

    /// A text field, left out when empty.
    mutating func text(_ key: String, _ value: String?) {
        if let value, !value.isEmpty { object[key] = value }
    }

    /// A whole number, left out when empty.
    mutating func integer(_ key: String, _ value: String?, field: String? = nil) throws {
        guard let value, !value.isEmpty else { return }
        guard let number = Int64(value) else {
            throw APIError.invalidRequest(
                "`\(field ?? key)` must be a whole number; got '\(value)'.", param: field ?? key)
        }
        object[key] = number
    }

    /// A number, left out when empty.
    mutating func number(_ key: String, _ value: String?) throws {
        guard let value, !value.isEmpty else { return }
        guard let number = Double(value), number.isFinite else {
            throw APIError.invalidRequest("`\(key)` must be a number; got '\(value)'.", param: key)
        }
        object[key] = number
    }

    /// A JSON object typed into a text area; empty means `{}`.
    static func object(_ text: String?, field: String) throws -> [String: Any] {
        guard let text, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return [:] }
        guard let parsed = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]),
            let object = parsed as? [String: Any]
        else {
            throw APIError.invalidRequest(
                "`\(field)` must be a JSON object, such as {\"key\": \"value\"}.", param: field)
        }
        return object
    }

    mutating func set(_ key: String, _ value: Any) {
        object[key] = value
    }

    /// Decodes the object as the API's input type, with the API's own error messages.
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONCoding.decode(T.self, from: try JSONSerialization.data(withJSONObject: object))
    }
}
