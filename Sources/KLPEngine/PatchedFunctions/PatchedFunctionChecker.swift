/// Checks the other half of a livepatch against symbols.klp (DECISIONS 8): every `klp_func` names a function by
/// `old_name` in the object of its `klp_object`, and by `old_sympos` when the name has copies there. The kernel
/// decides this only when the patch is enabled (`klp_find_object_symbol()` in kernel/livepatch/core.c) and
/// refuses it then; this says the same before the module is built or loaded.
///
/// Layouts: the tables are read by `PatchTargets` through their relocations; only the first fields of each
/// struct are used (`klp_func`: old_name, new_func, old_sympos at 0, w, 2w; `klp_object`: name, funcs at 0, w;
/// `klp_patch`: mod, objs at 0, w; w = pointer size), which include/linux/livepatch.h keeps unchanged from 4.4
/// through 6.1 and 6.12. They are read for the machines whose module rules the engine knows (DECISIONS 10);
/// another machine is refused with an error rather than read by guess.
public struct PatchedFunctionChecker: Sendable {
    public static let supportedMachines: [Machine] = ArchitectureRules.supportedMachines

    public let database: SymbolDatabase

    public init(database: SymbolDatabase) {
        self.database = database
    }

    public struct Result: Sendable, Equatable {
        public var functions: [PatchedFunctionStatus] = []
        public var diagnostics: [Diagnostic] = []
    }

    /// `targets`: the patch's tables when the caller has read them already (the CLI needs them before planning).
    public func check(_ elf: ELFObject, targets known: PatchTargets? = nil) -> Result {
        var result = Result()
        guard Self.supportedMachines.contains(elf.header.machine) else {
            let names = Self.supportedMachines.map(\.shortName).joined(separator: ", ")
            result.diagnostics.append(
                Diagnostic(
                    .error,
                    "patched functions not checked: the klp_patch/klp_object/klp_func layout is not known for "
                        + "\(elf.header.machine.shortName) (supported: \(names))"))
            return result
        }
        let targets = known ?? PatchTargets.read(elf)
        guard !targets.functions.isEmpty else {
            if Self.isLivepatch(elf) {
                result.diagnostics.append(
                    Diagnostic(
                        .note,
                        "patched functions not checked: no klp_patch -> klp_object -> klp_func table found "
                            + "(a klp_patch whose .mod is THIS_MODULE, filled by relocations)"))
            }
            return result
        }
        let names = Set(targets.functions.map(\.name))
        let lookup: SymbolDatabase
        do {
            lookup = try databaseHolding(names)
        } catch {
            result.diagnostics.append(Diagnostic(.error, "patched functions not checked: \(error)"))
            return result
        }
        var reportedObjects: Set<String> = []
        var fullDatabase: SymbolDatabase?? = nil
        for function in targets.functions {
            var status = PatchedFunctionStatus(
                function: function, verdict: .ok, objectKnown: lookup.hasObject(function.object),
                copies: lookup.candidates(named: function.name, in: function.object), nearestNames: [])
            let at = Diagnostic.Location(object: function.object)
            guard status.objectKnown else {
                status.verdict = .missing
                result.functions.append(status)
                if reportedObjects.insert(function.object).inserted {
                    result.diagnostics.append(unknownObject(function, database: lookup))
                }
                continue
            }
            let count = status.copies.count
            let p = function.position
            let head = "patched function \(function.name) (klp_func \(status.place))"
            let listing = { Self.copyLines(status.copies, of: function, order: lookup.order) }
            if count == 0 {
                status.verdict = .missing
                if fullDatabase == nil { fullDatabase = .some(try? wholeDatabase()) }
                if let full = fullDatabase ?? nil {
                    status.nearestNames = NearestNames.names(
                        near: function.name, inObject: function.object, database: full)
                }
                let nearest =
                    status.nearestNames.isEmpty
                    ? "" : " (nearest: \(status.nearestNames.joined(separator: ", ")))"
                result.diagnostics.append(
                    Diagnostic(
                        .error,
                        "\(head): \(function.object) has no symbol \(function.name)\(nearest); the kernel refuses "
                            + "the patch (symbol '\(function.name)' not found in symbol table)", at: at))
            } else if p == 0 && count > 1 {
                status.verdict = .ambiguous
                result.diagnostics.append(
                    Diagnostic(
                        .error,
                        "\(head): old_sympos is 0 but \(function.object) has \(count) copies; the kernel refuses "
                            + "the patch (unresolvable ambiguity for symbol '\(function.name)'); set "
                            + ".old_sympos = 1..\(count) for the copy you mean", at: at, detail: listing()))
            } else if p > count {
                status.verdict = .invalid
                let valid = count == 1 ? "0 (unique)" : "1..\(count)"
                result.diagnostics.append(
                    Diagnostic(
                        .error,
                        "\(head): old_sympos is \(p) but \(function.object) has \(count) "
                            + "\(count == 1 ? "copy" : "copies") (valid: \(valid)); the kernel refuses the patch "
                            + "(symbol position \(p) for symbol '\(function.name)' in object "
                            + "'\(function.object)' not found)", at: at, detail: listing()))
            } else if lookup.order == .nameSorted && count > 1 {
                result.diagnostics.append(
                    Diagnostic(
                        .note,
                        "\(head): old_sympos \(p) of \(count) copies: symbols.klp is name-sorted (nm output), so "
                            + "it can check that the copies exist but not which copy is position \(p)", at: at))
            }
            result.functions.append(status)
        }
        return result
    }

    /// A module symbols.klp does not know may be loaded after the patch (the livepatch core patches it then):
    /// a warning. vmlinux is always there: an error.
    private func unknownObject(_ function: PatchedFunction, database: SymbolDatabase) -> Diagnostic {
        if function.object == "vmlinux" {
            return Diagnostic(
                .error,
                "patched function \(function.name): symbols.klp has no vmlinux block, so no patched vmlinux "
                    + "function can be checked (build it with build-db --vmlinux, --system-map or --kallsyms)",
                at: .init(object: "vmlinux"))
        }
        return Diagnostic(
            .warning,
            "patched object \(function.object) is not in symbols.klp: its functions (\(function.name), ...) are "
                + "not checked; a module the database does not know may be loaded later (add its .ko to "
                + "build-db --modules to check it)", at: .init(object: function.object))
    }

    /// The database if it holds every name (a full load, or a targeted one that asked for them), else a targeted
    /// load of the names from the same file.
    private func databaseHolding(_ names: Set<String>) throws(DatabaseError) -> SymbolDatabase {
        guard let only = database.onlyNames, !names.isSubset(of: only) else { return database }
        return try SymbolDatabase.load(path: database.path, only: names)
    }

    /// Every name, for the nearest names of a missing function: read only on that error path.
    private func wholeDatabase() throws(DatabaseError) -> SymbolDatabase {
        database.onlyNames == nil ? database : try SymbolDatabase.load(path: database.path)
    }

    /// The copies as the values `.old_sympos` can take, with their source files: what to write in the entry.
    static func copyLines(_ copies: [DatabaseCandidate], of function: PatchedFunction, order: DatabaseOrder)
        -> [String]
    {
        let orderNote =
            order == .kallsyms
            ? "kallsyms order" : "symbols.klp is name-sorted: which copy is which position is unknown"
        var lines = ["Copies of \(function.name) in \(function.object) (\(orderNote)):"]
        for copy in copies { lines.append(OldSymposEdit.line(position: copy.position, place: copy.file)) }
        return lines
    }

    static func isLivepatch(_ elf: ELFObject) -> Bool { LivepatchChecker.marksLivepatch(elf) == true }
}
