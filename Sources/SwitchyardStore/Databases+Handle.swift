import FluentKit
import Logging
import NIOCore
import NIOPosix
import SwitchyardCore

extension Databases {
    /// A handle on the default database, on `loop` (any event loop of the shared group by default).
    /// - Throws: ``StoreError/notFound(_:)`` when no database is configured (never after ``Store/open(_:logger:)``).
    func handle(
        logger: Logger, on loop: any EventLoop = MultiThreadedEventLoopGroup.singleton.any()
    ) throws
        -> any Database
    {
        guard let database = database(logger: logger, on: loop) else {
            throw StoreError.notFound("the configured database")
        }
        return database
    }
}
