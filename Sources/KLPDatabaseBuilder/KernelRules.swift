import KLPEngine

/// The kernel configuration facts that decide which symbols kallsyms keeps. Defaults are Debian's
/// (CONFIG_KALLSYMS_ALL=y, CONFIG_MODULE_UNLOAD=y), the kernels this project targets.
public struct KernelRules: Sendable, Equatable {
    /// CONFIG_KALLSYMS_ALL: data symbols are kept too, not only text.
    public var kallsymsAll: Bool
    /// CONFIG_MODULE_UNLOAD: `.exit*` sections stay in the module's core; without it they are freed like init.
    public var moduleUnload: Bool

    public init(kallsymsAll: Bool = true, moduleUnload: Bool = true) {
        self.kallsymsAll = kallsymsAll
        self.moduleUnload = moduleUnload
    }
}

/// Name rules of scripts/kallsyms.c (`is_ignored_symbol`) and scripts/mksysmap (6.2+, backported to Debian's
/// 6.1): symbols the vmlinux kallsyms table never holds whatever their section.
enum KallsymsNameRules {
    /// Vary between the link passes, so kallsyms leaves them out.
    static let ignoredNames: Set<String> = [
        "kallsyms_addresses", "kallsyms_offsets", "kallsyms_relative_base", "kallsyms_num_syms",
        "kallsyms_names", "kallsyms_markers", "kallsyms_token_table", "kallsyms_token_index",
        "kallsyms_seqs_of_names", "_SDA_BASE_", "_SDA2_BASE_", "L0",
    ]
    static let ignoredPrefixes = [
        "__efistub_", "__kvm_nvhe_$", "__kvm_nvhe_.L", "__AArch64ADRPThunk_", "__ARMV5PILongThunk_",
        "__ARMV7PILongThunk_", "__ThumbV7PILongThunk_", "__LA25Thunk_", "__microLA25Thunk_", "__kcfi_typeid_",
        // Mapping symbols ($x, $d, $a, $t) and assembler locals: not real symbols (mksysmap drops them too).
        "$", ".L",
        "__kvm_nvhe___kcfi_typeid_", "__pi___cfi_typeid_",
        // Module version CRCs and export strings: data symbols that scripts/mksysmap (whose output feeds
        // kallsyms in Debian's 6.1) leaves out; checked against a booted Debian 6.1 kernel's /proc/kallsyms.
        "__crc_", "__kstrtab_", "__kstrtabns_",
    ]
    static let ignoredSuffixes = ["_from_arm", "_from_thumb", "_veneer"]
    static let ignoredInfixes = [".long_branch.", ".plt_branch."]
    /// Absolute symbols kallsyms keeps (ia64, ppc); every other absolute symbol is dropped.
    static let keptAbsolute: Set<String> = [
        "__kernel_syscall_via_break", "__kernel_syscall_via_epc", "__kernel_sigtramp", "__gp",
    ]

    static func isIgnored(_ name: String) -> Bool {
        if name.isEmpty || ignoredNames.contains(name) { return true }
        for p in ignoredPrefixes where name.hasPrefix(p) { return true }
        for s in ignoredSuffixes where name.hasSuffix(s) { return true }
        for m in ignoredInfixes where name.contains(m) { return true }
        return false
    }

    /// kallsyms' type-letter rule (nm letters): undefined and debugging symbols never, absolute ones rarely.
    static func keepsType(_ type: Character, name: String) -> Bool {
        switch type {
        case "U", "u", "N", "n", "w", "v": return false
        case "A", "a": return keptAbsolute.contains(name)
        default: return true
        }
    }
}

/// Order of the vmlinux kallsyms table: scripts/kallsyms.c `compare_symbols` (6.1). By address; at one address,
/// strong before weak (`W`/`w` only, not `V`), then names a linker script may provide (`__start_*`,
/// `__stop_*`, `__end_*`, `__*_start`, `__*_end`) last, then fewer leading underscores first, then input order
/// (`nm -n` order: by name for equal addresses). Positions only depend on the address rank; the tie rules make
/// the whole block equal to /proc/kallsyms, line for line.
enum KallsymsTableOrder {
    static func mayBeLinkerProvided(_ name: String) -> Bool {
        let utf8 = name.utf8
        guard utf8.count >= 8, utf8.starts(with: "__".utf8) else { return false }
        let rest = utf8.dropFirst(2)
        return rest.starts(with: "start_".utf8) || rest.starts(with: "stop_".utf8) || rest.starts(with: "end_".utf8)
            || utf8.suffix(6).elementsEqual("_start".utf8) || utf8.suffix(4).elementsEqual("_end".utf8)
    }

    static func leadingUnderscores(_ name: String) -> Int {
        name.utf8.prefix { $0 == 95 }.count
    }

    /// True if `a` comes before `b` at the same address (the caller compares addresses and input order).
    static func tieOrder(_ a: (name: String, type: Character), _ b: (name: String, type: Character)) -> Bool? {
        let weakA = a.type == "W" || a.type == "w", weakB = b.type == "W" || b.type == "w"
        if weakA != weakB { return !weakA }
        let linkerA = mayBeLinkerProvided(a.name), linkerB = mayBeLinkerProvided(b.name)
        if linkerA != linkerB { return !linkerA }
        let underA = leadingUnderscores(a.name), underB = leadingUnderscores(b.name)
        if underA != underB { return underA < underB }
        return nil
    }
}
