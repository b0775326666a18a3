import Hummingbird
import SwitchyardCore
import SwitchyardHTTP

/// `POST /v1/generate/`: the internal payload, answered with the normalized shape and the attempt log.
struct GenerateController<Context: ServiceAuthenticatedContext>: Sendable {
    let service: GatewayService

    func register(on router: RouteRegistrar<RouterGroup<Context>>) {
        router.post("/v1/generate/", use: generate)
    }

    @Sendable func generate(_ request: Request, context: Context) async throws -> Response {
        let dto = try await JSONCoding.decode(
            GenerateRequestDTO.self, from: request, limit: service.settings.maximumBodyBytes)
        let generation: GenerationRequest
        do {
            generation = try dto.request()
            try service.validate(generation)
        } catch {
            throw APIError.invalidRequest(error.message, param: error.parameter)
        }
        let quota: RateLimitQuotas?
        do {
            quota = try service.admit(service: context.service, user: generation.user)
        } catch {
            throw APIError.from(error)
        }
        if dto.stream == true {
            let committed: CommittedStream
            do {
                committed = try await service.openStream(
                    service.plan(for: generation), request: .init(generation), caller: context.service,
                    directive: ServedHeaders.cacheDirective(request))
            } catch {
                throw APIError.from(error).with(attempts: error.attempts)
            }
            return GenerateStreamEncoder.response(committed, service: service, rateLimit: quota)
        }
        let response: GenerationResponse
        let cache: CacheStatus?
        do {
            (response, cache) = try await service.respond(
                service.plan(for: generation), request: .init(generation), caller: context.service,
                directive: ServedHeaders.cacheDirective(request))
        } catch {
            throw APIError.from(error).with(attempts: error.attempts)
        }
        return try JSONCoding.response(
            GenerateResponseDTO(response),
            headers: ServedHeaders.fields(
                id: ServedHeaders.randomID(), provider: response.provider, model: response.model,
                attempts: response.attempts.count, cache: cache, rateLimit: quota))
    }
}
