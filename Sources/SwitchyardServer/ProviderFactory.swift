import Logging
import SwitchyardCore
import SwitchyardGateway
import SwitchyardProviders

/// Builds the provider registry from settings: usable providers get adapters; the others are listed with the
/// reason, logged once at startup, and skipped by every chain.
enum ProviderFactory {
    static func registry(_ settings: [ProviderSettings], transport: HTTPTransport, logger: Logger) -> ProviderRegistry {
        var providers: [any ChatProvider] = []
        var unavailable: [String: String] = [:]
        for entry in settings {
            if let reason = entry.unavailableReason {
                unavailable[entry.id] = reason
                continue
            }
            switch entry.kind {
            case .mock(let mock):
                providers.append(MockProvider(id: entry.id, settings: mock))
            case .openAIFamily(let flavor):
                guard let baseURL = entry.baseURL else { continue }
                providers.append(
                    OpenAICompatibleProvider(
                        id: entry.id, flavor: flavor, baseURL: baseURL, apiKey: entry.apiKey,
                        extraHeaders: entry.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
                        transport: transport))
            case .anthropic:
                guard let key = entry.apiKey, let baseURL = entry.baseURL else { continue }
                providers.append(AnthropicProvider(id: entry.id, baseURL: baseURL, apiKey: key, transport: transport))
            case .gemini:
                guard let key = entry.apiKey, let baseURL = entry.baseURL else { continue }
                providers.append(GeminiProvider(id: entry.id, baseURL: baseURL, apiKey: key, transport: transport))
            case .bedrock(let region):
                let authentication: BedrockProvider.Authentication
                if let key = entry.apiKey {
                    authentication = .apiKey(key)
                } else if let credentials = entry.awsCredentials {
                    authentication = .sigV4(credentials)
                } else {
                    continue
                }
                providers.append(
                    BedrockProvider(
                        id: entry.id, authentication: authentication, defaultRegion: region,
                        endpointOverride: entry.baseURL, transport: transport))
            }
        }
        let registry = ProviderRegistry(providers: providers, unavailable: unavailable)
        logger.info("providers ready", metadata: ["available": "\(registry.availableIDs.joined(separator: ","))"])
        for (id, reason) in unavailable.sorted(by: { $0.key < $1.key }) {
            logger.notice("provider skipped", metadata: ["provider": "\(id)", "reason": "\(reason)"])
        }
        return registry
    }
}
