import Foundation
import KLPTestSupport
import Testing

@testable import KLPEngine

/// The record codec, the one place where ELF field offsets live: every record kind round-trips in both classes
/// and byte orders, what it decodes from real objects of six architectures is what binutils readelf reads, and
/// re-encoding those records gives back the file's own bytes.
@Suite struct ELFRecordCodecTests {
    static let combinations: [(ELFClass, ByteOrder)] = [
        (.elf32, .little), (.elf32, .big), (.elf64, .little), (.elf64, .big),
    ]

    /// Encodes `record` with `encode` into a zeroed buffer of `size` bytes, expects `decode` to give it back, and
    /// returns the bytes.
    static func roundTrip<R: Equatable>(
        _ record: R, _ order: ByteOrder, size: Int, encode: (R, RawWriter) -> Void, decode: (RawReader) -> R,
        _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: size)
        bytes.withUnsafeMutableBytes { encode(record, RawWriter($0, order: order)) }
        let decoded = bytes.withUnsafeBytes { decode(RawReader($0, order: order)) }
        #expect(decoded == record, comment, sourceLocation: sourceLocation)
        return bytes
    }

    @Test(arguments: combinations)
    func fileHeaderRoundTrips(elfClass: ELFClass, order: ByteOrder) {
        let codec = RecordCodec(elfClass, order)
        var h = FileHeaderRecord(elfClass: elfClass, byteOrder: order, type: .rel, machine: .s390)
        h.osABI = 3
        h.abiVersion = 1
        h.entry = 0x1234_5678
        h.shoff = 0x0102_0304
        h.flags = 0x8000_0001
        h.ehsize = UInt16(codec.layout.fileHeader.size)
        h.shentsize = UInt16(codec.layout.sectionHeader.size)
        h.shnum = 0x1122
        h.shstrndx = 0x1121
        let bytes = Self.roundTrip(
            h, order, size: codec.layout.fileHeader.size, encode: { codec.encode($0, $1) },
            decode: { codec.fileHeader($0) })
        #expect(bytes.count == (elfClass == .elf64 ? 64 : 52))
        #expect(Array(bytes[0..<4]) == [0x7f, 0x45, 0x4c, 0x46])
        #expect(bytes[4] == elfClass.rawValue && bytes[5] == order.rawValue && bytes[6] == 1)
        // e_machine is at 18 in both classes; its byte order is the file's.
        #expect(Array(bytes[18..<20]) == (order == .little ? [22, 0] : [0, 22]))
    }

    @Test(arguments: combinations)
    func sectionHeaderRoundTrips(elfClass: ELFClass, order: ByteOrder) {
        let codec = RecordCodec(elfClass, order)
        var h = SectionHeaderRecord()
        h.name = 0x0102_0304
        h.type = .rela
        h.flags = [.alloc, .infoLink, .relaLivepatch]
        h.address = 0x10
        h.offset = 0x2000
        h.size = 0x3000_0000
        h.link = 7
        h.info = 9
        h.alignment = 8
        h.entrySize = UInt64(codec.layout.rela.size)
        let bytes = Self.roundTrip(
            h, order, size: codec.layout.sectionHeader.size, encode: { codec.encode($0, $1, at: 0) },
            decode: { codec.sectionHeader($0, at: 0) })
        #expect(bytes.count == (elfClass == .elf64 ? 64 : 40))
        #expect(Array(bytes[0..<4]) == (order == .little ? [4, 3, 2, 1] : [1, 2, 3, 4]))
    }

    @Test(arguments: combinations)
    func symbolRoundTrips(elfClass: ELFClass, order: ByteOrder) {
        let codec = RecordCodec(elfClass, order)
        var s = SymbolRecord()
        s.name = 0x0a0b_0c0d
        s.binding = .weak
        s.type = .function
        s.other = 2
        s.shndx = .livepatch
        s.value = 0xdead_beef
        s.size = 0x40
        let bytes = Self.roundTrip(
            s, order, size: codec.layout.symbol.size, encode: { codec.encode($0, $1, at: 0) },
            decode: { codec.symbol($0, at: 0) })
        #expect(bytes.count == (elfClass == .elf64 ? 24 : 16))
        // st_info sits after st_name in ELF64 and after st_size in ELF32: STB_WEAK << 4 | STT_FUNC.
        #expect(bytes[elfClass == .elf64 ? 4 : 12] == 0x22)
    }

    @Test(arguments: combinations)
    func relocationsRoundTrip(elfClass: ELFClass, order: ByteOrder) {
        let codec = RecordCodec(elfClass, order)
        for rela in [false, true] {
            var r = RelocationRecord()
            r.offset = 0x1c
            r.symbol = 0x12_3456
            r.type = RelocationType.PPC.rel24
            r.addend = rela ? -4 : 0
            let size = codec.layout.relocation(rela: rela).size
            let bytes = Self.roundTrip(
                r, order, size: size, encode: { codec.encode($0, $1, at: 0, rela: rela) },
                decode: { codec.relocation($0, at: 0, rela: rela) }, "rela \(rela)")
            #expect(size == (elfClass == .elf64 ? 8 : 4) * (rela ? 3 : 2))
            #expect(codec.fits(r, rela: rela))
            // r_info: ELF32 packs the symbol above 8 bits of type, ELF64 above 32.
            let info = bytes.withUnsafeBytes {
                RawReader($0, order: order).load(0, codec.layout.relocation(rela: rela).info)
            }
            #expect(info == (elfClass == .elf64 ? UInt64(0x12_3456) << 32 | 10 : UInt64(0x12_3456) << 8 | 10))
        }
        var tooWide = RelocationRecord()
        tooWide.type = RelocationType(0x1ff)
        #expect(codec.fits(tooWide, rela: true) == (elfClass == .elf64))
    }

    // MARK: - Against readelf, on real objects

    /// Every section header, symbol and relocation the codec decodes from the fixture objects (gcc for x86_64,
    /// the committed cross objects for ppc64le, ppc64, s390x, arm64 and ppc32) agrees with readelf, and encoding
    /// each decoded record again reproduces the file's bytes.
    @Test(arguments: FixtureArch.allCases)
    func decodedRecordsMatchReadelf(arch: FixtureArch) throws {
        for object in FixtureObject.allCases {
            let url = try FixtureBuilder.shared.object(object, arch: arch)
            let dump = try Readelf(url.path)
            let original = try FileIO.readAll(path: url.path)
            var copy = [UInt8](repeating: 0, count: original.count)
            try original.withUnsafeBytes { raw in
                let file = try ELFFileReader(raw: raw, path: url.path, purpose: .symbolScan)
                let codec = file.codec
                let r = file.reader
                let label = "\(arch) \(object.rawValue)"
                #expect(codec.elfClass == (arch.is64Bit ? .elf64 : .elf32), "\(label)")
                #expect(codec.byteOrder == (arch.isBigEndian ? .big : .little), "\(label)")
                #expect(file.header.type == .rel, "\(label)")
                copy.withUnsafeMutableBytes { out in
                    let w = RawWriter(out, order: codec.byteOrder)
                    // e_ident past the fields the codec knows (EI_PAD) is zero in these objects.
                    codec.encode(file.header, w)
                }

                // Section headers.
                #expect(dump.sections.filter { $0.index > 0 }.count == file.sections.count - 1, "\(label)")
                for expected in dump.sections where expected.index > 0 {
                    let h = file.sections[expected.index]
                    #expect(file.names[expected.index] == expected.name, "\(label)")
                    // A type both name: the same name (readelf leaves out the SHT_ prefix).
                    #expect(
                        h.type.name == nil || h.type.description == "SHT_" + expected.type,
                        "\(label) [\(expected.index)] \(h.type) vs \(expected.type)")
                    #expect(h.size == expected.size && h.entrySize == expected.entrySize, "\(label) \(expected.name)")
                    #expect(Int(h.link) == expected.link && Int(h.info) == expected.info, "\(label) \(expected.name)")
                    #expect(h.alignment == expected.alignment, "\(label) \(expected.name)")
                }
                copy.withUnsafeMutableBytes { out in
                    let w = RawWriter(out, order: codec.byteOrder)
                    for (i, h) in file.sections.enumerated() {
                        codec.encode(h, w, at: Int(file.header.shoff) + i * codec.layout.sectionHeader.size)
                    }
                }

                // Symbols.
                let symtab = try #require(file.sections.indices.first { file.sections[$0].type == .symtab })
                let strings = try file.checkSymbolTable(symtab)
                let symbols = try file.symbols(of: symtab, strings: strings)
                let expectedSymbols = dump.symbols.filter { $0.index > 0 }
                #expect(symbols.count == expectedSymbols.count, "\(label)")
                for (k, (record, name)) in symbols.enumerated() where k < expectedSymbols.count {
                    let e = expectedSymbols[k]
                    // readelf 2.40 shows a section symbol by its section's name.
                    #expect(name == e.name || record.type == .section, "\(label) symbol \(k + 1): \(name) vs \(e.name)")
                    #expect(record.value == e.value, "\(label) symbol \(k + 1)")
                    #expect(record.binding.description == "STB_" + e.bind, "\(label) \(name)")
                    #expect(record.type.description == "STT_" + e.type, "\(label) \(name)")
                    switch record.shndx {
                    case .undef: #expect(e.sectionIndex == "UND", "\(label) \(name)")
                    case .abs: #expect(e.sectionIndex == "ABS", "\(label) \(name)")
                    case let i where !i.isReserved: #expect(e.sectionIndex == "\(i.rawValue)", "\(label) \(name)")
                    default: break
                    }
                }
                copy.withUnsafeMutableBytes { out in
                    let w = RawWriter(out, order: codec.byteOrder)
                    let base = Int(file.sections[symtab].offset)
                    let size = codec.layout.symbol.size
                    codec.encode(codec.symbol(r, at: base), w, at: base)  // the null symbol
                    for (k, entry) in symbols.enumerated() { codec.encode(entry.record, w, at: base + (k + 1) * size) }
                }

                // Relocations.
                for (i, h) in file.sections.enumerated() where h.type.isRelocation {
                    let rela = h.type == .rela
                    let layout = codec.layout.relocation(rela: rela)
                    let expected = dump.relocations(in: file.names[i])
                    #expect(Int(h.size) / layout.size == expected.count, "\(label) \(file.names[i])")
                    for (k, e) in expected.enumerated() {
                        let at = Int(h.offset) + k * layout.size
                        let record = codec.relocation(r, at: at, rela: rela)
                        #expect(record.offset == e.offset, "\(label) \(file.names[i]) \(k)")
                        #expect(
                            UInt64(record.symbol) << UInt64(layout.symbolShift) | UInt64(record.type.rawValue)
                                == e.info,
                            "\(label) \(file.names[i]) \(k)")
                        let name = record.type.name(machine: file.header.machine)
                        #expect(name == e.type || name == record.type.description, "\(label) \(name) vs \(e.type)")
                        if rela { #expect(record.addend == (e.addend ?? 0), "\(label) \(file.names[i]) \(k)") }
                        copy.withUnsafeMutableBytes {
                            codec.encode(record, RawWriter($0, order: codec.byteOrder), at: at, rela: rela)
                        }
                    }
                }
            }
            // Every byte the codec wrote equals the file's byte there (the rest of `copy` is still zero).
            var differences = 0
            for k in copy.indices where copy[k] != 0 && copy[k] != original[k] { differences += 1 }
            #expect(differences == 0, "\(arch) \(object.rawValue): \(differences) bytes differ after re-encoding")
        }
    }

    /// The writer in the other byte order: each fixture object written with its byte order flipped reads the same
    /// in readelf (sections, symbols, relocations), which covers ELF32 little-endian too (ppc32 flipped).
    @Test(arguments: FixtureArch.allCases)
    func flippedByteOrderReadsTheSameInReadelf(arch: FixtureArch) throws {
        let dir = try TemporaryDirectory.make("codec-flip")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let url = try FixtureBuilder.shared.object(.livepatch, arch: arch)
        var object = try ELFObject.read(path: url.path)
        object.header.byteOrder = object.header.byteOrder == .little ? .big : .little
        let out = URL(fileURLWithPath: "\(dir)/flipped.o")
        try FileIO.writeAtomically(try ELFWriter.bytes(of: object), to: out.path)
        let before = try Readelf(url.path)
        let after = try Readelf(out.path)
        #expect(after.header.data.hasSuffix(arch.isBigEndian ? "little endian" : "big endian"))
        #expect(after.header.machine == before.header.machine && after.header.elfClass == before.header.elfClass)
        #expect(after.sections.map(\.name) == before.sections.map(\.name))
        #expect(after.sections.map(\.type) == before.sections.map(\.type))
        #expect(after.symbols == before.symbols)
        #expect(after.relocations == before.relocations)
        let reread = try ELFObject.read(path: out.path)
        #expect(reread.symbols == object.symbols)
        #expect(reread.sections.map(\.relocations) == object.sections.map(\.relocations))
    }
}
