import KLPSynthetic
import KLPTestSupport
import Testing

@testable import KLPEngine

/// The shapes that once made conversion quadratic (issue 18): many sections each calling one external symbol, and
/// one function calling it many times. These tests check the result at sizes where a per-relocation mistake shows
/// (every call converted, in order, to the right klp section); the time itself is klp-bench's `growth` figure.
@Suite struct ConversionGrowthTests {
    static let klpName = ".klp.sym.vmlinux.\(SyntheticGrowth.target),0"

    static func database() throws -> SymbolDatabase {
        let dir = try TemporaryDirectory.make("growth")
        let path = "\(dir)/symbols.klp"
        try FileIO.writeAtomically(SyntheticGrowth.database(), to: path)
        return try SymbolDatabase.load(path: path)
    }

    @Test func fortyThousandCallsToOneSymbolAllMoveInOrder() throws {
        let calls = 40_000
        let input = SyntheticGrowth.manyCalls(calls)
        let (plan, output) = Converter(database: try Self.database()).convert(input)
        let converted = try #require(output, "\(plan.diagnostics)")
        #expect(plan.symbols.count == 1)
        #expect(plan.symbols.first?.uses.count == calls)
        // Written and read back: one klp section holding every call, offsets as in the input, no .rela.text left.
        let read = try ELFObject(bytes: try ELFWriter.bytes(of: converted), path: "out.ko")
        let klp = read.sections.filter { $0.flags.contains(.relaLivepatch) }
        #expect(klp.map(\.name) == [".klp.rela.vmlinux..text"])
        let offsets = klp.first?.relocations.map(\.offset) ?? []
        #expect(offsets == (0..<calls).map { UInt64($0 * 5 + 1) })
        #expect(read.section(named: ".rela.text") == nil)
        let target = try #require(read.symbols.first { $0.name == Self.klpName })
        #expect(target.section == .livepatch)
        #expect(klp.first?.relocations.allSatisfy { $0.symbol == target.id } == true)
    }

    @Test func fiveThousandSectionsEachGetTheirKlpSection() throws {
        let functions = 5_000
        let input = SyntheticGrowth.manySections(functions: functions)
        let (plan, output) = Converter(database: try Self.database()).convert(input)
        let converted = try #require(output, "\(plan.diagnostics)")
        #expect(plan.createdSections.count == functions)
        let read = try ELFObject(bytes: try ELFWriter.bytes(of: converted), path: "out.ko")
        let klp = read.sections.filter { $0.flags.contains(.relaLivepatch) }
        #expect(klp.count == functions)
        #expect(!read.sections.contains { $0.name.hasPrefix(".rela.text.") })
        // Each klp section applies to its own function's code section, named after it.
        var mismatched = 0
        for section in klp {
            let base = section.relocationTarget.flatMap { read.section($0) }?.name ?? "?"
            if section.name != ".klp.rela.vmlinux." + base || section.relocations.count != 1 { mismatched += 1 }
        }
        #expect(mismatched == 0)
    }

    /// gcc-built objects of both shapes through the binary, read back by binutils readelf.
    @Test func gccBuiltShapesThroughTheBinary() throws {
        let dir = try TemporaryDirectory.make("growth-cli")
        let database = "\(dir)/symbols.klp"
        try FileIO.writeAtomically(SyntheticGrowth.database(), to: database)
        let functions = 1_000, calls = 4_000
        let target = SyntheticGrowth.target
        let manyFunctions = (0..<functions).map { "void growth_fn_\($0)(void) { \(target)(); }" }
        let oneFunction = "void growth_calls(void) {\n" + String(repeating: "\t\(target)();\n", count: calls) + "}"
        let shapes: [(String, String, [String], Int)] = [
            ("sections", manyFunctions.joined(separator: "\n"), ["-O1", "-ffunction-sections"], functions),
            ("calls", oneFunction, ["-O0"], 1),
        ]
        for (name, body, flags, klpSections) in shapes {
            let source = "extern void \(target)(void);\n" + body + "\n"
            try FileIO.writeAtomically(Array(source.utf8), to: "\(dir)/\(name).c")
            try Tool.check(
                "gcc",
                ["-c", "-fno-pic", "-mcmodel=kernel", "-fno-asynchronous-unwind-tables"] + flags
                    + ["\(name).c", "-o", "\(name).o"], cwd: dir)
            let run = try Tool.run(BuiltProducts.klpConvert, [database, "\(dir)/\(name).o", "\(dir)/\(name).out.o"])
            #expect(run.status == 0, "\(run.stderr)")
            let out = try Readelf("\(dir)/\(name).out.o")
            #expect(out.problems.isEmpty, "\(out.problems)")
            let klp = out.sections(withPrefix: ".klp.rela.vmlinux.")
            #expect(klp.count == klpSections)
            let moved = klp.flatMap { out.relocations(in: $0.name) }
            #expect(moved.count == (name == "calls" ? calls : functions))
            #expect(moved.allSatisfy { $0.symbolName == Self.klpName })
            #expect(out.symbols(named: Self.klpName).first?.sectionIndex == "OS [0xff20]")
        }
    }
}
