import Foundation
import SwitchyardCore
import SwitchyardProviders

extension SettingsLoader {
    /// Merges the built-in providers, the file's `providers` entries and the environment.
    static func providers(file: ConfigurationFile, environment: [String: String]) throws -> [ProviderSettings] {
        var ids = Set(OpenAIFlavor.allCases.map(\.rawValue) + nativeProviders + ["mock"])
        ids.formUnion(file.providers.keys)
        return try ids.sorted().map { id in
            try provider(id: id, entry: file.providers[id], environment: environment)
        }
    }

    private static func provider(
        id: String, entry: ConfigurationFile.ProviderEntry?, environment: [String: String]
    )
        throws -> ProviderSettings
    {
        let kindName = entry?.kind ?? id
        if kindName == "mock" {
            let settings = MockProvider.Settings(
                latency: .milliseconds(entry?.latencyMs ?? Int(environment["MOCK_LATENCY_MS"] ?? "") ?? 0),
                failureRate: entry?.failureRate ?? Double(environment["MOCK_FAILURE_RATE"] ?? "") ?? 0,
                streamChunkDelay: .milliseconds(entry?.streamChunkDelayMs ?? 0))
            return ProviderSettings(id: id, kind: .mock(settings))
        }
        if nativeProviders.contains(kindName) {
            return ProviderSettings(
                id: id, kind: .unsupported,
                unavailableReason: "no \(kindName) adapter in this build")
        }
        guard let flavor = OpenAIFlavor(rawValue: kindName) else {
            let kinds = (OpenAIFlavor.allCases.map(\.rawValue) + ["mock"]).joined(separator: ", ")
            throw SettingsError("Provider '\(id)' has unknown kind '\(kindName)'; use one of \(kinds).")
        }
        let keyNames = entry?.apiKeyEnv.map { [$0] } ?? (id == flavor.rawValue ? flavor.keyVariables : [])
        let key = try entry?.apiKey ?? firstValue(keyNames, environment: environment)
        let baseNames = id == flavor.rawValue ? flavor.baseURLVariables : []
        let baseURL = try entry?.baseURL ?? firstValue(baseNames, environment: environment) ?? flavor.defaultBaseURL
        var reason: String?
        if baseURL == nil {
            reason = "no base URL: set \(baseNames.first ?? "providers.\(id).base_url")"
        } else if key == nil, !flavor.keyOptional {
            reason = "no API key: set \(keyNames.first ?? "providers.\(id).api_key")"
        }
        if let baseURL, URL(string: baseURL)?.scheme == nil {
            throw SettingsError("Provider '\(id)' has an invalid base URL; give an absolute http(s) URL.")
        }
        return ProviderSettings(
            id: id, kind: .openAIFamily(flavor), apiKey: key.map(Secret.init), baseURL: baseURL,
            headers: entry?.headers ?? [:], unavailableReason: reason)
    }

    /// The first set variable among `names`, or the contents of the file named by `NAME_FILE`.
    private static func firstValue(_ names: [String], environment: [String: String]) throws -> String? {
        for name in names {
            if let value = environment[name], !value.isEmpty { return value }
            if let path = environment[name + "_FILE"] {
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                    throw SettingsError("Cannot read \(name)_FILE (\(path)).")
                }
                return text.trimmingCharacters(in: .whitespacesAndNewlines)
            }
        }
        return nil
    }
}
