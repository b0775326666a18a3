import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// The application as it runs: Hummingbird's router and the services beside it, served by ``ListeningServer``
/// (which accepts on the event loops instead of through Hummingbird's accept loop).
///
/// `server` builds Hummingbird's own server around the same channel (``DirectHTTP1Channel``, answering through the
/// same responder): HummingbirdTesting's live tests run through it.
public struct SwitchyardApplication<Responder: HTTPResponder>: ApplicationProtocol
where Responder.Context: InitializableFromSource<ApplicationRequestContextSource> {
    /// Makes the listener for the function that answers a request, and the function told when it listens.
    typealias Listener =
        @Sendable (
            _ answer: @escaping DirectHTTP1Channel.Answer,
            _ listening: @escaping @Sendable (any Channel) async -> Void
        ) throws -> any Service

    public let responder: Responder
    public let server: HTTPServerBuilder
    public let configuration: ApplicationConfiguration
    public let services: [any Service]
    public let logger: Logger
    let listening: @Sendable (any Channel) async -> Void
    let listener: Listener

    @Sendable public func onServerRunning(_ channel: any Channel) async {
        await listening(channel)
    }

    /// Serves until the services and the listener have stopped (a graceful shutdown drains the connections first).
    public func run() async throws {
        let answer = Self.answering(with: responder, serverName: configuration.serverName, logger: logger)
        let listener = try self.listener(answer) { await self.onServerRunning($0) }
        try await ServiceGroup(configuration: .init(services: services + [listener], logger: logger)).run()
    }

    /// Answers a request through `responder`, with the `Date` (and `Server`) header every answer carries.
    static func answering(
        with responder: Responder, serverName: String?, logger: Logger
    ) -> DirectHTTP1Channel.Answer {
        let date = HTTPDate()
        return { request, channel in
            let context = Responder.Context(source: .init(channel: channel, logger: logger))
            var response: Response
            do {
                response = try await responder.respond(to: request, context: context)
            } catch {
                // The error middleware answers what the handlers throw; this is only what escapes it.
                logger.debug("unanswered error", metadata: ["error.type": "\(type(of: error))"])
                response = Response(status: .internalServerError, body: .init())
            }
            response.headers[.date] = date.current
            if let serverName { response.headers[.server] = serverName }
            return response
        }
    }
}
