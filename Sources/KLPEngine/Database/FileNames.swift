/// The `-<file>` markers kept from symbols.klp, by id in the order they were added: a kept symbol line names its
/// file by id. Not interned: each marker starts a block of the file and is added once, by the first kept line of
/// that block, so a hash table would find nothing to share (in a targeted load, hashing and growing one for the
/// markers of ~20,000 kept lines took about 1 ms). A file named by two blocks is stored twice; reading the name
/// back is all a database does with it.
struct FileNames: Sendable {
    /// Every name, in id order, back to back.
    private var bytes: [UInt8] = []
    /// Where name `id` ends in `bytes`; it starts where the one before ends.
    private var ends: [UInt32] = []

    var count: Int { ends.count }

    /// Adds the name at `pointer[0..<length]` and returns its id.
    mutating func add(_ pointer: UnsafeRawPointer, _ length: Int) -> Int32 {
        bytes.append(contentsOf: UnsafeRawBufferPointer(start: pointer, count: length))
        ends.append(UInt32(truncatingIfNeeded: bytes.count))
        return Int32(ends.count - 1)
    }

    func string(_ id: Int32) -> String {
        let end = Int(ends[Int(id)])
        let start = id == 0 ? 0 : Int(ends[Int(id) - 1])
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}
