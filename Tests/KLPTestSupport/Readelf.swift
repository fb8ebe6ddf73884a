/// An ELF object as GNU readelf (binutils) sees it: the parse of `readelf -W -h -S -s -r --enable-checks`, the one
/// readelf model of the tests. Tests check what the converter writes through this independent reader, never only
/// through the engine's own.
public struct Readelf {
    public struct Header: Equatable, Sendable {
        public var elfClass = ""  // "ELF64" / "ELF32"
        public var data = ""  // "2's complement, little endian"
        public var type = ""  // "REL (Relocatable file)"
        public var machine = ""  // "PowerPC64"
        public var flags = ""  // "0x2, abiv2"
    }

    public struct Section: Equatable, Sendable {
        public var index: Int
        public var name: String
        public var type: String  // "PROGBITS", "RELA", ...
        public var size: UInt64
        public var entrySize: UInt64
        public var flags: String  // readelf letters, e.g. "AIo"
        public var link: Int
        public var info: Int
        public var alignment: UInt64
    }

    public struct Symbol: Equatable, Sendable {
        public var index: Int
        public var value: UInt64
        public var size: String  // decimal, or hex with 0x for large sizes, as readelf prints it
        public var type: String  // "NOTYPE", "FUNC", ...
        public var bind: String  // "LOCAL", "GLOBAL", "WEAK"
        public var visibility: String  // "DEFAULT" (plus readelf's "[<localentry>: 8]" note on ppc64)
        public var sectionIndex: String  // "UND", "ABS", "12", "OS [0xff20]"
        public var name: String

        /// The section index without readelf's range label: "UND", "ABS", "12", or "0xff20" for SHN_LIVEPATCH.
        public var ndx: String {
            sectionIndex.hasPrefix("OS [") ? String(sectionIndex.dropFirst(4).dropLast()) : sectionIndex
        }
    }

    public struct Relocation: Equatable, Sendable {
        public var offset: UInt64
        public var info: UInt64
        public var type: String  // "R_X86_64_PC32"
        public var symbolName: String?  // nil when the relocation has no symbol
        public var addend: Int64?  // nil for SHT_REL

        public init(offset: UInt64, info: UInt64, type: String, symbolName: String?, addend: Int64?) {
            self.offset = offset
            self.info = info
            self.type = type
            self.symbolName = symbolName
            self.addend = addend
        }
    }

    public var header = Header()
    public var sections: [Section] = []
    public var symbols: [Symbol] = []
    /// Relocations keyed by the relocation section's name, in file order.
    public var relocations: [String: [Relocation]] = [:]
    /// Names of the relocation sections in the order readelf listed them.
    public var relocationSectionOrder: [String] = []
    /// readelf's warnings (stderr), with --enable-checks on.
    public var warnings: [String] = []

    /// The warnings that point at a real problem.  --enable-checks also notes every empty section
    /// ("has a size of zero", "zero-sized relocation section"): gcc emits empty .data and
    /// .note.GNU-stack, and the converter keeps an emptied .rela section that something still refers
    /// to (the kernel loader accepts it), so those notes are not counted.
    public var problems: [String] {
        warnings.filter { !$0.contains("has a size of zero") && !$0.contains("zero-sized relocation section") }
    }

    public func section(named name: String) -> Section? { sections.first { $0.name == name } }
    public func sections(withPrefix prefix: String) -> [Section] { sections.filter { $0.name.hasPrefix(prefix) } }
    public func symbols(named name: String) -> [Symbol] { symbols.filter { $0.name == name } }
    public func relocations(in section: String) -> [Relocation] { relocations[section] ?? [] }
}

/// A line of readelf output that did not have the expected shape.
public struct ReadelfParseError: Error, CustomStringConvertible {
    public let file: String
    public let line: String
    public let problem: String
    public var description: String { "readelf output for \(file): \(problem): \(line)" }
}

extension Readelf {
    /// Runs `readelf -W -h -S -s -r --enable-checks` on `path` and parses the result.  GNU readelf
    /// decodes every architecture's relocation names itself, so the host binutils reads the cross
    /// objects too.
    public init(_ path: String) throws {
        let result = try Self.readelf(["-W", "-h", "-S", "-s", "-r", "--enable-checks", path])
        self = try Self.parse(result.stdout, file: path)
        warnings = result.stderr.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
    }

    /// Untranslated output, whatever the machine's locale: the parser reads English.
    private static func readelf(_ arguments: [String]) throws -> ChildProcessResult {
        try ChildProcess.check("readelf", arguments, ChildProcess.Options(environment: ["LC_ALL": "C"]))
    }

    /// The raw bytes of one section, from `readelf -x` (binutils' hex dump, not our reader).
    public static func sectionBytes(_ path: String, section: String) throws -> [UInt8] {
        let result = try readelf(["-W", "-x", section, path])
        var bytes: [UInt8] = []
        for line in result.stdout.split(separator: "\n") {
            let trimmed = line.drop { $0 == " " }
            guard trimmed.hasPrefix("0x") else { continue }
            // "0x00000000 00000000 00000000 00000001 00000000 ................"
            let fields = trimmed.split(separator: " ", omittingEmptySubsequences: true)
            for word in fields.dropFirst().prefix(4) {
                guard word.allSatisfy(\.isHexDigit) else { break }
                var chars = Array(word)
                while chars.count >= 2 {
                    guard let byte = UInt8(String(chars[0..<2]), radix: 16) else {
                        throw ReadelfParseError(file: path, line: String(line), problem: "bad hex byte")
                    }
                    bytes.append(byte)
                    chars.removeFirst(2)
                }
            }
        }
        return bytes
    }

    /// The line shapes, built once per parse (Regex is not Sendable, so no static constants).
    private struct Patterns {
        // "  [ 2] .rela.text        RELA   0000000000000000 0012d8 000270 18   I 46   1  8"
        let section = Regex<AnyRegexOutput>(
            #/^\s*\[\s*(\d+)\]\s(\S*)\s+(\S+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+(.*?)\s*(\d+)\s+(\d+)\s+(\d+)\s*$/#
        )
        // "    33: 0000000000000000     0 NOTYPE  GLOBAL DEFAULT  UND saved_command_line"
        // "    40: 0000000000000000     0 NOTYPE  GLOBAL DEFAULT OS [0xff20] .klp.sym.vmlinux.x,0"
        // "    12: 0000000000000000    44 FUNC    GLOBAL DEFAULT [<localentry>: 8]     1 f"
        let symbol = Regex<AnyRegexOutput>(
            #/^\s*(\d+):\s+([0-9a-f]+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+(?:\s+\[[^\]]*\])?)\s+(OS \[0x[0-9a-f]+\]|PRC\[0x[0-9a-f]+\]|RSV\[0x[0-9a-f]+\]|\S+)(?:\s(.*))?$/#
        )
        // ELF64: "0000000000000001  0000002500000004 R_X86_64_PLT32   0000000000000000 __fentry__ - 4"
        // ELF32: "00000000  00001f01 R_PPC_ADDR32           00000000   homonym_string + 0"
        // no symbol: "0000000000000010  0000000000000000 R_X86_64_NONE                        0"
        let relocation = Regex<AnyRegexOutput>(
            #/^([0-9a-f]+)\s+([0-9a-f]+)\s+(\S+)\s+(?:([0-9a-f]+)\s+(\S.*?)(?:\s+([+-])\s+([0-9a-f]+))?|([0-9a-f]+))\s*$/#
        )
    }

    /// `readelf -x` of every section at once (the hex dumps name sections, not file offsets, so
    /// two files with the same contents in a different layout give the same text).
    public static func allSectionContents(_ path: String, sectionCount: Int) throws -> String {
        guard sectionCount > 1 else { return "" }
        let selectors = (1..<sectionCount).flatMap { ["-x", String($0)] }
        return try readelf(["-W"] + selectors + [path]).stdout
    }

    /// Section name → its hex dump lines (readelf's "NOTE: ... relocations" remark dropped), for
    /// every section that has contents, from one `readelf -x` call.
    public static func sectionContentsByName(_ path: String, sectionCount: Int) throws -> [String: [String]] {
        var result: [String: [String]] = [:]
        var current: String?
        for line in try allSectionContents(path, sectionCount: sectionCount).split(separator: "\n") {
            let text = String(line)
            if text.hasPrefix("Hex dump of section '") {
                current = try quotedName(text, file: path)
                result[current ?? ""] = []
            } else if let name = current, text.hasPrefix("  0x") {
                result[name, default: []].append(text)
            }
        }
        return result
    }

    private enum Part {
        case none, header, sections, symbols
        case relocations(String)
    }

    public static func parse(_ text: String, file: String) throws -> Readelf {
        var dump = Readelf()
        var part = Part.none
        let patterns = Patterns()
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(rawLine)
            if line.hasPrefix("ELF Header:") {
                part = .header
                continue
            }
            if line.hasPrefix("Section Headers:") {
                part = .sections
                continue
            }
            if line.hasPrefix("Key to Flags:") {
                part = .none
                continue
            }
            if line.hasPrefix("Symbol table '") {
                part = .symbols
                continue
            }
            if line.hasPrefix("Relocation section '") {
                let name = try quotedName(line, file: file)
                dump.relocations[name] = []
                dump.relocationSectionOrder.append(name)
                part = .relocations(name)
                continue
            }
            if line.hasPrefix("There are no ") { continue }
            switch part {
            case .none:
                continue
            case .header:
                parseHeaderLine(line, into: &dump.header)
            case .sections:
                if let section = try parseSection(line, file: file, pattern: patterns.section) {
                    dump.sections.append(section)
                }
            case .symbols:
                if let symbol = try parseSymbol(line, file: file, pattern: patterns.symbol) {
                    dump.symbols.append(symbol)
                }
            case .relocations(let name):
                if let relocation = try parseRelocation(line, file: file, pattern: patterns.relocation) {
                    dump.relocations[name, default: []].append(relocation)
                }
            }
        }
        return dump
    }

    private static func quotedName(_ line: String, file: String) throws -> String {
        let parts = line.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw ReadelfParseError(file: file, line: line, problem: "no quoted section name")
        }
        return String(parts[1])
    }

    private static func parseHeaderLine(_ line: String, into header: inout Readelf.Header) {
        let parts = line.split(separator: ":", maxSplits: 1)
        guard parts.count == 2 else { return }
        func trimmed(_ text: Substring) -> String {
            String(text.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
        }
        let key = trimmed(parts[0])
        let value = trimmed(parts[1])
        switch key {
        case "Class": header.elfClass = value
        case "Data": header.data = value
        case "Type": header.type = value
        case "Machine": header.machine = value
        case "Flags": header.flags = value
        default: break
        }
    }

    private static func parseSection(_ line: String, file: String, pattern: Regex<AnyRegexOutput>) throws
        -> Readelf.Section?
    {
        guard line.contains("]"), !line.contains("[Nr]") else { return nil }  // column titles
        guard let match = line.wholeMatch(of: pattern) else {
            throw ReadelfParseError(file: file, line: line, problem: "unexpected section header line")
        }
        func text(_ i: Int) -> String { match.output[i].substring.map(String.init) ?? "" }
        func number(_ i: Int, radix: Int = 10) throws -> UInt64 {
            guard let value = UInt64(text(i), radix: radix) else {
                throw ReadelfParseError(file: file, line: line, problem: "bad number '\(text(i))'")
            }
            return value
        }
        func index(_ i: Int) throws -> Int {
            guard let value = Int(text(i)) else {
                throw ReadelfParseError(file: file, line: line, problem: "bad index '\(text(i))'")
            }
            return value
        }
        return Readelf.Section(
            index: try index(1), name: text(2), type: text(3),
            size: try number(6, radix: 16), entrySize: try number(7, radix: 16), flags: text(8),
            link: try index(9), info: try index(10), alignment: try number(11))
    }

    private static func parseSymbol(_ line: String, file: String, pattern: Regex<AnyRegexOutput>) throws
        -> Readelf.Symbol?
    {
        guard let first = line.split(separator: " ").first, first.hasSuffix(":"),
            first.dropLast().allSatisfy(\.isNumber)
        else { return nil }  // column titles and blank lines
        guard let match = line.wholeMatch(of: pattern) else {
            throw ReadelfParseError(file: file, line: line, problem: "unexpected symbol line")
        }
        func text(_ i: Int) -> String { match.output[i].substring.map(String.init) ?? "" }
        guard let index = Int(text(1)), let value = UInt64(text(2), radix: 16) else {
            throw ReadelfParseError(file: file, line: line, problem: "bad symbol index or value")
        }
        return Readelf.Symbol(
            index: index, value: value, size: text(3), type: text(4), bind: text(5),
            visibility: text(6), sectionIndex: text(7), name: text(8))
    }

    private static func parseRelocation(_ line: String, file: String, pattern: Regex<AnyRegexOutput>) throws
        -> Readelf.Relocation?
    {
        guard let first = line.first, first.isHexDigit else { return nil }  // titles, blank lines
        guard let match = line.wholeMatch(of: pattern) else {
            throw ReadelfParseError(file: file, line: line, problem: "unexpected relocation line")
        }
        func text(_ i: Int) -> String? { match.output[i].substring.map(String.init) }
        guard let offset = UInt64(text(1) ?? "", radix: 16), let info = UInt64(text(2) ?? "", radix: 16),
            let type = text(3)
        else {
            throw ReadelfParseError(file: file, line: line, problem: "bad offset, info or type")
        }
        if let bare = text(8) {
            guard let addend = Int64(bare, radix: 16) else {
                throw ReadelfParseError(file: file, line: line, problem: "bad addend")
            }
            return Readelf.Relocation(offset: offset, info: info, type: type, symbolName: nil, addend: addend)
        }
        var addend: Int64?
        if let sign = text(6), let magnitudeText = text(7) {
            guard let magnitude = UInt64(magnitudeText, radix: 16) else {
                throw ReadelfParseError(file: file, line: line, problem: "bad addend")
            }
            let signed = Int64(bitPattern: magnitude)
            addend = sign == "-" ? 0 &- signed : signed
        }
        return Readelf.Relocation(offset: offset, info: info, type: type, symbolName: text(5), addend: addend)
    }
}
