import Hummingbird
import SwitchyardCore
import SwitchyardHTTP

/// `POST /v1/generate/`: the internal payload, answered with the normalized shape and the attempt log.
struct GenerateController<Context: RequestContext>: Sendable {
    let service: GatewayService

    /// The most retries a caller may ask of one target.
    static var maximumRetries: Int { 5 }

    func register(on router: RouteRegistrar<RouterGroup<Context>>) {
        router.post("/v1/generate/", use: generate)
    }

    @Sendable func generate(_ request: Request, context: Context) async throws -> Response {
        let dto = try await JSONCoding.decode(
            GenerateRequestDTO.self, from: request, limit: service.settings.maximumBodyBytes)
        let generation = dto.request
        try validate(generation)
        let plan = service.plan(for: generation)
        let providerRequest = ProviderRequest(
            model: generation.model, systemInstruction: generation.systemInstruction,
            messages: generation.messages, sampling: generation.sampling, regionName: generation.regionName,
            user: generation.user)
        let response: GenerationResponse
        do {
            response = try await service.generate(plan, request: providerRequest)
        } catch {
            throw APIError.from(error)
        }
        return try JSONCoding.response(GenerateResponseDTO(response))
    }

    private func validate(_ request: GenerationRequest) throws {
        do {
            try RequestValidation.validate(
                messages: request.messages, systemInstruction: request.systemInstruction, sampling: request.sampling)
        } catch {
            throw APIError.invalidRequest(error.message, param: error.parameter)
        }
        try ProviderNames.check(request.provider, field: "provider", registry: service.registry)
        for (index, fallback) in (request.fallbacks ?? []).enumerated() {
            try ProviderNames.check(
                fallback.provider, field: "fallbacks[\(index)].provider", registry: service.registry)
            if fallback.retry < 0 || fallback.retry > Self.maximumRetries {
                throw APIError.invalidRequest(
                    "`fallbacks[\(index)].retry` must be between 0 and \(Self.maximumRetries).",
                    param: "fallbacks[\(index)].retry")
            }
        }
        if let retry = request.retry, retry < 0 || retry > Self.maximumRetries {
            throw APIError.invalidRequest("`retry` must be between 0 and \(Self.maximumRetries).", param: "retry")
        }
        if request.model.isEmpty {
            throw APIError.invalidRequest("`model` must not be empty.", param: "model")
        }
    }
}

/// Checks that a provider id is one the gateway knows (configured or not).
enum ProviderNames {
    static func check(_ id: String, field: String, registry: ProviderRegistry) throws {
        guard registry.isKnown(id) else {
            let known = (registry.availableIDs + registry.unavailable.keys).sorted().joined(separator: ", ")
            throw APIError.invalidRequest(
                "Unknown provider '\(id)' in `\(field)`; known providers: \(known).", param: field)
        }
    }
}
