#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `only:` set of a targeted load, arranged so that a line is rejected by its length alone most of the
/// time: names are bucketed by byte length, and only lines of a wanted length are compared byte-wise.
struct NameFilter: Sendable {
    /// `buckets[length]` holds the wanted names of that length (as bytes).
    private let buckets: [[[UInt8]]]
    let names: Set<String>

    init(_ names: Set<String>) {
        self.names = names
        let longest = names.map { $0.utf8.count }.max() ?? 0
        var buckets = [[[UInt8]]](repeating: [], count: longest + 1)
        for name in names where !name.isEmpty {
            buckets[name.utf8.count].append(Array(name.utf8))
        }
        self.buckets = buckets
    }

    @inline(__always)
    func contains(_ pointer: UnsafeRawPointer, _ length: Int) -> Bool {
        guard length < buckets.count else { return false }
        let bucket = buckets[length]
        if bucket.isEmpty { return false }
        let first = pointer.load(as: UInt8.self)
        for candidate in bucket where candidate[0] == first {
            let equal = candidate.withUnsafeBytes { stored -> Bool in
                guard let base = stored.baseAddress else { return false }
                return memcmp(base, pointer, length) == 0
            }
            if equal { return true }
        }
        return false
    }
}
