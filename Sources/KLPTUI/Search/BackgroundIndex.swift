import Dispatch
import KLPEngine

// The database search index, built from the parsed database on another core while the livepatch is read,
// planned and the first frame drawn; the database screen waits for it only if the user gets there first.

final class BackgroundIndex: @unchecked Sendable {
    private let group = DispatchGroup()
    // Written once by the builder before group.leave(); read only after group.wait(), which orders the two.
    private var built: DatabaseIndex?

    init(database: SymbolDatabase) {
        group.enter()
        DispatchQueue.global(qos: .userInitiated).async {
            self.built = DatabaseIndex(database: database)
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
