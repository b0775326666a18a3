import Foundation
import HTTPTypes
import Hummingbird
import SwitchyardCore
import SwitchyardHTTP

/// `POST /v1/chat/completions`: OpenAI's Chat Completions, plain and streamed, over the fallback chain of the
/// requested route or `provider/model`.
struct ChatCompletionsController<Context: ServiceAuthenticatedContext>: Sendable {
    let service: GatewayService

    func register(on router: RouteRegistrar<RouterGroup<Context>>) {
        router.post("/v1/chat/completions", use: complete)
    }

    @Sendable func complete(_ request: Request, context: Context) async throws -> Response {
        let dto = try await JSONCoding.decode(
            ChatCompletionRequestDTO.self, from: request, limit: service.settings.maximumBodyBytes)
        let (system, conversation) = SystemSplit.split(dto.messages, explicit: nil)
        try validate(dto, conversation: conversation, system: system)
        guard let plan = service.plan(forModel: dto.model, systemInstruction: system) else {
            throw APIError.modelNotFound(dto.model)
        }
        let providerRequest = ProviderRequest(
            model: dto.model, systemInstruction: system, messages: conversation, sampling: dto.sampling,
            user: dto.user)
        let quota: RateLimitQuotas?
        do { quota = try service.admit(service: context.service, user: dto.user) } catch { throw APIError.from(error) }
        let id = "chatcmpl-" + ServedHeaders.randomID()
        let created = Int(Date().timeIntervalSince1970)
        if dto.stream == true {
            do {
                let committed = try await service.openStream(
                    plan, request: providerRequest, caller: context.service,
                    directive: ServedHeaders.cacheDirective(request))
                return streamingResponse(
                    committed, id: id, created: created, includeUsage: dto.streamOptions?.includeUsage == true,
                    rateLimit: quota)
            } catch {
                throw APIError.from(error)
            }
        }
        let response: GenerationResponse
        let cache: CacheStatus?
        do {
            (response, cache) = try await service.respond(
                plan, request: providerRequest, caller: context.service,
                directive: ServedHeaders.cacheDirective(request))
        } catch {
            throw APIError.from(error)
        }
        let body = ChatCompletionResponseDTO(
            id: id, created: created, model: "\(response.provider)/\(response.model)",
            choices: [.init(message: .init(content: response.text), finishReason: response.finishReason.rawValue)],
            usage: CostedUsage(response.usage, cost: response.cost))
        var headers = ServedHeaders.fields(
            id: id, provider: response.provider, model: response.model, attempts: response.attempts.count,
            cache: cache, rateLimit: quota)
        if let cost = response.cost {
            headers.append(HTTPField(name: ServedHeaders.cost, value: NanoDollars.decimalString(cost)))
        }
        return JSONCoding.response(json: body.json(), headers: headers)
    }

    private func validate(_ dto: ChatCompletionRequestDTO, conversation: [ChatMessage], system: String?) throws {
        if let n = dto.n, n != 1 {
            throw APIError.invalidRequest("`n` must be 1 (one choice per request); got \(n).", param: "n")
        }
        if let tools = dto.tools, !tools.isEmpty {
            throw APIError.invalidRequest(
                "`tools` (tool calling) is not supported by this gateway yet; send the request without it.",
                param: "tools")
        }
        if let format = dto.responseFormat, format.type != "text" {
            throw APIError.invalidRequest(
                "`response_format` of type '\(format.type)' is not supported; only 'text'.", param: "response_format")
        }
        do {
            try RequestValidation.validate(messages: conversation, systemInstruction: system, sampling: dto.sampling)
        } catch {
            throw APIError.invalidRequest(error.message, param: error.parameter)
        }
    }

    private func streamingResponse(
        _ committed: CommittedStream, id: String, created: Int, includeUsage: Bool, rateLimit: RateLimitQuotas?
    )
        -> Response
    {
        var headers = ServedHeaders.fields(
            id: id, provider: committed.target.provider, model: committed.target.model,
            attempts: committed.attempts.count, cache: committed.cacheStatus, rateLimit: rateLimit)
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        let service = self.service
        let body = ResponseBody.relay { writer in
            let encoder = ChunkEncoder(
                id: id, created: created, model: "\(committed.target.provider)/\(committed.target.model)",
                includeUsage: includeUsage)
            var tally = StreamTally()
            var failure: ProviderFailure?
            do {
                try await writer.write(encoder.roleChunk())
                for event in committed.head {
                    tally.add(event)
                    if let chunk = encoder.chunk(for: event) { try await writer.write(chunk) }
                }
                while let event = try await committed.rest.next() {
                    tally.add(event)
                    if let chunk = encoder.chunk(for: event) { try await writer.write(chunk) }
                }
                if !tally.finished { try await writer.write(encoder.chunk(for: .finish(.stop))!) }
                if includeUsage {
                    try await writer.write(
                        encoder.usageChunk(tally.usage, cost: committed.ended(with: tally.usage).cost))
                }
                try await writer.write(ChunkEncoder.done)
            } catch let error as ProviderFailure {
                failure = error
                try? await writer.write(encoder.errorChunk(error, usage: tally.usage))
            } catch {
                // The client went away (its task is cancelled then), or the stream broke in an unclassified way: cut
                // the upstream.
                failure = CommittedStream.failure(ending: error)
                try? await writer.write(encoder.errorChunk(failure!, usage: tally.usage))
            }
            service.streamEnded(committed, usage: tally.usage, failure: failure, finishReason: tally.finishReason)
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }
}
