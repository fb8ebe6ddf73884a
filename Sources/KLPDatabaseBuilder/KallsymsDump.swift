import KLPEngine

/// A `/proc/kallsyms` dump: `address type name` for vmlinux, `address type name\t[module]` for modules, in
/// kallsyms index order, which is the order the livepatch lookup walks (the recipe's kallsyms-to-symbols.sh).
/// Addresses may all be zero (a dump read without privilege, kptr_restrict): zero is kept as "no address"; the
/// line order alone gives positions.
struct KallsymsDump {
    var vmlinux: BuiltObject
    var modules: [BuiltObject]
    /// Modules left out because they list undefined symbols, which only livepatch modules keep.
    var livepatchModules: [String]

    static func parse(_ text: [UInt8], path: String) throws(DatabaseBuildError) -> KallsymsDump {
        let source = "/proc/kallsyms dump \(path)"
        var vmlinux = BuiltObject(name: "vmlinux", source: source)
        var modules: [String: BuiltObject] = [:]
        var moduleOrder: [String] = []
        var livepatch: Set<String> = []
        var finished: Set<String> = ["vmlinux"]
        var current = "vmlinux"
        var skipping = false
        var lineNumber = 0
        for rawLine in text.split(separator: 10, omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = rawLine
            if line.last == 13 { line = line.dropLast() }
            if line.isEmpty { continue }
            // "address type name" then optionally a tab and "[module]".
            let parts = line.split(separator: 9, maxSplits: 1, omittingEmptySubsequences: false)
            let fields = parts[0].split(separator: 32, omittingEmptySubsequences: true)
            guard fields.count == 3, fields[1].count == 1,
                let address = UInt64(String(decoding: fields[0], as: UTF8.self), radix: 16)
            else {
                throw DatabaseBuildError(
                    path: path, line: lineNumber,
                    "not a /proc/kallsyms line (expected 'address type name [module]')")
            }
            let type = fields[1][fields[1].startIndex]
            let name = String(decoding: fields[2], as: UTF8.self)
            var module = "vmlinux"
            if parts.count == 2 {
                let tail = parts[1].filter { $0 != 32 && $0 != 9 }
                guard tail.first == UInt8(ascii: "["), tail.last == UInt8(ascii: "]"), tail.count > 2 else {
                    throw DatabaseBuildError(path: path, line: lineNumber, "module field is not '[name]'")
                }
                module = String(decoding: tail.dropFirst().dropLast(), as: UTF8.self)
            }
            // Pseudo-modules (ftrace/kprobe trampolines, BPF programs) are not objects a livepatch can name.
            if module.hasPrefix("__builtin__") || module == "bpf" { continue }
            if module != current {
                // A module seen again after its block (ftrace's copies of init symbols) is not walked again.
                if finished.contains(module) {
                    skipping = true
                    current = module
                    continue
                }
                skipping = false
                current = module
                finished.insert(module)
                if module != "vmlinux" {
                    modules[module] = BuiltObject(name: KLPNames.normalizeObject(module), source: source)
                    moduleOrder.append(module)
                }
            }
            if skipping { continue }
            if type == UInt8(ascii: "U") || type == UInt8(ascii: "u") {
                // Only a livepatch module keeps undefined symbols in its kallsyms (it keeps every symbol).
                if module != "vmlinux" { livepatch.insert(module) }
                continue
            }
            if module == "vmlinux" {
                vmlinux.symbols.append(BuiltSymbol(name: name, address: address == 0 ? nil : address))
            } else {
                modules[module]?.symbols.append(BuiltSymbol(name: name, address: address == 0 ? nil : address))
            }
        }
        guard !vmlinux.symbols.isEmpty || !modules.isEmpty else {
            throw DatabaseBuildError(path: path, line: nil, "the kallsyms dump holds no symbols")
        }
        vmlinux.collectExportMarkers()
        var result: [BuiltObject] = []
        for name in moduleOrder where !livepatch.contains(name) {
            guard var object = modules[name] else { continue }
            object.collectExportMarkers()
            result.append(object)
        }
        return KallsymsDump(vmlinux: vmlinux, modules: result, livepatchModules: livepatch.sorted())
    }
}
