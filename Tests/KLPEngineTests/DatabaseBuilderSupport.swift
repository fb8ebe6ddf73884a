import Foundation
import KLPTestSupport

@testable import KLPEngine

/// Independent readings with binutils for the database builder tests: `readelf -SW` / `readelf -sW` parsed as
/// text, and the kernel's module rule (§1.4) applied to them, so the builder's own ELF scan is not its judge.
enum ReadelfOracle {
    struct Section {
        var index: Int
        var name: String
        var flags: String
    }
    struct Sym {
        var value: UInt64
        var type: String
        var bind: String
        var ndx: String
        var name: String
    }

    static func sections(_ path: String) throws -> [Int: Section] {
        var result: [Int: Section] = [:]
        for line in try Tool.check("readelf", ["-SW", path]).split(separator: "\n") {
            // "  [ 1] .text  PROGBITS  0000000000000000 000040 000020 00  AX  0   0 16"
            guard let open = line.firstIndex(of: "["), let close = line.firstIndex(of: "]"),
                let index = Int(line[line.index(after: open)..<close].trimmingCharacters(in: .whitespaces))
            else { continue }
            let cols = line[line.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
            guard cols.count >= 6, index > 0 else { continue }
            // Columns: name type addr off size es [flags] lk inf al; flags is absent when empty.
            let flags = cols.count >= 10 ? String(cols[6]) : ""
            result[index] = Section(index: index, name: String(cols[0]), flags: flags)
        }
        return result
    }

    static func symbols(_ path: String) throws -> [Sym] {
        var result: [Sym] = []
        for rawLine in try Tool.check("readelf", ["-sW", path]).split(separator: "\n") {
            // ppc64 ELFv2 adds "[<localentry>: 8]" after the visibility column.
            let line = rawLine.replacingOccurrences(of: #"\[<[^\]]*\]"#, with: "", options: .regularExpression)
            let cols = line.split(separator: " ", omittingEmptySubsequences: true)
            guard cols.count >= 7, cols[0].hasSuffix(":"), let value = UInt64(cols[1], radix: 16) else { continue }
            if cols[0] == "0:" { continue }
            result.append(
                Sym(
                    value: value, type: String(cols[3]), bind: String(cols[4]), ndx: String(cols[6]),
                    name: cols.count > 7 ? String(cols[7]) : ""))
        }
        return result
    }

    /// The kernel's core-symbol rule applied to readelf's view: names in symtab order.
    static func moduleCoreSymbols(_ path: String, kallsymsAll: Bool = true) throws -> [String] {
        let sections = try sections(path)
        return try symbols(path).compactMap { s -> String? in
            guard !s.name.isEmpty, s.type != "SECTION", s.type != "FILE", let ndx = Int(s.ndx),
                let section = sections[ndx]
            else { return nil }
            if section.name == ".data..percpu" { return kallsymsAll ? s.name : nil }
            guard section.flags.contains("A"), section.name != ".modinfo", section.name != "__versions",
                !section.name.hasPrefix(".init")
            else { return nil }
            if !kallsymsAll && !section.flags.contains("X") { return nil }
            return s.name
        }
    }
}

enum BuilderTestFiles {
    static func write(_ text: String, _ path: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// Lines of one object block of a rendered database, without file markers (export markers included).
    static func symbolLines(_ bytes: [UInt8], object: String) -> [String] {
        var inside = false
        var result: [String] = []
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n").dropFirst() {
            if line.hasPrefix("*") {
                inside = line.dropFirst() == object
                continue
            }
            if inside && !line.hasPrefix("-") { result.append(String(line)) }
        }
        return result
    }
}
