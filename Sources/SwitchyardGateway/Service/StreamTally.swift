import SwitchyardCore
import SwitchyardProviders

/// Tracks what a stream delivered, so that usage is known even when it is cut.
struct StreamTally {
    private(set) var characters = 0
    private(set) var reported: Usage?
    /// The provider's finish reason, once it sent one.
    private(set) var finishReason: FinishReason?
    var finished: Bool { finishReason != nil }

    mutating func add(_ event: StreamEvent) {
        switch event {
        case .delta(let text): characters += text.count
        case .usage(let usage): reported = usage
        case .finish(let reason): finishReason = reason
        }
    }

    /// The provider's last reported usage; if it reported none (a cut stream), an estimate of the completion at
    /// four characters a token, so that streamed spend is never recorded as zero.
    var usage: Usage {
        if let reported { return reported }
        return Usage(promptTokens: 0, completionTokens: (characters + 3) / 4)
    }
}

extension CommittedStream {
    /// Reads the stream to its end, its head then the rest, handing every event to `deliver` (the pumps that relay
    /// a stream to a reader of their own: the in-process client's, a shared stream's).
    /// - Returns: What it delivered, tallied, and the failure that ended it: ``ProviderFailure/callerLeft`` when the
    ///   reading task was cancelled, nil after a normal end.
    func drain(_ deliver: (StreamEvent) -> Void) async -> (tally: StreamTally, failure: ProviderFailure?) {
        var tally = StreamTally()
        do {
            for event in head {
                tally.add(event)
                deliver(event)
            }
            while let event = try await rest.next() {
                tally.add(event)
                deliver(event)
            }
            return (tally, nil)
        } catch {
            return (tally, Self.failure(ending: error))
        }
    }

    /// The failure that ended a stream's relay: ``ProviderFailure/callerLeft`` when the relaying task was cancelled
    /// (its reader left), else the error classified.
    static func failure(ending error: any Error) -> ProviderFailure {
        Task.isCancelled ? .callerLeft : HTTPTransport.classify(error)
    }
}
