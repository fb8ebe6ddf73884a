import CLibdw
import Dispatch
import KLPEngine

#if canImport(Glibc)
import Glibc
#endif

/// Where a symbol is defined in the source: a path relative to the kernel tree and the declaration line.
public struct SourcePlace: Sendable, Equatable, Hashable {
    public var path: String
    public var line: Int

    public init(path: String, line: Int) {
        self.path = path
        self.line = line
    }
}

/// Source places of an ELF file's symbols, read from its DWARF with elfutils (libdwfl applies an ET_REL
/// module's debug relocations; a vmlinux needs none). A symbol is matched to the function or variable DIE at its
/// address: a subprogram's DW_AT_low_pc, a variable's `DW_OP_addr` location. Clones (`.constprop.0`, `.isra.0`)
/// and out-of-line copies of inline functions name their origin through DW_AT_abstract_origin, which libdw's
/// integrating attribute lookups follow, so they get the origin's file and line. DWARF 4 and 5 units alike.
enum DwarfSymbolSources {
    /// Places by symbol-table index (the ELF index: 1 is the first symbol after the null entry). An empty result
    /// means the file has no DWARF. `jobs` threads each open the file and take every jobs-th unit (a vmlinux has
    /// thousands); libdw handles are not shared between threads. `expanded`: the contents of a compressed `path`,
    /// which the caller has already decompressed for the symbol-table scan (nil: `path` is a plain ELF file).
    static func read(path: String, expanded: [UInt8]? = nil, jobs: Int = 1) throws(DatabaseBuildError)
        -> [Int: SourcePlace]
    {
        // libdw.so.1 is opened here, on first use, not at every start of klp-convert (CLibdw).
        guard klp_libdw_load() != 0 else {
            throw DatabaseBuildError(path: path, line: nil, "cannot read DWARF: \(String(cString: klp_libdw_error()))")
        }
        guard let expanded else { return try readUncompressed(path: path, jobs: jobs) }
        // libdwfl decompresses some formats itself but not all (Debian's 0.188: no zstd): the expanded bytes are
        // handed over as an in-memory file.
        let fd = klp_memfd_create("klp-convert-dwarf")
        guard fd >= 0 else {
            throw DatabaseBuildError(path: path, line: nil, "cannot make an in-memory file for DWARF: \(errnoText())")
        }
        defer { close(fd) }
        if let failure = expanded.withUnsafeBytes({ FileIO.writeAll(fd, $0) }) {
            throw DatabaseBuildError(path: path, line: nil, "cannot write the in-memory file: \(failure)")
        }
        return try readUncompressed(path: "/proc/self/fd/\(fd)", jobs: jobs, messagePath: path)
    }

    private static func readUncompressed(path: String, jobs: Int, messagePath: String? = nil)
        throws(DatabaseBuildError) -> [Int: SourcePlace]
    {
        do {
            return try readWorkers(path: path, jobs: jobs)
        } catch {
            guard let messagePath else { throw error }
            throw DatabaseBuildError(path: messagePath, line: nil, error.message)
        }
    }

    private static func readWorkers(path: String, jobs: Int) throws(DatabaseBuildError) -> [Int: SourcePlace] {
        let workers = max(1, jobs)
        let parts = SharedWork<UnitScan>(count: workers, missing: "DWARF worker did not finish")
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            parts.store(
                Result { () throws(DatabaseBuildError) -> UnitScan in
                    try UnitScan.run(path: path, worker: worker, workers: workers)
                }, at: worker)
        }
        var scans: [UnitScan] = []
        for result in parts.take() { scans.append(try result.get()) }
        guard let first = scans.first, first.hasDwarf else { return [:] }
        return try match(path: path, scans: scans)
    }

    /// Looks every symbol's address up among the DIEs all workers found.
    private static func match(path: String, scans: [UnitScan]) throws(DatabaseBuildError) -> [Int: SourcePlace] {
        var byAddress: [UInt64: [UnitScan.Found]] = [:]
        var paths: [String] = []
        for scan in scans {
            let base = Int32(paths.count)
            paths += scan.paths
            for (address, found) in scan.byAddress {
                byAddress[address, default: []] += found.map { f in
                    var copy = f
                    copy.path += base
                    return copy
                }
            }
        }
        var session: OpaquePointer? = nil
        guard let module = klp_dwfl_report(&session, path) else {
            if let session { dwfl_end(session) }
            throw DatabaseBuildError(path: path, line: nil, "cannot read symbols for DWARF: \(libdwMessage())")
        }
        defer { dwfl_end(session) }
        var places: [Int: SourcePlace] = [:]
        let count = dwfl_module_getsymtab(module)
        guard count > 0 else { return [:] }
        for index in 1..<Int(count) {
            var symbol = GElf_Sym()
            var address: GElf_Addr = 0
            var shndx: GElf_Word = 0
            var bias: GElf_Addr = 0
            guard let name = dwfl_module_getsym_info(module, Int32(index), &symbol, &address, &shndx, nil, &bias)
            else { continue }
            let type = symbol.st_info & 0xf
            guard type == 1 || type == 2, symbol.st_shndx != 0 else { continue }  // STT_OBJECT, STT_FUNC
            guard let candidates = byAddress[address] else { continue }
            var chosen = candidates[0]
            if candidates.count > 1 {
                // Aliases at one address: prefer the DIE whose name is the symbol's up to a compiler suffix, then
                // the smallest path and line, so the result does not depend on how units were split among workers.
                let stem = String(
                    decoding: String(cString: name).utf8.prefix { $0 != UInt8(ascii: ".") },
                    as: UTF8.self)
                chosen = candidates.min { a, b in
                    if (a.name == stem) != (b.name == stem) { return a.name == stem }
                    let pa = paths[Int(a.path)], pb = paths[Int(b.path)]
                    if pa != pb { return pa.utf8.lexicographicallyPrecedes(pb.utf8) }
                    return a.line < b.line
                }!
            }
            places[index] = SourcePlace(path: paths[Int(chosen.path)], line: Int(chosen.line))
        }
        return places
    }

    static func libdwMessage() -> String {
        let error = dwfl_errno()
        if error != 0, let text = dwfl_errmsg(error) { return String(cString: text) }
        let dwarfError = dwarf_errno()
        if dwarfError != 0, let text = dwarf_errmsg(dwarfError) { return String(cString: text) }
        return "unknown libdw error"
    }
}

/// One worker's walk over its share of the compilation units.
private struct UnitScan: Sendable {
    struct Found: Sendable {
        var name: String
        var path: Int32
        var line: Int32
    }

    var hasDwarf = false
    /// DIE addresses in the Dwfl address space (DWARF address + bias), as dwfl_module_getsym_info reports them.
    var byAddress: [UInt64: [Found]] = [:]
    var paths: [String] = []
    private var pathIndex: [String: Int32] = [:]

    static func run(path: String, worker: Int, workers: Int) throws(DatabaseBuildError) -> UnitScan {
        var scan = UnitScan()
        var session: OpaquePointer? = nil
        guard let module = klp_dwfl_report(&session, path) else {
            if let session { dwfl_end(session) }
            throw DatabaseBuildError(
                path: path, line: nil, "cannot open for DWARF: \(DwarfSymbolSources.libdwMessage())")
        }
        defer { dwfl_end(session) }
        var bias: Dwarf_Addr = 0
        guard let dwarf = dwfl_module_getdwarf(module, &bias) else { return scan }
        scan.hasDwarf = true
        var unit: OpaquePointer? = nil
        var index = 0
        while true {
            var next: OpaquePointer? = nil
            var version: Dwarf_Half = 0
            var unitType: UInt8 = 0
            var unitDie = Dwarf_Die()
            let status = dwarf_get_units(dwarf, unit, &next, &version, &unitType, &unitDie, nil)
            if status != 0 {
                if status < 0 {
                    throw DatabaseBuildError(
                        path: path, line: nil,
                        "bad DWARF unit header: \(DwarfSymbolSources.libdwMessage())")
                }
                break
            }
            unit = next
            defer { index += 1 }
            guard index % workers == worker, unitType == UInt8(DW_UT_compile) || unitType == UInt8(DW_UT_partial)
            else { continue }
            var walk = UnitWalk(unitDie: unitDie, bias: bias)
            walk.children(of: &unitDie, into: &scan)
        }
        return scan
    }

    mutating func intern(_ path: String) -> Int32 {
        if let known = pathIndex[path] { return known }
        let index = Int32(paths.count)
        paths.append(path)
        pathIndex[path] = index
        return index
    }
}

/// The DIE walk of one compilation unit: file-scope functions and variables, and the static variables inside
/// functions (`__key.3`-style kallsyms names); types and parameters are skipped without descending.
private struct UnitWalk {
    let bias: Dwarf_Addr
    let directory: String?
    /// Tree-relative paths by the C string libdw returns (one per file of the unit's line table).
    var relative: [UnsafePointer<CChar>: Int32] = [:]

    init(unitDie: Dwarf_Die, bias: Dwarf_Addr) {
        var die = unitDie
        var attribute = Dwarf_Attribute()
        var directory: String? = nil
        if dwarf_attr(&die, UInt32(DW_AT_comp_dir), &attribute) != nil, let text = dwarf_formstring(&attribute) {
            directory = String(cString: text)
        }
        self.directory = directory
        self.bias = bias
    }

    mutating func children(of parent: inout Dwarf_Die, into scan: inout UnitScan) {
        var child = Dwarf_Die()
        guard dwarf_child(&parent, &child) == 0 else { return }
        repeat {
            switch Int(dwarf_tag(&child)) {
            case Int(DW_TAG_subprogram):
                var low: Dwarf_Addr = 0
                if dwarf_lowpc(&child, &low) == 0 { record(&child, address: low, into: &scan) }
                if dwarf_haschildren(&child) != 0 { children(of: &child, into: &scan) }
            case Int(DW_TAG_lexical_block):
                children(of: &child, into: &scan)
            case Int(DW_TAG_variable):
                if let address = staticAddress(&child) { record(&child, address: address, into: &scan) }
            default:
                break
            }
            var current = child
            guard dwarf_siblingof(&current, &child) == 0 else { break }
        } while true
    }

    /// A variable's address when its location is exactly one DW_OP_addr (statics and globals; not locals).
    private func staticAddress(_ die: inout Dwarf_Die) -> Dwarf_Addr? {
        var attribute = Dwarf_Attribute()
        guard dwarf_attr(&die, UInt32(DW_AT_location), &attribute) != nil else { return nil }
        var operations: UnsafeMutablePointer<Dwarf_Op>? = nil
        var count = 0
        guard dwarf_getlocation(&attribute, &operations, &count) == 0, count == 1, let operations,
            operations[0].atom == UInt8(DW_OP_addr)
        else { return nil }
        return operations[0].number
    }

    private mutating func record(_ die: inout Dwarf_Die, address: Dwarf_Addr, into scan: inout UnitScan) {
        var line: Int32 = 0
        guard dwarf_decl_line(&die, &line) == 0, line > 0, let file = dwarf_decl_file(&die) else { return }
        let path: Int32
        if let known = relative[file] {
            path = known
        } else {
            path = scan.intern(SourcePaths.treeRelative(String(cString: file), compilationDirectory: directory))
            relative[file] = path
        }
        var attribute = Dwarf_Attribute()
        var name = ""
        if dwarf_attr_integrate(&die, UInt32(DW_AT_name), &attribute) != nil, let text = dwarf_formstring(&attribute) {
            name = String(cString: text)
        }
        scan.byAddress[address &+ bias, default: []].append(UnitScan.Found(name: name, path: path, line: line))
    }
}

extension SymbolTableScan {
    /// True when the file carries DWARF (a `-dbg` vmlinux or module, a build tree's objects): then build-db reads
    /// source places; stripped distribution modules skip the libdw work entirely.
    var hasDebugInfo: Bool {
        sections.contains { $0.name == ".debug_info" && $0.type != SectionType.nobits && $0.size > 0 }
    }
}
