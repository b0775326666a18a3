import Foundation
import Logging
import SwitchyardCore

/// How a streamed turn begins: with a reply already stored for its idempotency key, or with a live stream past the
/// gateway's commit point (nothing has been sent to the user before it).
public enum ChatStreamStart: Sendable {
    case stored(ChatTurnReply)
    case live(ChatStreamDelivery)
}

/// A live streamed turn. The caller reads deltas with ``next()``, reports each one it delivered with
/// ``delivered(_:)``, and ends with ``ChatService/complete(_:)``, which stores what was delivered and settles it.
/// Used by one task at a time.
public final class ChatStreamDelivery: @unchecked Sendable {
    let turn: PreparedTurn
    let request: ChatTurnRequest
    let user: User
    let provider: String
    let model: String
    /// The gateway's attempts, complete once the stream has ended.
    let attempts: StreamAttempts
    /// The turn's span, ended by ``ChatService/complete(_:)``.
    let trace: TurnSpan
    private var iterator: AsyncThrowingStream<StreamEvent, any Error>.AsyncIterator
    private(set) var text = ""
    private(set) var reported: Usage?
    private(set) var finished = false
    /// Why the upstream broke the stream, if it did.
    private(set) var failure: ProviderFailure?

    init(turn: PreparedTurn, request: ChatTurnRequest, user: User, stream: GatewayStream, trace: TurnSpan) {
        self.turn = turn
        self.trace = trace
        self.request = request
        self.user = user
        provider = stream.provider
        model = stream.model
        attempts = stream.attempts
        iterator = stream.events.makeAsyncIterator()
    }

    /// - Returns: The next text to send, or nil when the stream is over (finished or broken).
    public func next() async -> String? {
        do {
            while let event = try await iterator.next() {
                switch event {
                case .delta(let piece): return piece
                case .usage(let usage): reported = usage
                case .finish: finished = true
                }
            }
            // A stream that ends because this task was cancelled (the user left) did not finish.
            if !Task.isCancelled { finished = true }
        } catch {
            failure = error as? ProviderFailure ?? ProviderFailure(.transport, detail: "\(type(of: error))")
        }
        return nil
    }

    /// Records text the user received.
    public func delivered(_ piece: String) {
        text += piece
    }

    /// The usage to bill: the provider's last report, or, for a cut stream that reported none, the delivered text at
    /// four characters a token (at least one) and the input at four bytes a token. Never zero once text went out.
    var usage: Usage {
        if let reported, finished { return reported }
        let estimated = Usage(
            promptTokens: max(reported?.promptTokens ?? 0, (turn.inputBytes + 3) / 4),
            completionTokens: max(1, (text.count + 3) / 4))
        return estimated
    }
}

extension ChatService {
    /// Everything up to a streamed turn's commit point: the same checks, session, prompt and hold as ``chat``; a
    /// failure here is an ordinary error response (nothing was streamed yet).
    /// - Throws: ``ChatFailure``.
    public func openStream(_ request: ChatTurnRequest, user: User, slug: String) async throws -> ChatStreamStart {
        let trace = startTurnSpan(slug: slug)
        do {
            let start = try await trace.bound { () async throws -> ChatStreamStart in
                let turn: PreparedTurn
                switch try await prepare(request, user: user, slug: slug) {
                case .stored(let reply): return .stored(reply)
                case .ready(let ready): turn = ready
                }
                trace.describe(turn, user: user)
                do throws(GatewayCallError) {
                    let stream = try await gateway.streamOrGenerate(turn.generation)
                    return .live(
                        ChatStreamDelivery(turn: turn, request: request, user: user, stream: stream, trace: trace))
                } catch {
                    throw await failed(turn, error)
                }
            }
            if case .stored(let reply) = start { trace.succeeded(reply) }
            return start
        } catch {
            trace.failed(error)
            throw error
        }
    }

    /// Stores the delivered reply and settles it: the whole reply when the stream finished, otherwise what was
    /// delivered (marked interrupted) at the locked price.
    /// - Parameter delivery: The stream, read as far as the user received it.
    /// - Returns: The stored reply, and the failure that cut the stream if the upstream did.
    public func complete(_ delivery: ChatStreamDelivery) async throws -> (ChatTurnReply, ChatFailure?) {
        do {
            let (reply, failure) = try await delivery.trace.bound { try await store(delivery) }
            delivery.trace.succeeded(reply)
            return (reply, failure)
        } catch {
            delivery.trace.failed(error)
            throw error
        }
    }

    private func store(_ delivery: ChatStreamDelivery) async throws -> (ChatTurnReply, ChatFailure?) {
        let interrupted = !delivery.finished || delivery.failure != nil
        if delivery.text.isEmpty {
            // Nothing reached the user: like a failed turn, nothing is stored (but its attempts) and nothing is
            // charged.
            await release(delivery.turn)
            let failure = ChatFailure(
                GatewayCallError(.provider(delivery.failure?.kind ?? .transport)), botName: delivery.turn.bot.name)
            await record(delivery.turn, failure: failure, attempts: delivery.attempts.value)
            throw failure
        }
        let reply = try await finish(
            delivery.turn, request: delivery.request, user: delivery.user, text: delivery.text, usage: delivery.usage,
            provider: delivery.provider, model: delivery.model, interrupted: interrupted,
            attempts: delivery.attempts.value)
        if interrupted {
            logger.warning(
                "streamed turn interrupted; the delivered part is stored and charged",
                metadata: [
                    "bot": "\(delivery.turn.bot.slug)", "session": "\(reply.sessionID)",
                    "cause": "\(delivery.failure.map { $0.kind.rawValue } ?? "client_gone")",
                ])
        }
        let failure = delivery.failure.map {
            ChatFailure(GatewayCallError(.provider($0.kind)), botName: delivery.turn.bot.name)
        }
        return (reply, failure)
    }
}
