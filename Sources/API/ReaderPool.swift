import Store
import Synchronization

/// Read-only connections for the server's threads: each request borrows one and returns it, so
/// requests read in parallel without sharing a connection (WAL readers never block the writer).
final class ReaderPool: Sendable {
    /// One thread's readers of the node's database.
    final class Readers {
        let catalog: CatalogReader
        let feed: FeedReader

        init(path: String) throws {
            catalog = try CatalogReader(path: path)
            feed = try FeedReader(path: path)
        }
    }

    private let path: String
    private let idle: Mutex<[Box]>

    /// Moves a non-Sendable reader set between threads; only the borrowing thread touches it.
    private final class Box: @unchecked Sendable {
        let readers: Readers
        init(_ readers: Readers) { self.readers = readers }
    }

    init(path: String) {
        self.path = path
        idle = Mutex([])
    }

    /// Runs `body` with a reader set, opening one when none is idle.
    func with<T>(_ body: (Readers) throws -> T) throws -> T {
        let box = try idle.withLock { $0.popLast() } ?? Box(Readers(path: path))
        defer { idle.withLock { $0.append(box) } }
        return try body(box.readers)
    }
}
