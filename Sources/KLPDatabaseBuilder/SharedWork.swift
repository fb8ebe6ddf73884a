#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Work shared by build-db's threads (the module readers, the DWARF workers): the next index to take, and one
/// result slot per index. A pthread mutex rather than Synchronization's Mutex/Atomic, which need macOS 15 while
/// the package declares macOS 13.
final class SharedWork<Value>: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private var next = 0
    private var finished = 0
    private var slots: [Result<Value, DatabaseBuildError>?]
    /// What an index whose result never came is reported as.
    private let missing: String

    init(count: Int, missing: String) {
        slots = Array(repeating: nil, count: count)
        self.missing = missing
        pthread_mutex_init(&mutex, nil)
    }

    deinit { pthread_mutex_destroy(&mutex) }

    private func locked<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return body()
    }

    func nextIndex() -> Int? {
        locked {
            guard next < slots.count else { return nil }
            next += 1
            return next - 1
        }
    }

    /// Stores a result; returns how many indices are finished.
    @discardableResult
    func store(_ result: Result<Value, DatabaseBuildError>, at index: Int) -> Int {
        locked {
            slots[index] = result
            finished += 1
            return finished
        }
    }

    func take() -> [Result<Value, DatabaseBuildError>] {
        locked { slots.map { $0 ?? .failure(DatabaseBuildError(path: "?", line: nil, missing)) } }
    }
}
