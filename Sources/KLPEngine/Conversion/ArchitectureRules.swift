// What some architectures' module loaders need of a klp relocation beyond the generic rules, checked before
// writing a module the kernel would reject when it applies the relocation (reference §5.3).

public enum ArchitectureRules {
    /// arm64's apply_relocate_add has no case for GOT-based types: "unsupported RELA relocation".
    static let arm64Unsupported: Set<RelocationType> = [
        RelocationType.AArch64.movwGotoffG0, RelocationType.AArch64.gotrel64, RelocationType.AArch64.gotrel32,
        RelocationType.AArch64.gotLdPrel19, RelocationType.AArch64.ld64GotoffLo15, RelocationType.AArch64.adrGotPage,
        RelocationType.AArch64.ld64GotLo12Nc, RelocationType.AArch64.ld64GotpageLo15,
    ]
    static let ppc64Nop: UInt32 = 0x6000_0000
    static let ppc64RestoreR2: UInt32 = 0xe841_0018  // ld r2,24(r1): already patched

    /// Machines whose module loader rules the engine knows (DECISIONS 10): x86_64, ppc64 and ppc64le, ppc32,
    /// s390x, arm64.
    public static let supportedMachines: [Machine] = [.x86_64, .ppc64, .ppc, .s390, .aarch64]

    /// Why `machine` is not converted, or nil when it is supported. Another loader may need relocations kept
    /// together that a klp section would split (riscv: each PCREL_LO12 finds its PCREL_HI20 in its own section).
    public static func unsupportedMachine(_ machine: Machine) -> String? {
        guard !supportedMachines.contains(machine) else { return nil }
        let known = Machine.names[machine].map { "\(machine.shortName) (\($0))" } ?? "e_machine \(machine.rawValue)"
        let why =
            machine == .riscv
            ? ": its loader pairs each R_RISCV_PCREL_LO12 with the PCREL_HI20 in the same section, which klp "
                + "relocation sections split"
            : ""
        return "machine \(known) is not supported: klp-convert knows the module loader rules of x86_64, "
            + "ppc64/ppc64le, ppc32, s390x and arm64 only\(why)"
    }

    /// A problem with converting relocation `r` in `base` (the section it patches), or nil.
    static func problem(machine: Machine, order: ByteOrder, relocation r: Relocation, base: Section?) -> String? {
        switch machine {
        case .aarch64 where arm64Unsupported.contains(r.type):
            return
                "the arm64 module loader does not apply \(r.type.name(machine: machine)) (unsupported RELA relocation): the patch would fail to load; avoid weak or GOT-indirect references to this symbol"
        case .ppc64 where r.type == RelocationType.PPC64.rel24:  // a call through a stub that clobbers r2
            guard let base, case .bytes(let data) = base.content else { return nil }
            let next = Int(r.offset) + 4
            guard r.offset <= UInt64(Int.max - 8), next + 4 <= data.count else {
                return "call at the end of \(base.name): the ppc64 loader needs a nop after the branch to restore r2"
            }
            let word = data.withUnsafeBytes { RawReader($0, order: order).u32(next) }
            if word != ppc64Nop && word != ppc64RestoreR2 {
                return
                    "R_PPC64_REL24 call not followed by a nop (found 0x\(String(word, radix: 16))): the ppc64 loader refuses a call to a livepatch symbol it cannot make restore r2; call it through a pointer or declare it extern so gcc emits the nop"
            }
            return nil
        default:
            return nil
        }
    }
}
