import KLPEngine

// Deterministic synthetic livepatch modules (x86_64 ET_REL, as kbuild hands them to klp-convert), built with the
// engine's ELF model against a given symbols.klp so that their conversion succeeds. Shaped like a real .ko: one
// code section per patched function (-ffunction-sections) with calls and data references to undefined symbols,
// strings, the klp_func/klp_object/klp_patch tables in .data, .init.text/.exit.text, .modinfo,
// .gnu.linkonce.this_module, a build-id note, KLP_MODULE_RELOC annotations for homonyms, and DWARF debug info
// with its relocations (most of the bytes, as in a real module).

public enum SyntheticLivepatch {
    public struct Shape: Sendable {
        /// Module name (also the .modinfo name=).
        public var name: String
        /// Patched functions, one `.text.<function>` section each.
        public var textSections: Int
        /// Relocations in the code sections against undefined symbols.
        public var references: Int
        /// Distinct undefined symbols those relocations use.
        public var distinctSymbols: Int
        /// Of those: names vmlinux exports, vmlinux homonyms (annotated), modules patched, names unique to those
        /// modules, and module homonyms (annotated). The rest are names defined once in vmlinux.
        public var exported: Int
        public var vmlinuxHomonyms: Int
        public var modules: Int
        public var moduleUnique: Int
        public var moduleHomonyms: Int
        /// Relocations per code section against the livepatch's own strings (stay ordinary relocations).
        public var localReferencesPerSection: Int
        /// DWARF compile units and debugging entries (each function entry has two relocations, each variable one).
        public var debugUnits: Int
        public var debugEntries: Int
        public var seed: UInt64

        public init(
            name: String, textSections: Int, references: Int, distinctSymbols: Int, exported: Int,
            vmlinuxHomonyms: Int, modules: Int, moduleUnique: Int, moduleHomonyms: Int,
            localReferencesPerSection: Int, debugUnits: Int, debugEntries: Int, seed: UInt64 = 7
        ) {
            self.name = name
            self.textSections = textSections
            self.references = references
            self.distinctSymbols = distinctSymbols
            self.exported = exported
            self.vmlinuxHomonyms = vmlinuxHomonyms
            self.modules = modules
            self.moduleUnique = moduleUnique
            self.moduleHomonyms = moduleHomonyms
            self.localReferencesPerSection = localReferencesPerSection
            self.debugUnits = debugUnits
            self.debugEntries = debugEntries
            self.seed = seed
        }

        /// 5,000 references to 1,000 symbols in 50 sections, about 6 MB with debug info.
        public static let large = Shape(
            name: "livepatch_large", textSections: 50, references: 5_000, distinctSymbols: 1_000, exported: 150,
            vmlinuxHomonyms: 40, modules: 4, moduleUnique: 80, moduleHomonyms: 8, localReferencesPerSection: 12,
            debugUnits: 8, debugEntries: 90_000)

        /// A typical patch: two functions, 40 references to 12 symbols, one annotated homonym, some debug info.
        public static let small = Shape(
            name: "livepatch_small", textSections: 2, references: 40, distinctSymbols: 12, exported: 4,
            vmlinuxHomonyms: 1, modules: 1, moduleUnique: 2, moduleHomonyms: 0, localReferencesPerSection: 6,
            debugUnits: 1, debugEntries: 600)
    }

    /// What was generated, for reports and tests.
    public struct Summary: Sendable, Equatable {
        public var undefinedSymbols: Int
        public var references: Int
        public var exported: Int
        public var annotated: Int
        public var patchedObjects: [String]
        public var debugRelocations: Int
    }

    /// The livepatch for `shape`, with undefined symbols taken from `database` (load it in full).
    public static func make(_ shape: Shape, database: SymbolDatabase) -> (object: ELFObject, summary: Summary) {
        var random = SyntheticSymbolList.Random(seed: shape.seed)
        let (targets, modules) = LivepatchTargetPicker.pick(shape, from: database)
        var b = SyntheticObjectBuilder(path: "\(shape.name).ko", sourceFile: "\(shape.name).mod.c")

        let noteBytes = buildIDNote(&random)
        b.addSection(
            ".note.gnu.build-id", type: SectionType.note, flags: SectionFlags.alloc, alignment: 4,
            bytes: noteBytes)

        // Which object each code section patches: vmlinux first, then the modules share the last fifth.
        let patched = ["vmlinux"] + modules
        let sectionCount = max(1, shape.textSections)
        let moduleSectionCount = modules.isEmpty ? 0 : min(sectionCount - 1, max(modules.count, sectionCount / 5))
        func objectOfSection(_ s: Int) -> String {
            let firstModuleSection = sectionCount - moduleSectionCount
            return s < firstModuleSection ? "vmlinux" : modules[(s - firstModuleSection) % modules.count]
        }
        var sectionsOfObject: [String: [Int]] = [:]
        for s in 0..<sectionCount { sectionsOfObject[objectOfSection(s), default: []].append(s) }

        // Strings: printk formats and the names the klp_func entries carry.
        var strings = LittleEndianBytes()
        var formatOffsets: [Int] = []
        for k in 0..<16 {
            formatOffsets.append(strings.count)
            strings.string("\u{1}6livepatch: \(DebugWords.words[k % DebugWords.words.count]) %d %p %s (\(k))\n")
        }
        var oldNameOffsets: [Int] = []
        let functionNames = (0..<sectionCount).map { "livepatch_\(DebugWords.words[$0 % 20])_\($0)" }
        for s in 0..<sectionCount {
            oldNameOffsets.append(strings.count)
            strings.string("\(DebugWords.words[(s * 7) % 20])_\(DebugWords.words[s % 20])_\(s)")
        }
        var objectNameOffsets: [String: Int] = [:]
        for object in modules {
            objectNameOffsets[object] = strings.count
            strings.string(object)
        }

        // Undefined symbols, in target order.
        var undefined: [SymbolID] = []
        for target in targets {
            undefined.append(
                b.addSymbol(
                    name: target.name, binding: SymbolBinding.global, type: SymbolType.notype,
                    section: .undefined))
        }

        // Which references each code section makes: every target once, then a skewed choice (a few helpers are
        // called everywhere), each from a section patching the symbol's own object when it is a module's.
        var perSection = [[(target: Int, call: Bool)]](repeating: [], count: sectionCount)
        if !targets.isEmpty {
            for r in 0..<shape.references {
                let t: Int
                if r < targets.count {
                    t = r
                } else {
                    let u = Double(random.next() % 1_000_000) / 1_000_000
                    t = min(targets.count - 1, Int(u * u * Double(targets.count)))
                }
                let owners = sectionsOfObject[targets[t].object] ?? Array(0..<sectionCount)
                let s = owners[Int(random.next() % UInt64(owners.count))]
                perSection[s].append((t, random.next() % 10 < 7))
            }
        }

        let rodataStrings = b.addSection(
            ".rodata.str1.1", flags: [.alloc, .merge, .strings], alignment: 1,
            entrySize: 1, bytes: strings.bytes)
        let stringsSymbol = b.sectionSymbols[rodataStrings]!

        // Code sections.
        var functions: [SyntheticDebugInfo.Function] = []
        var functionSymbols: [SymbolID] = []
        var referenceCount = 0
        for s in 0..<sectionCount {
            var code = LittleEndianBytes()
            var relocations: [Relocation] = []
            code.bytes += [0x0f, 0x1f, 0x44, 0x00, 0x00, 0x55, 0x48, 0x89, 0xe5]  // nop (fentry slot); push; mov
            let references = perSection[s]
            let locals = shape.localReferencesPerSection
            let slots = references.count + locals
            var placedReferences = 0
            var placedLocals = 0
            for slot in 0..<slots {
                for _ in 0..<(3 + random.next() % 10) { code.u8(UInt8(truncatingIfNeeded: random.next() | 0x40)) }
                // Local string references spread evenly among the calls.
                let local =
                    placedLocals < locals
                    && (placedReferences == references.count || placedLocals * slots <= slot * locals)
                if local {
                    // mov $format, %rdi (mcmodel=kernel: sign-extended 32-bit absolute)
                    code.bytes += [0x48, 0xc7, 0xc7]
                    let format = formatOffsets[Int(random.next() % UInt64(formatOffsets.count))]
                    relocations.append(
                        Relocation(
                            offset: UInt64(code.count), symbol: stringsSymbol,
                            type: RelocationType.X86_64.r32s, addend: Int64(format)))
                    placedLocals += 1
                } else {
                    let reference = references[placedReferences]
                    placedReferences += 1
                    if reference.call {
                        code.u8(0xe8)  // call rel32
                    } else {
                        code.bytes += [0x48, 0x8b, 0x05]  // mov sym(%rip), %rax
                    }
                    relocations.append(
                        Relocation(
                            offset: UInt64(code.count), symbol: undefined[reference.target],
                            type: reference.call ? RelocationType.X86_64.plt32 : RelocationType.X86_64.pc32, addend: -4)
                    )
                }
                code.u32(0)
            }
            referenceCount += placedReferences
            code.bytes += [0x5d, 0xc3]  // pop; ret
            code.pad(to: 16, with: 0xcc)
            let id = b.addSection(
                ".text.\(functionNames[s])", flags: [.alloc, .execinstr],
                alignment: 16, bytes: code.bytes)
            b.addRelocations(for: id, relocations)
            let symbol = b.sectionSymbols[id]!
            functionSymbols.append(
                b.addSymbol(
                    name: functionNames[s], binding: SymbolBinding.global,
                    type: SymbolType.function, section: .section(id), value: 0,
                    size: UInt64(code.count)))
            functions.append(.init(name: functionNames[s], section: symbol, offset: 0, size: UInt64(code.count)))
        }

        // klp_func[] per patched object, klp_object[], klp_patch in .data.
        var data = LittleEndianBytes()
        var dataRelocations: [Relocation] = []
        let funcSize = 64, objectSize = 48
        var funcsOffset: [String: Int] = [:]
        for object in patched {
            funcsOffset[object] = data.count
            for s in sectionsOfObject[object] ?? [] {
                dataRelocations.append(
                    Relocation(
                        offset: UInt64(data.count), symbol: stringsSymbol,
                        type: RelocationType.X86_64.r64, addend: Int64(oldNameOffsets[s])))
                dataRelocations.append(
                    Relocation(
                        offset: UInt64(data.count + 8), symbol: functionSymbols[s],
                        type: RelocationType.X86_64.r64, addend: 0))
                data.bytes += [UInt8](repeating: 0, count: funcSize)
            }
            data.bytes += [UInt8](repeating: 0, count: funcSize)  // terminator
        }
        let objectsOffset = data.count
        for object in patched {
            if let name = objectNameOffsets[object] {
                dataRelocations.append(
                    Relocation(
                        offset: UInt64(data.count), symbol: stringsSymbol,
                        type: RelocationType.X86_64.r64, addend: Int64(name)))
            }
            dataRelocations.append(
                Relocation(
                    offset: UInt64(data.count + 8), symbol: nil,
                    type: RelocationType.X86_64.r64, addend: Int64(funcsOffset[object] ?? 0)))
            data.bytes += [UInt8](repeating: 0, count: objectSize)
        }
        data.bytes += [UInt8](repeating: 0, count: objectSize)
        let patchOffset = data.count
        data.bytes += [UInt8](repeating: 0, count: 64)
        let dataID = b.addSection(
            ".data", flags: [.alloc, .write], alignment: 32,
            bytes: data.bytes)
        let dataSymbol = b.sectionSymbols[dataID]!
        // The klp_object.funcs pointers: against .data itself (known only now).
        dataRelocations = dataRelocations.map { r in
            var r = r
            if r.symbol == nil { r.symbol = dataSymbol }
            return r
        }
        dataRelocations.append(
            Relocation(
                offset: UInt64(patchOffset + 8), symbol: dataSymbol,
                type: RelocationType.X86_64.r64, addend: Int64(objectsOffset)))
        b.addRelocations(for: dataID, dataRelocations)
        b.addSymbol(
            name: "patch", binding: SymbolBinding.local, type: SymbolType.object, section: .section(dataID),
            value: UInt64(patchOffset), size: 64)
        b.addSymbol(
            name: "objs", binding: SymbolBinding.local, type: SymbolType.object, section: .section(dataID),
            value: UInt64(objectsOffset), size: UInt64(patchOffset - objectsOffset))

        // module_init/module_exit: register the patch (a call to an exported function stands for
        // klp_enable_patch).
        var initCode = LittleEndianBytes()
        var initRelocations: [Relocation] = []
        initCode.bytes += [0x48, 0xc7, 0xc7]
        initRelocations.append(
            Relocation(
                offset: UInt64(initCode.count), symbol: dataSymbol,
                type: RelocationType.X86_64.r32s, addend: Int64(patchOffset)))
        initCode.u32(0)
        if let exported = targets.firstIndex(where: { $0.kind == .exported }) {
            initCode.u8(0xe9)  // tail call
            initRelocations.append(
                Relocation(
                    offset: UInt64(initCode.count), symbol: undefined[exported],
                    type: RelocationType.X86_64.plt32, addend: -4))
            initCode.u32(0)
        } else {
            initCode.bytes += [0x31, 0xc0, 0xc3]
        }
        let initID = b.addSection(
            ".init.text", flags: [.alloc, .execinstr], alignment: 16,
            bytes: initCode.bytes)
        b.addRelocations(for: initID, initRelocations)
        let initSymbol = b.addSymbol(
            name: "init_module", binding: SymbolBinding.global, type: SymbolType.function,
            section: .section(initID), size: UInt64(initCode.count))
        let exitID = b.addSection(
            ".exit.text", flags: [.alloc, .execinstr], alignment: 16,
            bytes: [0xc3])
        let exitSymbol = b.addSymbol(
            name: "cleanup_module", binding: SymbolBinding.global,
            type: SymbolType.function, section: .section(exitID), size: 1)

        var modinfo = LittleEndianBytes()
        for line in [
            "livepatch=Y", "license=GPL", "description=synthetic livepatch", "depends=",
            "retpoline=Y", "name=\(shape.name)", "vermagic=6.1.0-28-amd64 SMP preempt mod_unload modversions ",
        ] {
            modinfo.string(line)
        }
        b.addSection(".modinfo", flags: SectionFlags.alloc, alignment: 1, bytes: modinfo.bytes)

        // struct module (0x500 bytes on 6.1): name at 0x18, init at 0x138, exit at 0x4c8.
        var module = [UInt8](repeating: 0, count: 0x500)
        for (k, byte) in shape.name.utf8.prefix(55).enumerated() { module[0x18 + k] = byte }
        let moduleID = b.addSection(
            ".gnu.linkonce.this_module", flags: [.alloc, .write],
            alignment: 64, bytes: module)
        b.addRelocations(
            for: moduleID,
            [
                Relocation(offset: 0x138, symbol: initSymbol, type: RelocationType.X86_64.r64, addend: 0),
                Relocation(offset: 0x4c8, symbol: exitSymbol, type: RelocationType.X86_64.r64, addend: 0),
            ])
        b.addSymbol(
            name: "__this_module", binding: SymbolBinding.global, type: SymbolType.object,
            section: .section(moduleID), size: 0x500)

        let bssID = b.addSection(
            ".bss", type: SectionType.nobits, flags: [.alloc, .write],
            alignment: 8, bytes: [UInt8](repeating: 0, count: 64))
        b.addSymbol(
            name: "patch_state", binding: SymbolBinding.local, type: SymbolType.object,
            section: .section(bssID), size: 64)

        // KLP_MODULE_RELOC(object) arrays: one 12-byte record per annotated homonym, sympos at +8.
        var annotatedObjects: [String] = []
        var annotated: [String: [(Int, Int)]] = [:]
        for (k, target) in targets.enumerated() {
            guard case .annotated(let object, let position) = target.kind else { continue }
            if annotated[object] == nil { annotatedObjects.append(object) }
            annotated[object, default: []].append((k, position))
        }
        for object in annotatedObjects {
            let records = annotated[object] ?? []
            var bytes = LittleEndianBytes()
            var relocations: [Relocation] = []
            for (target, position) in records {
                relocations.append(
                    Relocation(
                        offset: UInt64(bytes.count), symbol: undefined[target],
                        type: RelocationType.X86_64.r64, addend: 0))
                bytes.u64(0)
                bytes.u32(UInt32(position))
            }
            let id = b.addSection(
                KLPNames.annotationPrefix + object,
                flags: [.alloc, .write], alignment: 4, bytes: bytes.bytes)
            b.addRelocations(for: id, relocations)
            b.addSymbol(
                name: "\(object)_relocs", binding: SymbolBinding.global, type: SymbolType.object,
                section: .section(id), size: UInt64(bytes.count))
        }

        // Debug info: sections first (their symbols are needed), contents once generated.
        let infoID = b.addSection(".debug_info", flags: 0, alignment: 1, bytes: [])
        let abbrevID = b.addSection(".debug_abbrev", flags: 0, alignment: 1, bytes: [])
        let strID = b.addSection(
            ".debug_str", flags: [.merge, .strings], alignment: 1,
            entrySize: 1, bytes: [])
        let debug = SyntheticDebugInfo(
            units: shape.debugUnits, entries: shape.debugEntries, functions: functions,
            abbrevSymbol: b.sectionSymbols[abbrevID]!, stringSymbol: b.sectionSymbols[strID]!, random: &random)
        b.setBytes(of: infoID, debug.info.bytes)
        b.setBytes(of: abbrevID, debug.abbrev.bytes)
        b.setBytes(of: strID, debug.strings.bytes)
        b.addRelocations(for: infoID, debug.infoRelocations)

        b.addSection(
            ".comment", flags: [.merge, .strings], alignment: 1, entrySize: 1,
            bytes: Array("\0GCC: (Debian 12.2.0-14) 12.2.0\0".utf8))
        b.addSection(".note.GNU-stack", flags: 0, alignment: 1, bytes: [])

        let summary = Summary(
            undefinedSymbols: targets.count, references: referenceCount,
            exported: targets.filter { $0.kind == .exported }.count,
            annotated: targets.filter { if case .annotated = $0.kind { return true } else { return false } }.count,
            patchedObjects: patched, debugRelocations: debug.infoRelocations.count)
        return (b.finish(), summary)
    }

    private static func buildIDNote(_ random: inout SyntheticSymbolList.Random) -> [UInt8] {
        var note = LittleEndianBytes()
        note.u32(4)  // namesz
        note.u32(20)  // descsz
        note.u32(3)  // NT_GNU_BUILD_ID
        note.string("GNU")
        for _ in 0..<20 { note.u8(UInt8(truncatingIfNeeded: random.next())) }
        return note.bytes
    }
}
