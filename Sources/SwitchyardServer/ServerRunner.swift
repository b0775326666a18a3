import Hummingbird
import Logging
import ServiceLifecycle
import SwitchyardHTTP
import UnixSignals

extension BuiltApplication {
    /// Runs the application until SIGTERM or SIGINT, then drains: the listener closes at once (a load balancer's
    /// next connection goes to another replica), in-flight requests have `settings.drainSeconds` to finish, those
    /// still running then are answered 503 `shutting_down` (see ``ShutdownAnswerMiddleware``), and the services
    /// stop in reverse order (the server first, then the database watch and the hold sweeper). A second signal
    /// stops at once.
    /// - Parameters:
    ///   - drainSeconds: How long in-flight requests may take after the first signal.
    ///   - logger: Logs the drain.
    public func runUntilSignalled(drainSeconds: Int, logger: Logger) async throws {
        var configuration = ServiceGroupConfiguration(services: [application], logger: logger)
        // Past the drain time the middleware answers every handler still running; streams already answering get a
        // few seconds more before the group cancels what is left.
        configuration.maximumGracefulShutdownDuration = .seconds(drainSeconds + 5)
        let group = ServiceGroup(configuration: configuration)
        let drain = self.drain
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            tasks.addTask {
                var signals = 0
                for await signal in await UnixSignalsSequence(trapping: .sigterm, .sigint) {
                    signals += 1
                    if signals > 1 {
                        logger.warning("second \(signal): stopping now")
                        throw CancellationError()
                    }
                    logger.notice(
                        "\(signal): draining; no new connections, in-flight requests have \(drainSeconds) s")
                    drain.begin(grace: .seconds(drainSeconds))
                    await drain.stopAccepting()
                    await group.triggerGracefulShutdown()
                }
            }
            // The group ends when the drain is over (or fails); the signal watcher ends with it.
            try await tasks.next()
            tasks.cancelAll()
        }
        logger.notice("stopped")
    }
}
