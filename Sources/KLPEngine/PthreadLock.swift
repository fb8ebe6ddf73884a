#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A pthread mutex for the package's threads (build-db's workers, its progress line). Not Synchronization's
/// Mutex, which needs macOS 15 while the package declares macOS 13, and not Foundation's NSLock (no Foundation in
/// the engine).
package final class PthreadLock: @unchecked Sendable {
    private var mutex = pthread_mutex_t()

    package init() { pthread_mutex_init(&mutex, nil) }

    deinit { pthread_mutex_destroy(&mutex) }

    package func locked<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return body()
    }
}
