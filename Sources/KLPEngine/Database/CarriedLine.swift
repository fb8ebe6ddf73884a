/// A line the symbols.klp parser still needs after the piece of the file holding it is reused (the current
/// `-<file>` marker, the previous symbol line): a pointer into the piece while it lasts, then a copy in storage
/// owned here (at most SymbolListParser.maximumLineLength bytes, allocated once). A class, so that the storage
/// is freed once, however the parse ends.
final class CarriedLine {
    private(set) var bytes: UnsafeRawPointer?
    private(set) var length = 0
    private var storage: UnsafeMutableRawPointer?

    func point(at line: UnsafeRawPointer, _ count: Int) {
        bytes = line
        length = count
    }

    func clear() {
        bytes = nil
        length = 0
    }

    /// Copies the line out of the piece, unless it is already in the own storage.
    func detach() {
        guard let line = bytes, line != UnsafeRawPointer(storage) else { return }
        if storage == nil {
            storage = .allocate(byteCount: SymbolListParser.maximumLineLength, alignment: 8)
        }
        storage!.copyMemory(from: line, byteCount: length)
        bytes = UnsafeRawPointer(storage)
    }

    deinit {
        storage?.deallocate()
    }
}
