import KLPEngine

/// Work shared by build-db's threads (the module readers, the DWARF workers): the next index to take, and one
/// result slot per index, under one PthreadLock.
final class SharedWork<Value>: @unchecked Sendable {
    private let lock = PthreadLock()
    private var next = 0
    private var finished = 0
    private var slots: [Result<Value, DatabaseBuildError>?]
    /// What an index whose result never came is reported as.
    private let missing: String

    init(count: Int, missing: String) {
        slots = Array(repeating: nil, count: count)
        self.missing = missing
    }

    func nextIndex() -> Int? {
        lock.locked {
            guard next < slots.count else { return nil }
            next += 1
            return next - 1
        }
    }

    /// Stores a result; returns how many indices are finished.
    @discardableResult
    func store(_ result: Result<Value, DatabaseBuildError>, at index: Int) -> Int {
        lock.locked {
            slots[index] = result
            finished += 1
            return finished
        }
    }

    func take() -> [Result<Value, DatabaseBuildError>] {
        lock.locked { slots.map { $0 ?? .failure(DatabaseBuildError(path: "?", line: nil, missing)) } }
    }
}
