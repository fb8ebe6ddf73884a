import Foundation
import KLPSynthetic
import KLPTestSupport
import Testing

@testable import KLPEngine

/// The writer streams an output through one small window into the temporary file of the atomic write; the same
/// encoder fills one array for `bytes()`. The streamed file must be those bytes exactly, for every class and byte
/// order and for outputs many windows long, and a producer or a disk that fails half way must leave nothing behind.
@Suite struct StreamedWriteTests {
    /// Writes `object` both ways and compares.
    static func expectStreamEqualsArray(_ object: ELFObject, in dir: String, label: String) throws {
        let layout = try ELFWriter.plan(object)
        let out = "\(dir)/\(label).streamed"
        try layout.write(to: out, mode: 0o640)
        let streamed = try FileIO.readAll(path: out)
        let array = try layout.bytes()
        #expect(array.count == layout.totalSize, "\(label)")
        #expect(streamed == array, "\(label): the streamed file differs from bytes()")
        #expect(FileIO.mode(of: out) == 0o640, "\(label)")
    }

    static func temporaryFiles(in dir: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains(".klp-") }
    }

    @Test("streamed = bytes() for the fixtures of every architecture (ELF32 and big-endian included)")
    func fixturesOfEveryArchitecture() throws {
        let dir = try TemporaryDirectory.make("streamed-fixtures")
        defer { TemporaryDirectory.remove(dir) }
        for arch in FixtureArch.allCases {
            for fixture in [FixtureObject.livepatch, .targetModule, .minimal] {
                let path = try FixtureBuilder.shared.object(fixture, arch: arch).path
                let object = try ELFObject.read(path: path)
                try Self.expectStreamEqualsArray(object, in: dir, label: "\(arch.rawValue)-\(fixture.rawValue)")
                // Read back unchanged, an object lays out to the bytes it was read from when gcc made it in order.
                #expect(try ELFObject(bytes: try ELFWriter.bytes(of: object), path: path).sections == object.sections)
            }
        }
        #expect(try Self.temporaryFiles(in: dir).isEmpty)
    }

    @Test("an output many windows long: relocation tables split across windows, big-endian and ELF64")
    func outputsLongerThanTheWindow() throws {
        let dir = try TemporaryDirectory.make("streamed-long")
        defer { TemporaryDirectory.remove(dir) }
        var object = SyntheticGrowth.manyCalls(60_000)
        let size = try ELFWriter.plan(object).totalSize
        #expect(size > 4 * FileIO.streamWindow, "the object should span several windows: \(size) bytes")
        try Self.expectStreamEqualsArray(object, in: dir, label: "little")
        object.header.byteOrder = .big
        try Self.expectStreamEqualsArray(object, in: dir, label: "big")
        // The converted object (klp relocation sections appended) as the CLI writes it.
        let database = try SymbolDatabase.parse(bytes: SyntheticGrowth.database(), path: "growth.klp")
        let (plan, converted) = Converter(database: database).convert(SyntheticGrowth.manyCalls(60_000))
        #expect(plan.diagnostics.errors.isEmpty)
        try Self.expectStreamEqualsArray(try #require(converted), in: dir, label: "converted")
        let readelf = try Tool.check("readelf", ["-aW", "\(dir)/converted.streamed"])
        #expect(!readelf.contains("Warning") && readelf.contains(".klp.rela."))
    }

    @Test("a producer that fails after several windows leaves no file and the old output as it was")
    func failingProducerLeavesNothing() throws {
        let dir = try TemporaryDirectory.make("streamed-fail")
        defer { TemporaryDirectory.remove(dir) }
        let out = "\(dir)/out.ko"
        try FileIO.writeAtomically(Array("old output".utf8), to: out)
        struct Halfway: Error, Equatable {}
        let block = [UInt8](repeating: 0xab, count: 100_000)
        #expect(throws: Halfway()) {
            try FileIO.writeAtomically(to: out) { sink in
                // Past the window, so bytes did reach the temporary file before the failure.
                for _ in 0..<8 { try block.withUnsafeBytes { try sink.append($0) } }
                try sink.appendZeros(3 * FileIO.streamWindow)
                #expect(sink.count == 8 * block.count + 3 * FileIO.streamWindow)
                throw Halfway()
            }
        }
        #expect(try FileIO.readAll(path: out) == Array("old output".utf8))
        #expect(try Self.temporaryFiles(in: dir).isEmpty)

        // A new output that fails: no file at all.
        let fresh = "\(dir)/fresh.ko"
        #expect(throws: Halfway()) {
            try FileIO.writeAtomically(to: fresh) { sink in
                try sink.appendZeros(2 * FileIO.streamWindow + 7)
                throw Halfway()
            }
        }
        #expect(!FileManager.default.fileExists(atPath: fresh))
        #expect(try Self.temporaryFiles(in: dir).isEmpty)
    }

    @Test("a layout the encoder cannot write is refused before the temporary file exists")
    func refusedLayoutWritesNothing() throws {
        let dir = try TemporaryDirectory.make("streamed-refused")
        defer { TemporaryDirectory.remove(dir) }
        let object = try ELFObject(bytes: Hostile.baseObject(), path: "lp.ko")
        let layout = try ELFWriter.plan(object)
        var header = layout.header
        header.elfClass = .elf32  // 64-bit offsets that ELF32 headers cannot hold
        let tooWide = ELFLayout(
            path: "lp.ko", header: header, sections: layout.sections, shstrndx: layout.shstrndx,
            sectionHeaderOffset: layout.sectionHeaderOffset,
            totalSize: layout.sectionHeaderOffset + 40 * (layout.sections.count + 1))
        let out = "\(dir)/out.ko"
        #expect(throws: ELFError.self) { try tooWide.write(to: out) }
        #expect(!FileManager.default.fileExists(atPath: out))
        #expect(try Self.temporaryFiles(in: dir).isEmpty)
    }

    @Test(
        "a disk that fills after the first windows: a write error, no temporary file, the old output kept",
        .enabled(if: CLIOutputFileTests.mountUnavailable == nil, "\(CLIOutputFileTests.mountUnavailable ?? "")"))
    func diskFullHalfway() throws {
        let layout = try ELFWriter.plan(SyntheticGrowth.manyCalls(60_000))
        #expect(layout.totalSize > 1_000_000)
        try CLIOutputFileTests.withTmpfs(sizeKB: 768) { mount in
            let out = "\(mount)/out.ko"
            try FileIO.writeAtomically(Array("old output".utf8), to: out)
            do {
                try layout.write(to: out)
                Issue.record("a \(layout.totalSize)-byte output fitted a 768 KB file system")
            } catch let error as FileError {
                guard case .writeFailed(let path, .write, let reason) = error else {
                    Issue.record("not a write failure: \(error)")
                    return
                }
                #expect(path == out && reason.contains("No space left"), "\(error)")
            }
            #expect(try FileIO.readAll(path: out) == Array("old output".utf8))
            #expect(try Self.temporaryFiles(in: mount).isEmpty)
        }
    }

    @Test("the sink: blocks larger than half the window pass straight through; an array sink refuses overflow")
    func sinkPassesLargeBlocksAndRefusesOverflow() throws {
        let window = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 8)
        defer { window.deallocate() }
        var drained: [[UInt8]] = []
        var sink = ByteSink(window: window, passesLargeBlocks: true) { drained.append(Array($0)) }
        let small = [UInt8](1...20), large = [UInt8](repeating: 7, count: 200)
        try small.withUnsafeBytes { try sink.append($0) }
        try large.withUnsafeBytes { try sink.append($0) }
        try sink.appendZeros(100)
        try sink.flush()
        #expect(drained.map(\.count) == [20, 200, 64, 36])
        #expect(Array(drained.joined()) == small + large + [UInt8](repeating: 0, count: 100))
        #expect(sink.count == 320)

        var full = ByteSink(window: window, passesLargeBlocks: false) { _ in
            throw ByteSinkOverflow(requested: 0, window: 64)
        }
        #expect(throws: ByteSinkOverflow.self) { try full.appendZeros(65) }
        #expect(throws: ByteSinkOverflow.self) { _ = try full.space(atLeast: 65) }
    }
}
