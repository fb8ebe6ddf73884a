import KLPEngine

// Chooses the symbols a synthetic livepatch leaves undefined, from the database it will be converted against,
// so that the conversion succeeds and exercises every path a real patch takes: names vmlinux exports (left to
// the module loader), names with one definition (resolved automatically), and homonyms that need a
// KLP_MODULE_RELOC/KLP_SYMPOS annotation.

/// One undefined symbol of the livepatch and how it resolves.
struct LivepatchTarget: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// Exported by vmlinux: stays an ordinary relocation.
        case exported
        /// Defined once in `object`: converted without an annotation.
        case unique(object: String)
        /// Several definitions: the patch annotates (object, position).
        case annotated(object: String, position: Int)
    }
    var name: String
    var kind: Kind

    /// The object the symbol belongs to ("vmlinux" for exports).
    var object: String {
        switch kind {
        case .exported: "vmlinux"
        case .unique(let object), .annotated(let object, _): object
        }
    }
}

enum LivepatchTargetPicker {
    /// Pools of candidate names, in database order.
    private struct Pools {
        var exported: [String] = []
        var vmlinuxUnique: [String] = []
        var vmlinuxHomonyms: [(name: String, copies: Int)] = []
        /// Per module: unique names and (homonym, copies in that module).
        var moduleUnique: [String: [String]] = [:]
        var moduleHomonyms: [String: [(name: String, copies: Int)]] = [:]
        var moduleOrder: [String] = []
    }

    /// The targets for `shape`; fewer homonyms than asked are made up with unique vmlinux names, so the number
    /// of distinct symbols is always `shape.distinctSymbols` when the database has enough names.
    static func pick(_ shape: SyntheticLivepatch.Shape, from database: SymbolDatabase)
        -> (targets: [LivepatchTarget], modules: [String])
    {
        let pools = collect(database)
        // Modules with enough names of both kinds come first, so the patch's module part looks like a real one.
        // Ties keep database order, so the choice does not depend on the sort algorithm.
        struct Candidate {
            let index: Int
            let name: String
            let homonyms: Int
        }
        var candidates: [Candidate] = []
        for (index, name) in pools.moduleOrder.enumerated() where (pools.moduleUnique[name]?.count ?? 0) >= 8 {
            candidates.append(Candidate(index: index, name: name, homonyms: pools.moduleHomonyms[name]?.count ?? 0))
        }
        candidates.sort { $0.homonyms != $1.homonyms ? $0.homonyms > $1.homonyms : $0.index < $1.index }
        let modules = candidates.prefix(shape.modules).map(\.name)
        var targets: [LivepatchTarget] = []
        var used = Set<String>()
        func take(_ name: String, _ kind: LivepatchTarget.Kind) {
            guard used.insert(name).inserted else { return }
            targets.append(LivepatchTarget(name: name, kind: kind))
        }

        for name in spread(pools.exported, shape.exported) { take(name, .exported) }
        var homonyms = 0
        for (name, copies) in spread(pools.vmlinuxHomonyms, shape.vmlinuxHomonyms) {
            take(name, .annotated(object: "vmlinux", position: 1 + (name.utf8.count * 7) % copies))
            homonyms += 1
        }
        let perModule = modules.isEmpty ? 0 : shape.moduleUnique / modules.count
        let homonymsPerModule = modules.isEmpty ? 0 : shape.moduleHomonyms / modules.count
        var moduleNames = 0
        for module in modules {
            for name in spread(pools.moduleUnique[module] ?? [], perModule) {
                take(name, .unique(object: module))
                moduleNames += 1
            }
            // A homonym can be annotated once only: skip names another module or vmlinux already uses.
            let free = (pools.moduleHomonyms[module] ?? []).filter { !used.contains($0.name) }
            for (name, copies) in spread(free, homonymsPerModule) {
                take(name, .annotated(object: module, position: copies == 1 ? 0 : 1 + name.utf8.count % copies))
                homonyms += 1
            }
        }
        let rest = shape.distinctSymbols - targets.count
        for name in spread(pools.vmlinuxUnique, max(0, rest)) { take(name, .unique(object: "vmlinux")) }
        return (targets, Array(modules))
    }

    /// `count` elements spread evenly over `pool` (deterministic; all of it when it is smaller).
    private static func spread<T>(_ pool: [T], _ count: Int) -> [T] {
        guard count > 0, !pool.isEmpty else { return [] }
        if pool.count <= count { return pool }
        return (0..<count).map { pool[$0 * pool.count / count] }
    }

    private static func collect(_ database: SymbolDatabase) -> Pools {
        var pools = Pools()
        var seenModules = Set<String>()
        for id in database.allNameIDs {
            let name = database.name(of: id)
            // Names the kernel's klp name parser cannot carry are not useful targets.
            if KLPNames.symbolNameProblem(name) != nil { continue }
            if database.isExportedByVmlinux(name) {
                pools.exported.append(name)
                continue
            }
            if database.isExported(name) { continue }  // module exports: left to the loader, not interesting
            let candidates = database.candidates(for: id)
            if candidates.count == 1 {
                let object = candidates[0].object
                if object == "vmlinux" {
                    pools.vmlinuxUnique.append(name)
                } else {
                    pools.moduleUnique[object, default: []].append(name)
                    if seenModules.insert(object).inserted { pools.moduleOrder.append(object) }
                }
                continue
            }
            var copies: [String: Int] = [:]
            var order: [String] = []
            for c in candidates {
                if copies[c.object] == nil { order.append(c.object) }
                copies[c.object, default: 0] += 1
            }
            if let inVmlinux = copies["vmlinux"], inVmlinux >= 2 {
                pools.vmlinuxHomonyms.append((name, inVmlinux))
            }
            for object in order where object != "vmlinux" {
                pools.moduleHomonyms[object, default: []].append((name, copies[object] ?? 1))
            }
        }
        return pools
    }
}
