import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// The application as it runs: Hummingbird's router and the services beside it, served by ``ListeningServer``
/// (which accepts on the event loops instead of through Hummingbird's accept loop).
///
/// `server` is Hummingbird's own server for the same channel: HummingbirdTesting's live tests run through it.
public struct SwitchyardApplication<Responder: HTTPResponder>: ApplicationProtocol
where Responder.Context: InitializableFromSource<ApplicationRequestContextSource> {
    /// Makes the listener for a responder and the function told when it listens.
    typealias Listener =
        @Sendable (
            _ respond: @escaping HTTPChannelHandler.Responder,
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
        let responder = self.responder
        let logger = self.logger
        let serverName = configuration.serverName
        let date = HTTPDate()
        let respond: HTTPChannelHandler.Responder = { (request, writer: consuming ResponseWriter, channel) in
            let context = Responder.Context(source: .init(channel: channel, logger: logger))
            var response: Response
            do {
                response = try await responder.respond(to: request, context: context)
            } catch let error as HTTPParserError {
                throw error
            } catch {
                // The error middleware answers what the handlers throw; this is only what escapes it.
                logger.debug("unanswered error", metadata: ["error.type": "\(type(of: error))"])
                response = Response(status: .internalServerError, body: .init())
            }
            response.headers[.date] = date.current
            if let serverName { response.headers[.server] = serverName }
            do {
                try await writer.write(response: response.head, body: response.body)
            } catch is HTTPParserError {
                // Rethrown as it is, the connection's loop would answer it with a second response.
                throw ResponseNotWritten()
            }
        }
        let listener = try self.listener(respond) { await self.onServerRunning($0) }
        try await ServiceGroup(configuration: .init(services: services + [listener], logger: logger)).run()
    }
}

/// A response could not be written because the request could not be parsed; the connection closes.
private struct ResponseNotWritten: Error {}
