import ServiceLifecycle
import SwitchyardStore

/// Keeps the store's ``DatabaseAvailability`` current when no request asks: at startup it connects with capped
/// backoff (so a wrong or silent `DATABASE_URL` shows in the log at once, while `/health` answers and `/ready` says
/// 503), and during an outage it probes twice a second, so that the log's "back" line and `/ready` follow the
/// database within a second of its return.
struct DatabaseWatch: Service {
    let availability: DatabaseAvailability

    func run() async throws {
        await cancelWhenGracefulShutdown {
            guard await availability.connect() else { return }
            while !Task.isCancelled {
                if case .down = availability.current { await availability.probe() }
                do { try await Task.sleep(for: .milliseconds(500)) } catch { return }
            }
        }
    }
}
