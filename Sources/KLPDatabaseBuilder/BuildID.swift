import KLPEngine

/// GNU build IDs (NT_GNU_BUILD_ID notes): a debug vmlinux is only the running kernel's if both carry the same
/// ID. A release name alone does not say so: a distribution may rebuild a kernel under the same release, and
/// a debug package left from the earlier build would give positions of another kernel.
enum BuildID {
    /// The build ID in a stream of ELF notes (a SHT_NOTE section, or `/sys/kernel/notes`, which is the running
    /// kernel's .notes section), or nil. Each note: namesz, descsz, type (4 bytes each), then name and
    /// descriptor, each padded to 4 bytes.
    static func fromNotes<Bytes: RandomAccessCollection<UInt8>>(_ notes: Bytes, bigEndian: Bool) -> [UInt8]?
    where Bytes.Index == Int {
        func word(_ at: Int) -> Int {
            let b = (0..<4).map { Int(notes[notes.startIndex + at + $0]) }
            return bigEndian ? b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3] : b[3] << 24 | b[2] << 16 | b[1] << 8 | b[0]
        }
        func padded(_ n: Int) -> Int { (n + 3) & ~3 }
        var at = 0
        while at + 12 <= notes.count {
            let nameSize = word(at), descSize = word(at + 4), type = word(at + 8)
            let name = at + 12, desc = name + padded(nameSize)
            guard nameSize <= notes.count, descSize <= notes.count, desc + descSize <= notes.count else { return nil }
            let isGNU =
                nameSize == 4
                && Array(notes[(notes.startIndex + name)..<(notes.startIndex + name + 4)])
                    == [UInt8(ascii: "G"), UInt8(ascii: "N"), UInt8(ascii: "U"), 0]
            if isGNU && type == 3 && descSize > 0 {  // NT_GNU_BUILD_ID
                return Array(notes[(notes.startIndex + desc)..<(notes.startIndex + desc + descSize)])
            }
            at = desc + padded(descSize)
        }
        return nil
    }

    /// The build ID of an uncompressed ELF file, from its SHT_NOTE sections; nil when it has none or cannot be
    /// read (the builder reports a bad file when it reads it).
    static func ofELF(path: String) -> [UInt8]? {
        guard let file = try? InputFile.map(path) else { return nil }
        return file.withBytes { raw -> [UInt8]? in
            guard raw.count > 5, let sections = try? SymbolTableScan.sectionHeaders(raw: raw, path: path) else {
                return nil
            }
            let bigEndian = raw[5] == 2  // EI_DATA: ELFDATA2MSB
            for section in sections where section.type == SectionType.note {
                // In bounds: the scanner checked every section's contents against the file size.
                let start = Int(section.offset)
                let bytes = UnsafeRawBufferPointer(rebasing: raw[start..<(start + Int(section.size))])
                if let id = fromNotes(bytes, bigEndian: bigEndian) { return id }
            }
            return nil
        }
    }

    static func hex(_ id: [UInt8]) -> String {
        id.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
