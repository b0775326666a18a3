import Hummingbird
import HummingbirdTesting

/// Runs `body` against `application` on a real socket. Before the test harness closes the listener, `stopAccepting`
/// runs (the application's drain, as a SIGTERM does): a connection accepted while the listener closes traps in NIO
/// (`Deinited NIOAsyncWriter without calling finish()`), which a client racing the end of a test could cause.
public func withLiveServer<T: Sendable>(
    _ application: some ApplicationProtocol, stopAccepting: @escaping @Sendable () async -> Void,
    _ body: @Sendable (any TestClientProtocol) async throws -> T
) async throws -> T {
    try await application.test(.live) { client in
        do {
            let result = try await body(client)
            await stopAccepting()
            return result
        } catch {
            await stopAccepting()
            throw error
        }
    }
}
