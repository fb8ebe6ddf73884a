#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The encoder of a planned layout: the file in file order (header, each section's bytes at its planned offset
// with zero padding between, the section header table), every record encoded straight into its place in a
// ByteSink. The same encoder streams an output into its temporary file (`write(to:mode:)`: the output is never
// held whole) and fills one array (`bytes()`: tests, the TUI's preview, the benchmarks), so what is checked in
// memory is what is written. The planner has checked every value; the encoder does not fail on the model.

extension ELFLayout {
    /// The encoded file in one array, made without zero-filling it first (padding is zeroed explicitly).
    public func bytes() throws(ELFError) -> [UInt8] {
        let headers = try encodedHeaders()
        do {
            return try [UInt8](unsafeUninitializedCapacity: totalSize) { buffer, count in
                let window = UnsafeMutableRawBufferPointer(buffer)
                // The array is the whole output: a producer that runs past it has not followed the plan.
                var sink = ByteSink(window: window, passesLargeBlocks: false) { _ in
                    throw ByteSinkOverflow(requested: totalSize + 1, window: totalSize)
                }
                try encode(headers, into: &sink)
                count = totalSize
            }
        } catch let error as ELFError {
            throw error
        } catch {
            throw .file(path: path, message: "encoding the planned layout failed (\(error)): a bug in the writer")
        }
    }

    /// Writes the encoded file to `output` atomically (`FileIO.writeAtomically`: temporary file, fsync, rename;
    /// nothing left behind on failure), streamed through one small reused window.
    public func write(to output: String, mode: mode_t = 0o644) throws {
        let headers = try encodedHeaders()
        try FileIO.writeAtomically(to: output, mode: mode, expectedSize: totalSize) { sink in
            try encode(headers, into: &sink)
        }
    }

    /// The file header and the section header table, encoded and read back through the codec: if a field does
    /// not fit its class the bytes would not say what the plan says, and nothing is written.
    private func encodedHeaders() throws(ELFError) -> (file: [UInt8], table: [UInt8]) {
        try checkOffsets()
        let codec = RecordCodec(header.elfClass, header.byteOrder)
        let entrySize = codec.layout.sectionHeader.size
        let fileHeader = self.fileHeader
        let records = sections.map(record)
        let file = [UInt8](unsafeUninitializedCapacity: codec.layout.fileHeader.size) { buffer, count in
            let window = UnsafeMutableRawBufferPointer(buffer)
            window.initializeMemory(as: UInt8.self, repeating: 0)
            codec.encode(fileHeader, RawWriter(window, order: header.byteOrder))
            count = window.count
        }
        // Entry 0 is the null section header.
        let table = [UInt8](unsafeUninitializedCapacity: (records.count + 1) * entrySize) { buffer, count in
            let window = UnsafeMutableRawBufferPointer(buffer)
            window.initializeMemory(as: UInt8.self, repeating: 0)
            let w = RawWriter(window, order: header.byteOrder)
            for (i, r) in records.enumerated() { codec.encode(r, w, at: (i + 1) * entrySize) }
            count = window.count
        }
        let fileConsistent =
            file.withUnsafeBytes { codec.fileHeader(RawReader($0, order: header.byteOrder)) }
            == fileHeader
        let tableConsistent = table.withUnsafeBytes { buf in
            let r = RawReader(buf, order: header.byteOrder)
            return records.indices.allSatisfy { codec.sectionHeader(r, at: ($0 + 1) * entrySize) == records[$0] }
        }
        guard fileConsistent, tableConsistent else {
            throw .file(
                path: path,
                message: "the encoded headers differ from the planned layout "
                    + "(a field does not fit its class): a bug in the writer")
        }
        return (file, table)
    }

    /// The whole file into `sink`, in file order.
    private func encode(_ headers: (file: [UInt8], table: [UInt8]), into sink: inout ByteSink) throws {
        let start = sink.count
        try headers.file.withUnsafeBytes { try sink.append($0) }
        var position = headers.file.count
        for s in sections where s.type != .nobits && s.fileSize > 0 {
            try sink.appendZeros(s.offset - position)
            try encodeContent(of: s, into: &sink)
            position = s.offset + s.fileSize
        }
        try sink.appendZeros(sectionHeaderOffset - position)
        try headers.table.withUnsafeBytes { try sink.append($0) }
        guard sink.count - start == totalSize else {
            throw ELFError.file(
                path: path,
                message: "encoded \(sink.count - start) bytes for a planned \(totalSize): a bug in the writer")
        }
    }

    private func encodeContent(of s: PlannedSection, into sink: inout ByteSink) throws {
        let order = header.byteOrder
        let layout = RecordLayout.of(header.elfClass)
        switch s.content {
        case .none:
            return
        case .bytes(let b):
            try b.withUnsafeBytes { try sink.append($0) }
        case .symbols(let records):
            let symbol = layout.symbol
            try sink.appendZeros(symbol.size)  // the null symbol
            try Self.encodeRecords(records.count, size: symbol.size, order: order, into: &sink) { k, w, at in
                symbol.encode(records[k], w, at: at)
            }
        case .relocations(let relocs, let rela, let symbols):
            let relocation = layout.relocation(rela: rela)
            try relocs.withUnsafeBufferPointer { relocs in
                try Self.encodeRecords(relocs.count, size: relocation.size, order: order, into: &sink) { k, w, at in
                    let r = relocs[k]
                    var record = RelocationRecord()
                    record.offset = r.offset
                    record.type = r.type
                    if rela { record.addend = r.addend }
                    if let id = r.symbol { record.symbol = UInt32(truncatingIfNeeded: symbols.checkedIndex(id)) }
                    relocation.encode(record, w, at: at)
                }
            }
        case .encodedRelocations(let table, nil):
            try table.bytes.withUnsafeBytes { try sink.append($0) }
        case .encodedRelocations(let table, let renumbered?):
            try Self.encodeRenumbered(table, renumbered, into: &sink)
        case .words(let words):
            try Self.encodeRecords(words.count, size: 4, order: order, into: &sink) { k, w, at in
                w.u32(at, words[k])
            }
        }
    }

    /// Copies an encoded relocation table into the sink, as many records at a time as the window has room for,
    /// then replaces the symbol index of each copied record (r_info's type bits stay as they are).
    private static func encodeRenumbered(
        _ table: EncodedRelocations, _ renumbered: [UInt32], into sink: inout ByteSink
    ) throws {
        try table.withRecords { records in
            try renumbered.withUnsafeBufferPointer { renumbered in
                let size = records.layout.size
                var k = 0
                while k < records.count {
                    let free = try sink.space(atLeast: size)
                    let n = min(free.count / size, records.count - k)
                    let source = records.reader.base.baseAddress! + k * size
                    free.baseAddress!.copyMemory(from: source, byteCount: n * size)
                    let w = RawWriter(free, order: table.byteOrder)
                    for j in 0..<n { records.storeSymbolIndex(of: k + j, renumbered, to: w, at: j * size) }
                    sink.advance(n * size)
                    k += n
                }
            }
        }
    }

    /// Encodes `count` records of `size` bytes straight into the sink's window, as many at a time as it has room
    /// for: `encode(k, writer, offset)` stores record `k` at `offset` of the writer's buffer.
    @inline(__always)
    private static func encodeRecords(
        _ count: Int, size: Int, order: ByteOrder, into sink: inout ByteSink,
        _ encode: (Int, RawWriter, Int) -> Void
    ) throws {
        var k = 0
        while k < count {
            let free = try sink.space(atLeast: size)
            let n = min(free.count / size, count - k)
            let w = RawWriter(free, order: order)
            for j in 0..<n { encode(k + j, w, j * size) }
            sink.advance(n * size)
            k += n
        }
    }
}
