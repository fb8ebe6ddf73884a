/// The `-<file>` markers kept from symbols.klp, by id in the order they were added: a kept symbol line names its
/// file by id. Not interned: each marker starts a block of the file and is added once, by the first kept line of
/// that block, so a hash table would find nothing to share (in a targeted load, hashing and growing one for the
/// markers of ~20,000 kept lines took about 1 ms). A file named by two blocks is stored twice; reading the name
/// back is all a database does with it.
struct FileNames: Sendable {
    /// The names, back to back, in chunks: a full chunk is kept as it is and a new one begun, so adding a name
    /// never copies the ones stored before (doubling one array copied them into fresh pages each time, ~0.4 ms
    /// of a targeted load). A name (at most SymbolListParser.maximumLineLength bytes) always fits a new chunk.
    private var chunks: [[UInt8]] = []
    /// Per id: chunk << 40 | start in the chunk << 16 | length.
    private var places: [UInt64] = []
    private static let chunkSize = 1 << 16

    var count: Int { places.count }

    /// Adds the name at `pointer[0..<length]` and returns its id.
    mutating func add(_ pointer: UnsafeRawPointer, _ length: Int) -> Int32 {
        if chunks.isEmpty || chunks[chunks.count - 1].count + length > Self.chunkSize {
            var chunk: [UInt8] = []
            chunk.reserveCapacity(Self.chunkSize)
            chunks.append(chunk)
        }
        let last = chunks.count - 1
        let start = chunks[last].count
        chunks[last].append(contentsOf: UnsafeRawBufferPointer(start: pointer, count: length))
        places.append(UInt64(last) << 40 | UInt64(start) << 16 | UInt64(length))
        return Int32(places.count - 1)
    }

    func string(_ id: Int32) -> String {
        let place = places[Int(id)]
        let start = Int(truncatingIfNeeded: place >> 16 & 0xff_ffff)
        let length = Int(truncatingIfNeeded: place & 0xffff)
        return String(decoding: chunks[Int(place >> 40)][start..<(start + length)], as: UTF8.self)
    }
}
