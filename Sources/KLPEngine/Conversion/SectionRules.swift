// Which sections may carry klp relocations (v7's allow-list, DECISIONS 3 of the reference), judged on the
// section the relocations apply to (sh_info), not on the relocation section's name.

public enum SectionRules {
    /// Base-section prefixes whose relocations the kernel applies at a time a klp relocation is valid.
    public static let allowedPrefixes = [".data", ".rodata", ".sdata", ".text", ".toc"]
    /// Targets that are read-only by the time a late (module-specific) klp relocation is written.
    public static let readOnlyPrefixes = [".rodata", ".data.rel.ro", ".data..ro_after_init"]

    public enum Verdict: Equatable, Sendable {
        case allowed
        /// Allowed, with a warning that becomes an error in strict mode.
        case readOnlyLate(String)
        case refused(String)
    }

    /// `allocated`: whether the base section is SHF_ALLOC (the loader only keeps, and relocates, those).
    public static func judge(base: String, object: String, allocated: Bool = true) -> Verdict {
        if !allocated {
            return .refused(
                "\(base) is not SHF_ALLOC: the module loader does not load it, so the kernel never "
                    + "applies a relocation to it")
        }
        if base == "__jump_table" {
            if object == "vmlinux" { return .allowed }
            return .refused(
                "static keys of a module cannot be used through __jump_table in a livepatch: vmlinux klp relocations are applied before jump labels are set up, module ones only later; use static_key_enabled() instead of static_branch_*()"
            )
        }
        // v7 matched the relocation section name by prefix (".rela.text" does not match ".rela.init.text").
        guard allowedPrefixes.contains(where: { base.hasPrefix($0) }) else {
            return .refused(
                "the kernel processes this section when the livepatch module is loaded, before klp relocations can be resolved"
            )
        }
        if object != "vmlinux", readOnlyPrefixes.contains(where: { base.hasPrefix($0) }) {
            return .readOnlyLate(
                "\(base) is read-only when the kernel applies relocations for '\(object)' (late, when that module loads); architectures that write such relocations directly (ppc64le) crash; drop const/__ro_after_init from the pointer in the patch"
            )
        }
        return .allowed
    }
}
