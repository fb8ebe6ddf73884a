import Dispatch

// The database search index, built on another core while the database is parsed and the first frame is drawn;
// the database screen waits for it only if the user gets there first (about a tenth of a second on a full
// distribution database).

final class BackgroundIndex: @unchecked Sendable {
    private let group = DispatchGroup()
    // Written once by the builder before group.leave(); read only after group.wait(), which orders the two.
    private var built: DatabaseIndex?

    init(bytes: [UInt8]) {
        group.enter()
        DispatchQueue.global(qos: .userInitiated).async {
            self.built = DatabaseIndex(bytes: bytes)
            self.group.leave()
        }
    }

    init(ready: DatabaseIndex) {
        built = ready
    }

    /// The index, waiting for the builder if it has not finished.
    var index: DatabaseIndex {
        group.wait()
        guard let built else { preconditionFailure("BackgroundIndex: the builder left without an index") }
        return built
    }
}
