import HTTPTypes
import HummingbirdCore
import NIOCore
import SwitchyardHTTP
import Synchronization

/// What a connection's handler (on the connection's event loop) and the task that answers its requests share: the
/// requests read and not yet taken, whether more can come, and whether the connection is writable and open.
final class HTTP1ConnectionState: Sendable {
    /// One thing for the task to answer, in the order the requests came.
    enum Item: Sendable {
        /// A whole request (its body read).
        case request(Request)
        /// A request refused before it reached the application: its body was too large, or it could not be parsed.
        /// The connection closes after the answer.
        case refusal(APIError)
    }

    private struct Inbound {
        var items: [Item] = []
        var waiter: CheckedContinuation<Item?, Never>?
        var finished = false
    }

    /// Fires when the client goes: its input closed, or the connection dropped.
    let gone = OnceSignal()
    private let inbound = Mutex(Inbound())
    private let writable = Atomic(true)
    private let closed = Atomic(false)

    /// Items held at most before the handler stops reading the connection (pipelined requests).
    static let maximumQueued = 8

    // MARK: From the handler

    /// Hands `item` to the task.
    /// - Returns: Whether the handler should stop reading until the task takes some.
    func deliver(_ item: Item) -> Bool {
        let (waiter, full) = inbound.withLock { inbound -> (CheckedContinuation<Item?, Never>?, Bool) in
            guard !inbound.finished else { return (nil, false) }
            if let waiter = inbound.waiter {
                inbound.waiter = nil
                return (waiter, false)
            }
            inbound.items.append(item)
            return (nil, inbound.items.count >= Self.maximumQueued)
        }
        waiter?.resume(returning: item)
        return full
    }

    /// No more requests will come (the input closed, the connection went, or it must close after what it holds).
    func finishInbound() {
        let waiter = inbound.withLock { inbound in
            inbound.finished = true
            defer { inbound.waiter = nil }
            return inbound.waiter
        }
        waiter?.resume(returning: nil)
    }

    /// Whether the handler should hold reads back: the task has not taken enough of what was read.
    var isFull: Bool { inbound.withLock { $0.items.count >= Self.maximumQueued } }

    func setWritable(_ value: Bool) { writable.store(value, ordering: .releasing) }

    func setClosed() { closed.store(true, ordering: .releasing) }

    // MARK: From the task

    /// The next item, in order; nil once no more will come.
    /// - Returns: The item and whether the queue just dropped below its limit (the handler may read again).
    func next() async -> (item: Item?, resumeReading: Bool) {
        let taken = inbound.withLock { inbound -> (Item?, Bool)? in
            guard inbound.items.isEmpty else {
                let wasFull = inbound.items.count >= Self.maximumQueued
                return (inbound.items.removeFirst(), wasFull)
            }
            return inbound.finished ? (nil, false) : nil
        }
        if let taken { return taken }
        let item = await withCheckedContinuation { (continuation: CheckedContinuation<Item?, Never>) in
            let ready = inbound.withLock { inbound -> Item?? in
                if !inbound.items.isEmpty { return .some(inbound.items.removeFirst()) }
                if inbound.finished { return .some(nil) }
                inbound.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
        return (item, false)
    }

    var isWritable: Bool { writable.load(ordering: .acquiring) }

    var isClosed: Bool { closed.load(ordering: .acquiring) }
}
