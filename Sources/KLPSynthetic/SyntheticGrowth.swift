import KLPEngine

// The two shapes that once made a conversion quadratic (issue 18), built directly so that a benchmark or test can
// double them without gcc: many `-ffunction-sections` functions each calling one external symbol, and one function
// calling one external symbol many times. Both match what gcc -fno-pic -mcmodel=kernel emits for x86_64: a
// `call` (e8 + rel32) per call site with an R_X86_64_PLT32 relocation, addend -4, against the undefined symbol.

public enum SyntheticGrowth {
    /// The one external symbol every call site uses.
    public static let target = "growth_target"

    /// A symbols.klp that holds `target` once, in vmlinux (unexported), so every call converts automatically.
    public static func database() -> [UInt8] {
        Array("klp-convert-symbol-data.0.1 order=kallsyms\n*vmlinux\n-kernel/growth.c\n\(target)\n".utf8)
    }

    /// `functions` code sections `.text.growth_fn_<i>`, each with one call to `target` and its `.rela` section:
    /// 2 * functions + 4 sections in all (at most 32,000 functions fit without extended section numbering).
    public static func manySections(functions: Int) -> ELFObject {
        var b = SyntheticObjectBuilder(path: "growth_sections_\(functions).ko", sourceFile: "growth_sections.c")
        let external = b.addSymbol(name: target, binding: .global, type: .notype, section: .undefined)
        for i in 0..<functions {
            let name = "growth_fn_\(i)"
            let text = b.addSection(".text." + name, flags: [.alloc, .execinstr], alignment: 16, bytes: callBytes(1))
            b.addSymbol(name: name, binding: .global, type: .function, section: .section(text), size: 6)
            b.addRelocations(for: text, [call(at: 0, to: external)])
        }
        return b.finish()
    }

    /// One `.text` section whose function calls `target` `calls` times.
    public static func manyCalls(_ calls: Int) -> ELFObject {
        var b = SyntheticObjectBuilder(path: "growth_calls_\(calls).ko", sourceFile: "growth_calls.c")
        let external = b.addSymbol(name: target, binding: .global, type: .notype, section: .undefined)
        let text = b.addSection(".text", flags: [.alloc, .execinstr], alignment: 16, bytes: callBytes(calls))
        b.addSymbol(
            name: "growth_calls", binding: .global, type: .function, section: .section(text),
            size: UInt64(calls * 5 + 1))
        b.addRelocations(for: text, (0..<calls).map { call(at: $0 * 5, to: external) })
        return b.finish()
    }

    /// `count` calls (e8 00 00 00 00) and a ret.
    private static func callBytes(_ count: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count * 5 + 1)
        for _ in 0..<count { bytes += [0xe8, 0, 0, 0, 0] }
        bytes.append(0xc3)
        return bytes
    }

    /// The relocation of the call whose opcode is at `offset`: its rel32 follows the opcode byte.
    private static func call(at offset: Int, to symbol: SymbolID) -> Relocation {
        Relocation(offset: UInt64(offset + 1), symbol: symbol, type: RelocationType.X86_64.plt32, addend: -4)
    }
}
