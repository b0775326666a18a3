import Configuration
import Foundation
import SwitchyardCore

/// Exposes the scalar sections of the JSON configuration file (`server`, `gateway`, `switchyard`, `backend`, `billing`) to
/// swift-configuration. The file also holds arrays of objects (routes), which swift-configuration's own JSON
/// provider does not accept, so those sections are decoded with Codable instead (``ConfigurationFile``).
enum ScalarFileProvider {
    static let sections = ["server", "gateway", "switchyard", "backend", "billing"]

    /// - Parameter path: The JSON file.
    /// - Returns: An in-memory provider with one value per scalar leaf of the scalar sections.
    /// - Throws: ``SettingsError`` when the file is not a JSON object.
    static func make(path: String) throws -> InMemoryProvider {
        guard let data = FileManager.default.contents(atPath: path),
            case .object(let root)? = try? JSONDecoder().decode(JSONValue.self, from: data)
        else {
            throw SettingsError("The configuration file \(path) is not a JSON object.")
        }
        var values: [AbsoluteConfigKey: ConfigValue] = [:]
        for section in sections {
            guard case .object(let object)? = root[section] else { continue }
            flatten(object, prefix: [section], into: &values)
        }
        return InMemoryProvider(name: path, values: values)
    }

    private static func flatten(
        _ object: [String: JSONValue], prefix: [String], into values: inout [AbsoluteConfigKey: ConfigValue]
    ) {
        for (key, value) in object {
            let components = prefix + [key]
            let secret = key.contains("secret") || key.contains("key")
            let content: ConfigContent
            switch value {
            case .object(let nested):
                flatten(nested, prefix: components, into: &values)
                continue
            case .bool(let flag): content = .bool(flag)
            case .number(let number): content = number == number.rounded() ? .int(Int(number)) : .double(number)
            case .string(let text): content = .string(text)
            case .array(let items):
                let texts = items.compactMap(\.string)
                guard texts.count == items.count else { continue }
                content = .stringArray(texts)
            case .null: continue
            }
            values[AbsoluteConfigKey(components)] = ConfigValue(content, isSecret: secret)
        }
    }
}
