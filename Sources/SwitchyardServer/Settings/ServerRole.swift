/// Which services a process runs.
public enum ServerRole: String, Sendable, CaseIterable {
    /// Gateway and backend in one process (the embedded default).
    case all
    case gateway
    case backend

    var runsGateway: Bool { self == .all || self == .gateway }
    var runsBackend: Bool { self == .all || self == .backend }
}
