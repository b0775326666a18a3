import HummingbirdCore
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import SwitchyardHTTP

/// The HTTP listener: accepts connections on the event loops and starts each one's task there, as it is accepted.
///
/// Hummingbird's own server hands every accepted connection to one accept loop that runs on an actor; under load each
/// hand-over waits behind everything queued on the event loops, so connections were accepted a few dozen per second
/// and a burst of streaming clients waited seconds in the kernel's accept queue (`scripts/bench/streams.sh`: 500–660
/// connections queued for 4–8 s). Here the accepting loop sets up the connection and starts its task itself.
///
/// A graceful shutdown closes the listener, asks every connection to close after its current answer (idle ones close
/// at once) and returns when all are closed; cancellation closes the listener and cancels every connection's task.
struct ListeningServer<Child: ServerChildChannel>: Service {
    let child: Child
    let host: String
    let port: Int
    let backlog: Int
    /// Connections taken from the kernel's queue per wake-up of the listener (NIO's default is 4).
    var acceptsPerWakeUp = 256
    /// Whether each connection's task prefers its connection's event loop as its executor
    /// (``EventLoopTaskExecutor``).
    var preferLoops = EventLoopTaskExecutor.connectionsPreferTheirLoops
    let onServerRunning: @Sendable (any Channel) async -> Void
    let logger: Logger

    func run() async throws {
        let connections = OpenConnections(preferLoops: preferLoops)
        let child = self.child
        let logger = self.logger
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.backlog, value: Int32(clamping: backlog))
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(ChannelOptions.maxMessagesPerRead, value: UInt(max(1, acceptsPerWakeUp)))
            .childChannelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { channel in
                child.setup(channel: channel, logger: logger).map { value in
                    connections.serve(channel) { await child.handle(value: value, logger: logger) }
                }
            }
            .bind(host: host, port: port).get()
        logger.info("listening on \(host):\(listener.localAddress?.port ?? port)")
        try await withTaskCancellationHandler {
            try await withGracefulShutdownHandler {
                await onServerRunning(listener)
                try await listener.closeFuture.get()
                await connections.untilAllClosed()
            } onGracefulShutdown: {
                listener.close(promise: nil)
                connections.quiesceAll()
            }
        } onCancel: {
            listener.close(promise: nil)
            connections.cancelAll()
        }
    }
}
