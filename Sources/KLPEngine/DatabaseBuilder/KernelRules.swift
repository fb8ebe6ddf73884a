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

/// Name rules of scripts/kallsyms.c (`is_ignored_symbol`, 6.1) and scripts/mksysmap: symbols the vmlinux
/// kallsyms table never holds whatever their section.
enum KallsymsNameRules {
    /// Vary between the link passes, so kallsyms leaves them out.
    static let ignoredNames: Set<String> = [
        "kallsyms_addresses", "kallsyms_offsets", "kallsyms_relative_base", "kallsyms_num_syms",
        "kallsyms_names", "kallsyms_markers", "kallsyms_token_table", "kallsyms_token_index",
        "kallsyms_seqs_of_names", "_SDA_BASE_", "_SDA2_BASE_",
    ]
    static let ignoredPrefixes = [
        "__efistub_", "__kvm_nvhe_$", "__kvm_nvhe_.L", "__AArch64ADRPThunk_", "__ARMV5PILongThunk_",
        "__ARMV7PILongThunk_", "__ThumbV7PILongThunk_", "__LA25Thunk_", "__microLA25Thunk_", "__kcfi_typeid_",
        // Mapping symbols ($x, $d, $a, $t) and assembler locals: not real symbols (mksysmap drops them too).
        "$", ".L",
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
