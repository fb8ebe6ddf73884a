/// The symbols.klp database: which objects (vmlinux, modules) define which symbol names, at which kallsyms
/// position, and which names are exported by whom. Immutable after load; queries are O(1) per name plus the
/// number of candidates returned.
public final class SymbolDatabase: Sendable {
    public let path: String
    public let order: DatabaseOrder
    /// Why `order` was decided (header attribute, file marker, unsorted block, or everything name-sorted).
    public let orderReason: DatabaseOrderReason
    /// The `only:` set of a targeted load (nil for a full load): names outside it were validated, not kept.
    public let onlyNames: Set<String>?

    let contents: DatabaseContents
    let filter: NameFilter?

    init(path: String, contents: DatabaseContents, filter: NameFilter?) {
        self.path = path
        self.order = contents.order
        self.orderReason = contents.orderReason
        self.onlyNames = filter?.names
        self.contents = contents
        self.filter = filter
    }

    // MARK: Loading

    /// Reads symbols.klp at `path`, then each Module.symvers in `symvers` as further export sources.
    /// With `only`, keeps just those names (and their export markers) but still validates every line.
    public static func load(path: String, only names: Set<String>? = nil, symvers: [String] = [])
        throws(DatabaseError) -> SymbolDatabase
    {
        let filter = names.map(NameFilter.init)
        var contents = try InputFile.readDatabase(path, what: "Symbol list") {
            size, read throws(DatabaseError) in
            try SymbolListParser.parse(path: path, filter: filter, expectedBytes: size, read: read)
        }
        for symversPath in symvers {
            let symversFile = try InputFile.readDatabase(symversPath, what: "Module.symvers")
            try symversFile.withBytes { bytes throws(DatabaseError) in
                try ModuleSymversParser.addExports(from: bytes, path: symversPath, filter: filter, into: &contents)
            }
        }
        return SymbolDatabase(path: path, contents: contents, filter: filter)
    }

    /// Parses symbols.klp bytes already in memory; `path` is used in messages only.
    public static func parse(bytes: UnsafeRawBufferPointer, path: String, only names: Set<String>? = nil)
        throws(DatabaseError) -> SymbolDatabase
    {
        let filter = names.map(NameFilter.init)
        let contents = try SymbolListParser.parse(bytes, path: path, filter: filter)
        return SymbolDatabase(path: path, contents: contents, filter: filter)
    }

    public static func parse(bytes: [UInt8], path: String, only names: Set<String>? = nil)
        throws(DatabaseError) -> SymbolDatabase
    {
        let result: Result<SymbolDatabase, DatabaseError> = bytes.withUnsafeBytes { raw in
            Result { () throws(DatabaseError) -> SymbolDatabase in try parse(bytes: raw, path: path, only: names) }
        }
        return try result.get()
    }

    /// A copy of this database with the exports of a Module.symvers file added (filtered by `onlyNames`).
    public func addingExports(fromSymvers symversPath: String) throws(DatabaseError) -> SymbolDatabase {
        let file = try InputFile.readDatabase(symversPath, what: "Module.symvers")
        return try file.withBytes { bytes throws(DatabaseError) in
            try addingExports(fromSymversBytes: bytes, path: symversPath)
        }
    }

    /// As `addingExports(fromSymvers:)`, for Module.symvers bytes already in memory.
    public func addingExports(fromSymversBytes bytes: UnsafeRawBufferPointer, path symversPath: String)
        throws(DatabaseError) -> SymbolDatabase
    {
        var merged = contents
        try ModuleSymversParser.addExports(from: bytes, path: symversPath, filter: filter, into: &merged)
        return SymbolDatabase(path: path, contents: merged, filter: filter)
    }

    // MARK: Objects

    /// Objects of symbols.klp in file order, normalised (`-` -> `_`), each once.
    public var objectNames: [String] { Array(contents.objects.names.prefix(contents.fileObjectCount)) }

    /// Whether symbols.klp has a block for `object` (`-` and `_` are equivalent, as in kbuild module names).
    public func hasObject(_ object: String) -> Bool {
        objectIndex(object) != nil
    }

    func objectIndex(_ object: String) -> Int32? {
        guard let index = contents.objects.find(KLPNames.normalizeObject(object)),
            Int(index) < contents.fileObjectCount
        else { return nil }
        return index
    }

    // MARK: Symbols

    /// Number of symbol lines kept (export markers are not symbols).
    public var symbolCount: Int { contents.symbols.count }

    /// Every line naming `name`, in all objects, in file order.
    ///
    /// Positions follow line order. In a `.nameSorted` database that order means nothing for homonyms (nm sorted
    /// them by name): there, only `copiesInObject` is reliable, for checking a given position (DECISIONS 1).
    public func candidates(named name: String) -> [DatabaseCandidate] {
        guard let id = contents.symbols.names.find(name) else { return [] }
        return chain(from: contents.symbols.nameHead[Int(id)], name: name, object: nil)
    }

    /// The lines naming `name` in one object, in file order (their positions are 0, or 1...k).
    public func candidates(named name: String, in object: String) -> [DatabaseCandidate] {
        guard let id = contents.symbols.names.find(name), let owner = objectIndex(object) else { return [] }
        return chain(from: contents.symbols.nameHead[Int(id)], name: name, object: owner)
    }

    /// How many lines name `name` in `object`, without building candidates (v7's `valid_sympos` count).
    public func copies(of name: String, in object: String) -> Int {
        guard let id = contents.symbols.names.find(name), let owner = objectIndex(object) else { return 0 }
        var record = contents.symbols.nameHead[Int(id)]
        while record >= 0 {
            if contents.symbols.object[Int(record)] == owner { return Int(contents.symbols.copies[Int(record)]) }
            record = contents.symbols.nextSameName[Int(record)]
        }
        return 0
    }

    private func chain(from head: Int32, name: String, object: Int32?) -> [DatabaseCandidate] {
        var result: [DatabaseCandidate] = []
        var record = head
        while record >= 0 {
            if object == nil || contents.symbols.object[Int(record)] == object {
                result.append(candidate(record: Int(record), name: name))
            }
            record = contents.symbols.nextSameName[Int(record)]
        }
        return result
    }

    func candidate(record: Int, name: String? = nil) -> DatabaseCandidate {
        let symbols = contents.symbols
        let fileIndex = symbols.file[record]
        return DatabaseCandidate(
            object: contents.objects.names[Int(symbols.object[record])],
            name: name ?? symbols.names.string(symbols.name[record]),
            position: Int(symbols.position[record]),
            copiesInObject: Int(symbols.copies[record]),
            file: fileIndex < 0 ? nil : contents.files.string(fileIndex),
            line: Int(symbols.line[record]))
    }

    // MARK: Exports

    /// True if some object (symbols.klp marker or Module.symvers line) exports `name`.
    public func isExported(_ name: String) -> Bool {
        contents.exports.names.find(name) != nil
    }

    /// The objects exporting `name`: "vmlinux" and/or module names, in the order first seen.
    public func exportingObjects(of name: String) -> [String] {
        contents.exports.owners(of: name).map { contents.objects.names[Int($0)] }
    }

    /// True if vmlinux exports `name`: then a normal relocation resolves it at load time (DECISIONS 4).
    public func isExportedByVmlinux(_ name: String) -> Bool {
        guard let vmlinux = contents.objects.find("vmlinux") else { return false }
        return contents.exports.owners(of: name).contains(vmlinux)
    }
}
