/// Symbol lines waiting to be stored, in batches: hashing a batch and touching each line's hash slot first lets
/// the CPU overlap the cache misses of the whole batch, instead of stalling once per line inside `intern`.
/// Parser-local scratch space (it holds pointers into the file's bytes), never stored in the database.
struct PendingSymbols {
    static let capacity = 64
    private var pointers = [UnsafeRawPointer?](repeating: nil, count: capacity)
    private var lengths = [Int](repeating: 0, count: capacity)
    private var hashes = [UInt64](repeating: 0, count: capacity)
    private var objects = [Int32](repeating: 0, count: capacity)
    private var files = [Int32](repeating: 0, count: capacity)
    private var lines = [Int32](repeating: 0, count: capacity)
    private(set) var count = 0

    var isFull: Bool { count == Self.capacity }

    mutating func add(_ pointer: UnsafeRawPointer, _ length: Int, object: Int32, file: Int32, line: Int32) {
        pointers[count] = pointer
        lengths[count] = length
        objects[count] = object
        files[count] = file
        lines[count] = line
        count += 1
    }

    mutating func flush(into records: inout SymbolRecords) {
        for index in 0..<count {
            guard let pointer = pointers[index] else { continue }
            hashes[index] = ByteNameTable.hash(pointer, lengths[index])
        }
        // A separate, branch-free loop: hashing mispredicts at every length, which would cancel loads issued
        // after it; here all the slot loads can be in flight together.
        var warmth: UInt64 = 0
        for index in 0..<count {
            warmth ^= records.names.warm(hashes[index])
        }
        records.warmth ^= warmth
        for index in 0..<count {
            guard let pointer = pointers[index] else { continue }
            records.append(
                pointer, lengths[index], hash: hashes[index], object: objects[index], file: files[index],
                line: lines[index])
        }
        count = 0
    }
}
