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
        switch kindName {
        case "anthropic":
            return try keyed(
                id: id, kind: .anthropic, entry: entry, environment: environment,
                keyNames: id == kindName ? ["ANTHROPIC_API_KEY"] : [],
                baseNames: id == kindName ? ["ANTHROPIC_BASE_URL"] : [], defaultBase: AnthropicProvider.defaultBaseURL)
        case "gemini":
            return try keyed(
                id: id, kind: .gemini, entry: entry, environment: environment,
                keyNames: id == kindName ? ["GEMINI_API_KEY", "GOOGLE_API_KEY"] : [],
                baseNames: id == kindName ? ["GOOGLE_GEMINI_BASE_URL"] : [], defaultBase: GeminiProvider.defaultBaseURL)
        case "bedrock":
            return try bedrock(id: id, entry: entry, environment: environment)
        default:
            break
        }
        guard let flavor = OpenAIFlavor(rawValue: kindName) else {
            let kinds = (OpenAIFlavor.allCases.map(\.rawValue) + nativeProviders + ["mock"]).joined(separator: ", ")
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

    private static func keyed(
        id: String, kind: ProviderSettings.Kind, entry: ConfigurationFile.ProviderEntry?, environment: [String: String],
        keyNames: [String], baseNames: [String], defaultBase: String
    ) throws -> ProviderSettings {
        let names = entry?.apiKeyEnv.map { [$0] } ?? keyNames
        let key = try entry?.apiKey ?? firstValue(names, environment: environment)
        let baseURL = try entry?.baseURL ?? firstValue(baseNames, environment: environment) ?? defaultBase
        return ProviderSettings(
            id: id, kind: kind, apiKey: key.map(Secret.init), baseURL: baseURL,
            unavailableReason: key == nil ? "no API key: set \(names.first ?? "providers.\(id).api_key")" : nil)
    }

    /// Bedrock: a Bedrock API key, or SigV4 credentials; the endpoint override; the default region.
    private static func bedrock(
        id: String, entry: ConfigurationFile.ProviderEntry?, environment: [String: String]
    )
        throws -> ProviderSettings
    {
        let region = entry?.region ?? BedrockProvider.defaultRegion
        let apiKey = try entry?.apiKey ?? firstValue(["AWS_BEARER_TOKEN_BEDROCK"], environment: environment)
        var credentials: AWSCredentials?
        if let keyID = try firstValue(["AWS_ACCESS_KEY_ID"], environment: environment),
            let secret = try firstValue(["AWS_SECRET_ACCESS_KEY"], environment: environment)
        {
            credentials = AWSCredentials(
                accessKeyID: keyID, secretAccessKey: Secret(secret),
                sessionToken: try firstValue(["AWS_SESSION_TOKEN"], environment: environment).map(Secret.init))
        }
        let endpoint = try entry?.baseURL ?? firstValue(["AWS_ENDPOINT_URL_BEDROCK_RUNTIME"], environment: environment)
        return ProviderSettings(
            id: id, kind: .bedrock(defaultRegion: region), apiKey: apiKey.map(Secret.init),
            awsCredentials: credentials, baseURL: endpoint,
            unavailableReason: apiKey == nil && credentials == nil
                ? "no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_BEARER_TOKEN_BEDROCK" : nil)
    }

    /// The first set variable among `names`, or the contents of the file named by `NAME_FILE`.
    static func firstValue(_ names: [String], environment: [String: String]) throws -> String? {
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
