import Foundation

/// Reads how long an upstream asked us to wait.
public enum RetryAfter {
    /// Parses `retry-after-ms`, then `retry-after` as seconds or an HTTP date.
    /// - Parameters:
    ///   - header: Looks a header up by lower-case name.
    ///   - now: The current time, for HTTP dates.
    /// - Returns: The wait, or nil when none was given or it cannot be read.
    public static func parse(header: (String) -> String?, now: Date = Date()) -> Duration? {
        if let milliseconds = header("retry-after-ms").flatMap({ Double($0.trimmingCharacters(in: .whitespaces)) }),
            milliseconds >= 0
        {
            return .milliseconds(Int64(milliseconds))
        }
        guard let value = header("retry-after")?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
            return nil
        }
        if let seconds = Double(value), seconds >= 0 {
            return .milliseconds(Int64(seconds * 1000))
        }
        if let date = httpDateFormatter().date(from: value) {
            return .milliseconds(Int64(max(date.timeIntervalSince(now), 0) * 1000))
        }
        return nil
    }

    /// Parses a protobuf duration string such as Gemini's `RetryInfo.retryDelay` (`"37s"`, `"1.5s"`).
    /// - Parameter text: The duration text.
    /// - Returns: The wait, if the text is a duration.
    public static func parseProtobufDuration(_ text: String) -> Duration? {
        guard text.hasSuffix("s"), let seconds = Double(text.dropLast()), seconds >= 0 else { return nil }
        return .milliseconds(Int64(seconds * 1000))
    }

    private static func httpDateFormatter() -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter
    }
}
