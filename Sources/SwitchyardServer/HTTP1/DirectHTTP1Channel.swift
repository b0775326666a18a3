import HummingbirdCore
import Logging
import NIOCore
import SwitchyardHTTP

/// The service's HTTP/1 connections: one ``HTTP1ConnectionHandler`` that reads requests from the bytes and writes
/// answers as bytes, and a task per connection that answers its requests one by one through the application
/// (``answer``) and writes each answer straight to the handler (``HTTP1Connection``).
///
/// Hummingbird's `HTTP1Channel` passes every request part and every response part through an async channel (a
/// sequence producer in, an async writer out, a job on the loop for each), through NIO's HTTP/1 codec, and converts
/// each part between NIO's and HTTP Types' forms in a handler of its own. Here a request is read from the bytes into
/// HTTP Types and arrives whole, as one item, and an answer of known length leaves as one buffer. A request body is
/// read whole before the application sees it (the service's routes all read theirs whole), up to
/// ``maximumBodyBytes``; a larger one is answered 413 and the connection closes.
struct DirectHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Connection
    /// Answers one request (the application's router, with the headers every answer carries).
    typealias Answer = @Sendable (Request, any Channel) async -> Response

    let answer: Answer
    /// Where each connection's "client gone" signal is found by its channel (``ShutdownAnswerMiddleware``).
    var disconnects: DisconnectRegistry?
    /// The process's shutdown drain: when its time is over, what each connection is answering is cancelled.
    var drain: Drain?
    /// The largest request body read (above every route's own limit, which answers first with its own message).
    var maximumBodyBytes = 8 * 1024 * 1024
    /// Whether the connections are TLS (the requests' scheme).
    var secure = false

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<HTTP1Connection> {
        channel.eventLoop.makeCompletedFuture {
            let pipeline = channel.pipeline.syncOperations
            let handler = HTTP1ConnectionHandler(
                state: HTTP1ConnectionState(), secure: secure, maximumBodyBytes: maximumBodyBytes,
                registry: disconnects)
            try pipeline.addHandler(handler)
            return HTTP1Connection(channel: channel, handler: handler)
        }
    }

    /// Answers the connection's requests in a task of its own, which is cancelled when the client goes (no further
    /// upstream attempt, no backoff wait), when the drain time is over, and when the server stops at once (the
    /// connection's task is cancelled; its input closes too).
    func handle(value connection: HTTP1Connection, logger: Logger) async {
        let channel = connection.channel
        let answering = Task(executorPreference: EventLoopTaskExecutor.inherited(on: channel.eventLoop)) {
            await answerAll(connection, logger: logger)
        }
        let goneID = connection.gone.onFire { answering.cancel() }
        if goneID == nil { answering.cancel() }
        let drainID = drain?.expired.onFire { answering.cancel() }
        await withTaskCancellationHandler {
            await answering.value
        } onCancel: {
            // No new request is taken (even where closing the input is not supported, as under TLS).
            answering.cancel()
            connection.takeNoMore()
            channel.close(mode: .input, promise: nil)
        }
        if let goneID { connection.gone.remove(goneID) }
        if let drainID { drain?.expired.remove(drainID) }
        // Stopping at once: what is still open closes now.
        if Task.isCancelled { channel.close(promise: nil) }
        try? await channel.closeFuture.get()
    }

    private func answerAll(_ connection: HTTP1Connection, logger: Logger) async {
        do {
            while let item = await connection.next() {
                switch item {
                case .request(let request):
                    try await connection.write(await answer(request, connection.channel))
                case .refusal(let error):
                    try await connection.write(error.response())
                }
            }
        } catch {
            // The connection went, or an answer's body failed half-way: nothing more can be written on it.
            logger.trace("connection closed while answering", metadata: ["error.type": "\(type(of: error))"])
            connection.channel.close(promise: nil)
        }
    }
}
