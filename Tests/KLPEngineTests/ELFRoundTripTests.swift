import Foundation
import KLPTestSupport
import Testing

@testable import KLPEngine

/// Read and write back without changes: binutils must see the same object.
@Suite struct ELFRoundTripTests {
    static let source = """
        #include <stdio.h>
        static int counter;
        static int helper(int x) { return x + counter; }
        int shared_value = 3;
        extern int undefined_thing;
        int (*fp)(int) = helper;
        const char *const names[] = { "a", "b" };
        __attribute__((section(".text.extra"))) int extra(void) { return undefined_thing + helper(2); }
        int entry(void) { printf("%d\\n", shared_value); return helper(1) + extra(); }
        """

    /// readelf -aW with file offsets blanked: layout may differ, meaning may not.
    static func normalizedReadelf(_ path: String) throws -> String {
        let text = try Tool.check("readelf", ["-aW", path])
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            var l = String(line)
            // Section header rows: "  [Nr] Name Type Address Off Size ..." -> drop the Off column.
            if let r = l.range(of: #"^\s*\[\s*\d+\]"#, options: .regularExpression) {
                let cols = l[r.upperBound...].split(separator: " ", omittingEmptySubsequences: true)
                if cols.count >= 5 {
                    var c = cols.map(String.init)
                    c[3] = "<off>"
                    l = String(l[..<r.upperBound]) + " " + c.joined(separator: " ")
                }
            }
            if l.contains("Start of section headers:") { l = "Start of section headers: <off>" }
            if l.hasPrefix("Relocation section") {
                l = l.replacingOccurrences(of: #"at offset 0x[0-9a-f]+"#, with: "", options: .regularExpression)
            }
            return l
        }.joined(separator: "\n")
    }

    static func roundTrip(_ input: String, _ dir: String) throws -> String {
        let object = try ELFObject.read(path: input)
        let out = "\(dir)/out.o"
        try FileIO.writeAtomically(try ELFWriter.bytes(of: object), to: out)
        return out
    }

    @Test(arguments: ["-O2", "-O0 -g", "-O2 -ffunction-sections -fdata-sections -g"])
    func gccObjectRoundTrips(flags: String) throws {
        let dir = try TemporaryDirectory.make("rt")
        try ELFRoundTripTests.source.write(toFile: "\(dir)/a.c", atomically: true, encoding: .utf8)
        try Tool.check("gcc", flags.split(separator: " ").map(String.init) + ["-c", "a.c", "-o", "a.o"], cwd: dir)
        let out = try Self.roundTrip("\(dir)/a.o", dir)
        #expect(try Self.normalizedReadelf("\(dir)/a.o") == Self.normalizedReadelf(out))
        // Section contents byte for byte.
        let a = try Tool.check("objdump", ["-s", "\(dir)/a.o"]).split(separator: "\n").dropFirst(2)
        let b = try Tool.check("objdump", ["-s", out]).split(separator: "\n").dropFirst(2)
        #expect(Array(a) == Array(b))
    }

    @Test func comdatGroupsSurviveWithRemappedMembers() throws {
        let dir = try TemporaryDirectory.make("grp")
        try """
        inline int shared_inline(int x) { return x * 3; }
        int use(int y) { return shared_inline(y); }
        """.write(toFile: "\(dir)/g.cc", atomically: true, encoding: .utf8)
        try Tool.check("g++", ["-O0", "-c", "g.cc", "-o", "g.o"], cwd: dir)
        var object = try ELFObject.read(path: "\(dir)/g.o")
        #expect(object.sections.contains { $0.type == SectionType.group })
        // Remove a section that precedes the group's members (g++ writes .data before them, empty) so that the
        // index of every member shifts and the group's member list must be rewritten.
        let removed = try #require(object.section(named: ".data"))
        let originalGroup = try #require(object.sections.first { $0.type == SectionType.group })
        guard case .group(_, let originalMembers) = originalGroup.content else {
            Issue.record("no group")
            return
        }
        let originalIndices = originalMembers.map(\.rawValue)
        #expect(!originalIndices.isEmpty, "no group members")
        #expect(originalIndices.allSatisfy { $0 > removed.id.rawValue }, "\(originalIndices)")
        let originalNames = originalMembers.compactMap { object.section($0)?.name }
        object.removeSections([removed.id])
        let bytes = try ELFWriter.bytes(of: object)
        let reread = try ELFObject(bytes: bytes, path: "mem")
        let group = try #require(reread.sections.first { $0.type == SectionType.group })
        guard case .group(_, let members) = group.content else {
            Issue.record("no group")
            return
        }
        let memberNames = members.compactMap { reread.section($0)?.name }
        #expect(memberNames.contains(".text._Z13shared_inlinei"))
        #expect(memberNames == originalNames)
        #expect(members.map(\.rawValue) == originalIndices.map { $0 - 1 })
        try FileIO.writeAtomically(bytes, to: "\(dir)/g2.o")
        let groups = try Tool.check("readelf", ["-gW", "\(dir)/g2.o"])
        #expect(groups.contains(".text._Z13shared_inlinei"))
        #expect(!(try Tool.check("readelf", ["-aW", "\(dir)/g2.o"]).contains("Warning")))
    }

    @Test func bigEndianAndELF32AreWrittenInTheirOwnLayout() throws {
        // Big-endian ELF64: the host's object, rewritten in the other byte order by our model.
        let dir = try TemporaryDirectory.make("be")
        try ELFRoundTripTests.source.write(toFile: "\(dir)/a.c", atomically: true, encoding: .utf8)
        try Tool.check("gcc", ["-O2", "-c", "a.c", "-o", "a.o"], cwd: dir)
        var object = try ELFObject.read(path: "\(dir)/a.o")
        object.header.byteOrder = .big
        let be = try ELFWriter.bytes(of: object)
        let back = try ELFObject(bytes: be, path: "be")
        #expect(back.header.byteOrder == .big)
        #expect(back.symbols == object.symbols)
        #expect(back.sections.map(\.name) == object.sections.map(\.name))
        #expect(back.sections.map(\.relocations) == object.sections.map(\.relocations))
        try FileIO.writeAtomically(be, to: "\(dir)/be.o")
        let text = try Tool.check("readelf", ["-hsW", "\(dir)/be.o"])
        #expect(text.contains("big endian"))
        #expect(text.contains("helper"))

        // ELF32 (big-endian ppc32, gcc-built and committed): written by our writer, binutils must read the same
        // header, sections, symbols and relocations as in the compiler's file.
        let ppc32 = try FixtureBuilder.shared.object(.livepatch, arch: .ppc32)
        let elf32 = try ELFObject.read(path: ppc32.path)
        #expect(elf32.header.elfClass == .elf32)
        let written = "\(dir)/ppc32.o"
        try FileIO.writeAtomically(try ELFWriter.bytes(of: elf32), to: written)
        let compiler = try Readelf(ppc32)
        let ours = try Readelf(written)
        #expect(ours.header.elfClass == "ELF32")
        #expect(ours.header == compiler.header)
        #expect(ours.sections.map(\.name) == compiler.sections.map(\.name))
        #expect(ours.sections.map(\.type) == compiler.sections.map(\.type))
        #expect(ours.sections.map(\.size) == compiler.sections.map(\.size))
        #expect(ours.symbols == compiler.symbols)
        #expect(ours.relocations == compiler.relocations)
        #expect(ours.problems.isEmpty, "\(ours.problems)")
    }
}
