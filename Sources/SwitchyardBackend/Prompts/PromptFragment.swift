import SwitchyardCore
import Synchronization

/// Nested prompt data (a chart, a forecast, memories) with its written forms kept: a cached value appears in many
/// turns' prompts at the same place, so it is written as YAML or JSON once per indentation instead of once per turn.
final class PromptFragment: Sendable, Equatable {
    let value: RenderedPrompt
    /// Written text by indentation; a template puts a variable at a few places, so the bound is never reached in use.
    private let written = Mutex<[WrittenKey: String]>([:])
    private static let capacity = 16

    enum Format: Hashable {
        /// As the value after `key:`.
        case yamlValue
        case json
    }

    private struct WrittenKey: Hashable {
        var format: Format
        var indent: String
    }

    init(_ data: PromptData) {
        value = RenderedPrompt(data)
    }

    /// - Parameters:
    ///   - format: The written form.
    ///   - indent: The indentation it is written at.
    ///   - write: Writes the value as that form; run once per form and indentation.
    /// - Returns: The written text.
    func written(_ format: Format, indent: String, write: (RenderedPrompt, inout String) -> Void) -> String {
        let key = WrittenKey(format: format, indent: indent)
        if let known = written.withLock({ $0[key] }) { return known }
        var text = ""
        write(value, &text)
        written.withLock { written in
            if written.count < Self.capacity { written[key] = text }
        }
        return text
    }

    static func == (lhs: PromptFragment, rhs: PromptFragment) -> Bool {
        lhs === rhs || lhs.value == rhs.value
    }
}
