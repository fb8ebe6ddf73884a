import KLPEngine

extension SymbolTableScan {
    /// Calls `body` for every symbol that is not an STT_FILE entry, in table order, with its symbol-table offset
    /// (the null entry left out, so ELF index = offset + 1) and the source file of the STT_FILE run it is in.
    ///
    /// The rule of an ELF symbol table (and of kallsyms' file attribution): an STT_FILE symbol names the file of
    /// the local symbols after it; globals follow all locals, so for them the run no longer says where they come
    /// from and the file is nil. One place for vmlinux and modules alike.
    func forEachSymbolWithSourceFile(_ body: (_ offset: Int, _ symbol: Entry, _ file: String?) -> Void) {
        var file: String? = nil
        for (offset, symbol) in symbols.enumerated() {
            if symbol.type == .file {
                file = symbol.name.isEmpty ? nil : symbol.name
                continue
            }
            if symbol.binding != .local { file = nil }
            body(offset, symbol, file)
        }
    }
}
