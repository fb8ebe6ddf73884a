/// One function a livepatch replaces: a `klp_func` of one `klp_object`.
public struct PatchedFunction: Sendable, Equatable {
    /// `klp_object.name`, "vmlinux" when NULL.
    public var object: String
    /// `klp_func.old_name`.
    public var name: String
    /// `klp_func.old_sympos` (0: unique in the object).
    public var position: Int
    /// Where the entry sits, for messages: the klp_object array's symbol and the object's index in it, the
    /// klp_func array's symbol and the function's index in it (a section name and offset when no symbol covers it).
    public var objectArray: String = ""
    public var objectIndex: Int = 0
    public var functionArray: String = ""
    public var functionIndex: Int = 0
}

/// What a livepatch patches, read from its own `klp_patch` / `klp_object` / `klp_func` tables: the data and the
/// relocations that fill their pointers, not strings guessed from the file.
///
/// Layout (include/linux/livepatch.h, unchanged since 4.x, any 64- or 32-bit target; `w` = pointer size):
/// `klp_patch` starts with `struct module *mod` (THIS_MODULE, a relocation to `__this_module`) then
/// `struct klp_object *objs` at w; `klp_object` starts with `const char *name` (NULL = vmlinux), then
/// `struct klp_func *funcs` at w; `klp_func` starts with `const char *old_name`, `void *new_func` at w,
/// `unsigned long old_sympos` at 2w. The structs' sizes depend on the kernel configuration (`struct kobject`
/// follows), so entries are found by their relocations inside the array's symbol: an object entry is a pointer
/// to a function array at w, whose entries are a string at 0 and a function at w.
public struct PatchTargets: Sendable, Equatable {
    /// Objects the patch names, in table order, each once.
    public var objects: [String]
    public var functions: [PatchedFunction]

    public init(objects: [String] = [], functions: [PatchedFunction] = []) {
        self.objects = objects
        self.functions = functions
    }

    public var isEmpty: Bool { objects.isEmpty }

    public static func read(_ elf: ELFObject) -> PatchTargets {
        TableReader(elf).read()
    }
}

/// The pointer graph of the patch's data sections.
private struct TableReader {
    struct Target: Hashable {
        var section: SectionID
        var offset: UInt64
    }

    let elf: ELFObject
    let word: Int
    /// Per section, its relocations by offset, resolved to (symbol, addend).
    var relocations: [SectionID: [UInt64: (symbol: Symbol, addend: Int64)]] = [:]

    init(_ elf: ELFObject) {
        self.elf = elf
        word = elf.header.elfClass.wordSize
        for section in elf.sections {
            // The tables live in allocated data; debug sections hold most relocations of a patch and none of them,
            // and code holds none either (a function with 200,000 calls made this map most of a conversion).
            guard let base = section.relocationTarget,
                let target = elf.section(base), target.flags.contains(.alloc), !target.flags.contains(.execinstr)
            else { continue }
            guard let rela = section.content.relocationsAreRela else { continue }
            var map = relocations[base] ?? [:]
            for r in section.relocations {
                guard let id = r.symbol, let symbol = elf.symbol(id) else { continue }
                // REL targets keep the addend in the word being relocated.
                let addend = rela ? r.addend : Int64(bitPattern: readWord(base, r.offset) ?? 0)
                map[r.offset] = (symbol, addend)
            }
            relocations[base] = map
        }
    }

    func read() -> PatchTargets {
        var result = PatchTargets()
        var seenObjects: Set<String> = []
        var seenFunctions: Set<Target> = []
        for (section, map) in relocations.sorted(by: { $0.key < $1.key }) {
            for offset in map.keys.sorted() where map[offset]!.symbol.name == "__this_module" {
                // klp_patch.objs right after klp_patch.mod.
                guard let objects = pointer(section, offset + UInt64(word)) else { continue }
                for (objectIndex, entry) in objectEntries(objects).enumerated() {
                    let name = pointer(entry.section, entry.offset).flatMap(string) ?? "vmlinux"
                    guard let funcs = pointer(entry.section, entry.offset + UInt64(word)) else { continue }
                    for (functionIndex, f) in functionEntries(funcs).enumerated() where !seenFunctions.contains(f) {
                        guard let oldName = pointer(f.section, f.offset).flatMap(string) else { continue }
                        seenFunctions.insert(f)
                        let sympos = readWord(f.section, f.offset + 2 * UInt64(word)) ?? 0
                        result.functions.append(
                            PatchedFunction(
                                object: name, name: oldName,
                                position: Int(clamping: sympos),
                                objectArray: arrayName(objects), objectIndex: objectIndex,
                                functionArray: arrayName(funcs), functionIndex: functionIndex))
                    }
                    if !seenObjects.contains(name) {
                        seenObjects.insert(name)
                        result.objects.append(name)
                    }
                }
            }
        }
        return result
    }

    /// Entries of a klp_object array starting at `start`: offsets whose pointer at +w leads to a klp_func array
    /// (the name at +0 has no relocation when it is NULL, so entries are found by their `funcs`).
    private func objectEntries(_ start: Target) -> [Target] {
        entries(from: start, relocatedAt: UInt64(word)) { candidate in
            guard let funcs = pointer(candidate.section, candidate.offset + UInt64(word)) else { return false }
            return isFunctionEntry(funcs)
        }
    }

    /// Entries of a klp_func array: a string at +0 and a function at +w.
    private func functionEntries(_ start: Target) -> [Target] {
        entries(from: start, relocatedAt: 0, isEntry: isFunctionEntry)
    }

    private func isFunctionEntry(_ entry: Target) -> Bool {
        guard let name = pointer(entry.section, entry.offset), string(name) != nil,
            let code = relocations[entry.section]?[entry.offset + UInt64(word)]
        else { return false }
        return isFunction(code.symbol, addend: code.addend)
    }

    /// Offsets in the array that starts at `start` (bounded by the symbol that covers it, else its section) that
    /// carry a relocation at +`field` and satisfy `isEntry`, in order.
    private func entries(from start: Target, relocatedAt field: UInt64, isEntry: (Target) -> Bool) -> [Target] {
        guard let map = relocations[start.section] else { return [] }
        let end = arrayEnd(start)
        return map.keys.filter { $0 >= start.offset + field && $0 < end }.sorted()
            .map { Target(section: start.section, offset: $0 - field) }
            .filter(isEntry)
    }

    /// End of the data object covering `start`: its symbol's value + size, else the end of the section.
    private func arrayEnd(_ start: Target) -> UInt64 {
        for s in elf.symbols where s.section == .section(start.section) && s.type == SymbolType.object && s.size > 0 {
            if s.value <= start.offset && start.offset < s.value + s.size { return s.value + s.size }
        }
        return elf.section(start.section)?.size ?? start.offset
    }

    /// The data object that starts at `start` ("funcs"), else "<section>+0x<offset>".
    private func arrayName(_ start: Target) -> String {
        for s in elf.symbols where s.section == .section(start.section) && s.type == SymbolType.object {
            if s.value == start.offset && !s.name.isEmpty { return s.name }
        }
        let section = elf.section(start.section)?.name ?? "?"
        return "\(section)+0x\(String(start.offset, radix: 16))"
    }

    /// Where the pointer stored at (section, offset) points, when a relocation fills it with a defined symbol.
    private func pointer(_ section: SectionID, _ offset: UInt64) -> Target? {
        guard let r = relocations[section]?[offset], case .section(let target) = r.symbol.section else { return nil }
        let value = Int64(bitPattern: r.symbol.value) &+ r.addend
        guard value >= 0 else { return nil }
        return Target(section: target, offset: UInt64(value))
    }

    private func isFunction(_ symbol: Symbol, addend: Int64) -> Bool {
        if symbol.type == SymbolType.function { return true }
        guard case .section(let id) = symbol.section, let section = elf.section(id) else { return false }
        // ppc64 ELFv1 (big-endian): a function pointer is the address of its descriptor in .opd, not code.
        return section.flags.contains(.execinstr) || section.name == ".opd"
    }

    /// The NUL-terminated string at a place in a data section (at most 512 bytes: KSYM_NAME_LEN).
    private func string(_ at: Target) -> String? {
        guard let section = elf.section(at.section), case .bytes(let bytes) = section.content,
            at.offset < UInt64(bytes.count)
        else { return nil }
        let start = bytes.startIndex + Int(at.offset)
        let limit = min(bytes.endIndex, start + 512)
        guard let end = bytes[start..<limit].firstIndex(of: 0), end > start else { return nil }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    private func readWord(_ section: SectionID, _ offset: UInt64) -> UInt64? {
        guard let s = elf.section(section), case .bytes(let bytes) = s.content,
            offset + UInt64(word) <= UInt64(bytes.count)
        else { return nil }
        return bytes.withUnsafeBytes { raw in
            let reader = RawReader(raw, order: elf.header.byteOrder)
            return word == 8 ? reader.u64(Int(offset)) : UInt64(reader.u32(Int(offset)))
        }
    }
}
