import Dispatch
import KLPEngine

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What to build symbols.klp from. Any combination; vmlinux comes from the best source given (a vmlinux ELF, then
/// System.map, then a kallsyms dump), each module from its file when there is one, else from the kallsyms dump.
public struct DatabaseBuildInputs: Sendable {
    public var vmlinux: String?
    /// Module files or folders (searched for .ko, .ko.xz, .ko.zst, .ko.gz).
    public var modules: [String]
    public var kallsyms: String?
    public var systemMap: String?
    public var symvers: [String]
    public var rules: KernelRules
    /// Worker threads for module files (at least 1).
    public var jobs: Int

    public init(
        vmlinux: String? = nil, modules: [String] = [], kallsyms: String? = nil, systemMap: String? = nil,
        symvers: [String] = [], rules: KernelRules = KernelRules(), jobs: Int = 2
    ) {
        self.vmlinux = vmlinux
        self.modules = modules
        self.kallsyms = kallsyms
        self.systemMap = systemMap
        self.symvers = symvers
        self.rules = rules
        self.jobs = jobs
    }
}

public struct DatabaseBuildResult: Sendable {
    public var database: BuiltDatabase
    public var bytes: [UInt8]
    public var issues: [BuildIssue]
    /// Module files found and read successfully (livepatch modules included).
    public var moduleFilesRead: Int
    public var moduleFilesFound: Int

    /// True when some input was skipped: the CLI's exit status 2.
    public var somethingSkipped: Bool { issues.contains { $0.kind == .skipped } }
}

/// Builds an ordered symbols.klp (DECISIONS 1) from kernel artifacts. Pure apart from reading the inputs: the
/// caller writes `bytes` where it wants.
public enum DatabaseBuilder {
    /// Builds the database. A single-file input that cannot be read (vmlinux, System.map, kallsyms dump,
    /// Module.symvers) is an error; a module file that cannot be read is an issue of kind `.skipped`.
    /// `progress(done, total)` is called from worker threads after each module file.
    public static func build(
        _ inputs: DatabaseBuildInputs,
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) throws(DatabaseBuildError)
        -> DatabaseBuildResult
    {
        guard inputs.vmlinux != nil || !inputs.modules.isEmpty || inputs.kallsyms != nil || inputs.systemMap != nil
        else {
            throw DatabaseBuildError(
                path: "build-db", line: nil,
                "no inputs: give --vmlinux, --modules, --kallsyms or --system-map")
        }
        var issues: [BuildIssue] = []
        var objects: [String: BuiltObject] = [:]

        // vmlinux: the most informative source wins; the others are noted as unused.
        var dump: KallsymsDump? = nil
        if let path = inputs.kallsyms { dump = try KallsymsDump.parse(try readText(path), path: path) }
        if let path = inputs.vmlinux {
            let object = try readVmlinux(path: path, rules: inputs.rules, jobs: inputs.jobs)
            objects["vmlinux"] = object
            for note in object.notes { issues.append(BuildIssue(.note, path: path, note)) }
            for other in [inputs.systemMap, inputs.kallsyms].compactMap({ $0 }) {
                issues.append(BuildIssue(.note, path: other, "vmlinux symbols taken from \(path) instead"))
            }
        } else if let path = inputs.systemMap {
            let candidates = try VmlinuxSymbols.fromSystemMap(try readText(path), path: path)
            objects["vmlinux"] = VmlinuxSymbols.order(candidates, rules: inputs.rules, source: path)
            if let other = inputs.kallsyms {
                issues.append(BuildIssue(.note, path: other, "vmlinux symbols taken from \(path) instead"))
            }
        } else if let dump, !dump.vmlinux.symbols.isEmpty {
            objects["vmlinux"] = dump.vmlinux
        }

        // Module files, in parallel.
        let (files, problems) = ModuleFiles.collect(inputs.modules)
        issues += problems
        let readings = readModules(files, rules: inputs.rules, jobs: inputs.jobs, progress: progress)
        var read = 0
        var fromFile: [String: String] = [:]
        var livepatchNames: Set<String> = []
        for (path, reading) in zip(files, readings) {
            switch reading {
            case .failure(let error):
                issues.append(BuildIssue(.skipped, path: path, "skipped: \(error.message)"))
            case .success(.livepatch(let name)):
                read += 1
                livepatchNames.insert(name)
                issues.append(BuildIssue(.note, path: path, "livepatch module \(name) left out (modinfo livepatch)"))
            case .success(.module(let object)):
                read += 1
                if object.name == "vmlinux" {
                    issues.append(BuildIssue(.skipped, path: path, "skipped: a module cannot be named vmlinux"))
                } else if let first = fromFile[object.name] {
                    issues.append(
                        BuildIssue(
                            .skipped, path: path,
                            "skipped: module \(object.name) was already read from \(first)"))
                } else {
                    fromFile[object.name] = path
                    objects[object.name] = object
                    for note in object.notes { issues.append(BuildIssue(.note, path: path, note)) }
                }
            }
        }
        if let dump {
            // A module file says more than the dump: its block wins, and its livepatch tag keeps the dump's
            // copy out too.
            for module in dump.modules where objects[module.name] == nil && !livepatchNames.contains(module.name) {
                objects[module.name] = module
            }
            for name in dump.livepatchModules {
                issues.append(
                    BuildIssue(
                        .note, path: inputs.kallsyms ?? "kallsyms",
                        "livepatch module \(name) left out (it lists undefined symbols)"))
            }
        }

        // Exports from Module.symvers: added to their object, or to an export-only block.
        for path in inputs.symvers {
            for (object, names) in try SymversExports.parse(try readText(path), path: path) {
                objects[object, default: BuiltObject(name: object, source: path)].exports.formUnion(names)
            }
        }
        guard !objects.isEmpty else {
            throw DatabaseBuildError(path: "build-db", line: nil, "no object could be read from the inputs")
        }

        let database = BuiltDatabase(objects: Array(objects.values))
        let (bytes, unwritable) = DatabaseWriter.render(database)
        for name in unwritable {
            issues.append(BuildIssue(.note, path: "symbols.klp", "symbol name left out, it cannot be a line: \(name)"))
        }
        return DatabaseBuildResult(
            database: database, bytes: bytes, issues: issues, moduleFilesRead: read,
            moduleFilesFound: files.count)
    }

    /// One module file (compressed or not): the symbols its kernel keeps, or that it is a livepatch module.
    public static func readModule(path: String, rules: KernelRules = KernelRules()) throws(DatabaseBuildError)
        -> ModuleReading
    {
        let (scan, expanded) = try scanELF(path: path)
        guard scan.fileType == .rel else {
            throw DatabaseBuildError(
                path: path, line: nil,
                "not a kernel module: ELF type \(scan.fileType), expected ET_REL")
        }
        // Only a module that says it is a livepatch is left unread; DWARF only when the file has it.
        let modinfo = ModuleInfo(scan)
        let (places, dwarfProblem) =
            scan.hasDebugInfo && !modinfo.isLivepatch
            ? sourcePlaces(path: path, expanded: expanded, jobs: 1) : ([:], nil)
        let reading = ModuleSymbols.read(
            scan, modinfo: modinfo, fallbackName: ModuleFiles.fallbackName(path), rules: rules,
            places: places)
        guard let dwarfProblem, case .module(var object) = reading else { return reading }
        object.notes.append(dwarfProblem)
        return .module(object)
    }

    /// DWARF source places of a module or vmlinux, and the note to give when they cannot be read. Unreadable DWARF
    /// costs the object its source places, never its block: positions come from the symbol table, and a kernel
    /// developer would rather have every position and the symbol-table files than no symbols.klp at all.
    private static func sourcePlaces(path: String, expanded: [UInt8]?, jobs: Int)
        -> (places: [Int: SourcePlace], problem: String?)
    {
        do {
            return (try DwarfSymbolSources.read(path: path, expanded: expanded, jobs: jobs), nil)
        } catch {
            return ([:], "DWARF not read, symbol-table files kept: \(error.message)")
        }
    }

    /// The vmlinux block from a linked vmlinux (compressed or not). DWARF that cannot be read is a note in the
    /// block's `notes`, as for a module. `jobs` threads read its DWARF, when it has some (a -dbg vmlinux has ~174 MB of .debug_info).
    public static func readVmlinux(path: String, rules: KernelRules = KernelRules(), jobs: Int = 1)
        throws(DatabaseBuildError) -> BuiltObject
    {
        let (scan, expanded) = try scanELF(path: path)
        guard scan.fileType == .exec || scan.fileType == .dyn else {
            throw DatabaseBuildError(
                path: path, line: nil,
                "not a linked vmlinux: ELF type \(scan.fileType), expected ET_EXEC")
        }
        let (places, dwarfProblem) =
            scan.hasDebugInfo ? sourcePlaces(path: path, expanded: expanded, jobs: jobs) : ([:], nil)
        var object = VmlinuxSymbols.fromELF(scan, rules: rules, places: places)
        if let dwarfProblem { object.notes.append(dwarfProblem) }
        return object
    }

    // MARK: helpers

    private static func readBytes(_ path: String) throws(DatabaseBuildError) -> [UInt8] {
        do {
            return try InputFile.readArray(path)
        } catch {
            throw DatabaseBuildError(path: path, line: nil, error.description)
        }
    }

    private static func readText(_ path: String) throws(DatabaseBuildError) -> [UInt8] {
        try Decompression.expand(try readBytes(path), path: path)
    }

    /// Scans an ELF file: mapped when it is not compressed (a vmlinux is hundreds of MB, of which the symbol
    /// table is a few), decompressed into memory when it is. The decompressed bytes are returned too, so that
    /// DWARF is read from them rather than from a second decompression of the file.
    private static func scanELF(path: String) throws(DatabaseBuildError)
        -> (scan: SymbolTableScan, expanded: [UInt8]?)
    {
        let file: InputFile
        do {
            file = try InputFile.map(path)
        } catch {
            throw DatabaseBuildError(path: path, line: nil, error.description)
        }
        guard file.count > 0 else { throw DatabaseBuildError(path: path, line: nil, "the file is empty") }
        let expanded = try file.withBytes { raw throws(DatabaseBuildError) -> [UInt8]? in
            Decompression.format(of: raw) != nil ? try Decompression.expand(Array(raw), path: path) : nil
        }
        let result: Result<SymbolTableScan, DatabaseBuildError>
        if let expanded {
            result = expanded.withUnsafeBytes { bytes in
                Result { () throws(DatabaseBuildError) -> SymbolTableScan in try scan(bytes, path: path) }
            }
        } else {
            result = file.withBytes { raw in
                Result { () throws(DatabaseBuildError) -> SymbolTableScan in try scan(raw, path: path) }
            }
        }
        return (try result.get(), expanded)
    }

    private static func scan(_ raw: UnsafeRawBufferPointer, path: String) throws(DatabaseBuildError) -> SymbolTableScan
    {
        do {
            return try SymbolTableScan(raw: raw, path: path)
        } catch {
            let place = error.place.map { "\($0): " } ?? ""
            throw DatabaseBuildError(path: path, line: nil, place + error.message)
        }
    }

    /// Reads module files on `jobs` threads; each worker takes the next file from a shared counter, so a few
    /// large modules do not leave a thread idle. Results keep the order of `files`.
    private static func readModules(
        _ files: [String], rules: KernelRules, jobs: Int,
        progress: (@Sendable (Int, Int) -> Void)?
    )
        -> [Result<ModuleReading, DatabaseBuildError>]
    {
        let shared = SharedWork<ModuleReading>(count: files.count, missing: "not read")
        let workers = max(1, min(jobs, files.count))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let index = shared.nextIndex() {
                let result = Result { () throws(DatabaseBuildError) -> ModuleReading in
                    try readModule(path: files[index], rules: rules)
                }
                let finished = shared.store(result, at: index)
                progress?(finished, files.count)
            }
        }
        return shared.take()
    }
}
