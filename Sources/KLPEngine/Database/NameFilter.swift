/// The `only:` set of a targeted load. Every line of symbols.klp is tested, so the test must be cheap: a table
/// of wanted lengths rejects most lines without touching their bytes, and the rest are looked up in a hash table
/// over the bytes (no per-line String, no ARC traffic). A linear scan of same-length names cost ~190 ns per
/// line with 1,000 wanted names; the hash lookup keeps a targeted load near the speed of reading the file.
struct NameFilter: Sendable {
    private let table: ByteNameTable
    /// `wantedLength[n]` is 1 when some wanted name is n bytes long.
    private let wantedLength: [UInt8]
    let names: Set<String>

    init(_ names: Set<String>) {
        self.names = names
        var table = ByteNameTable(expectedCount: names.count)
        var lengths = [UInt8](repeating: 0, count: (names.map { $0.utf8.count }.max() ?? 0) + 1)
        for name in names where !name.isEmpty {
            var name = name
            name.withUTF8 { utf8 in
                guard let base = utf8.baseAddress else { return }
                _ = table.intern(UnsafeRawPointer(base), utf8.count)
            }
            lengths[name.utf8.count] = 1
        }
        self.table = table
        wantedLength = lengths
    }

    @inline(__always)
    func contains(_ pointer: UnsafeRawPointer, _ length: Int) -> Bool {
        guard length < wantedLength.count, wantedLength[length] != 0 else { return false }
        return table.find(pointer, length) != nil
    }
}
