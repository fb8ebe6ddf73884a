import Foundation

/// binutils' view of an object: sections, symbols and relocations parsed from `readelf -SW -sW -rW`, so tests
/// check what we write with a reader that is not ours.
struct Readelf {
    struct Section {
        var index: Int
        var name: String
        var type: String
        var flags: String
        var link: Int
        var info: Int
        var align: Int
        var entsize: Int
        var size: Int
    }
    struct Symbol {
        var name: String
        var type: String
        var bind: String
        /// "UND", "ABS", a section number, or "0xff20" for SHN_LIVEPATCH.
        var ndx: String
    }
    struct Relocation {
        var offset: Int
        var type: String
        var symbol: String
        var addend: Int
    }

    var sections: [Section] = []
    var symbols: [Symbol] = []
    var relocations: [String: [Relocation]] = [:]
    var warnings: [String] = []

    init(_ path: String, readelf: String = "readelf") throws {
        let r = try Shell.run(readelf, ["-SW", "-sW", "-rW", path])
        guard r.status == 0 else { throw ShellError(message: "readelf failed on \(path): \(r.stderr)") }
        warnings = r.stderr.split(separator: "\n").map(String.init).filter { $0.contains("Warning") || $0.contains("Error") }
        var currentRelocs: String?
        var inSymbols = false
        for raw in r.stdout.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw)
            if line.hasPrefix("Relocation section '") {
                let name = line.dropFirst("Relocation section '".count).prefix { $0 != "'" }
                currentRelocs = String(name)
                relocations[String(name)] = []
                inSymbols = false
                continue
            }
            if line.hasPrefix("Symbol table '") { inSymbols = true; currentRelocs = nil; continue }
            if line.trimmingCharacters(in: .whitespaces).isEmpty { currentRelocs = nil; continue }
            if let m = line.range(of: #"^\s*\[\s*(\d+)\]"#, options: .regularExpression), !inSymbols, currentRelocs == nil {
                let idx = Int(line[m].filter(\.isNumber)) ?? -1
                var t = line[m.upperBound...].split(separator: " ").map(String.init)
                if idx == 0 { t.insert("", at: 0) }
                guard t.count >= 9 else { continue }
                let hasFlags = t.count >= 10
                let flags = hasFlags ? t[6] : ""
                let rest = Array(t.suffix(3))
                sections.append(Section(index: idx, name: t[0], type: t[1], flags: flags, link: Int(rest[0]) ?? -1,
                                        info: Int(rest[1]) ?? -1, align: Int(rest[2]) ?? -1,
                                        entsize: Int(t[5], radix: 16) ?? -1, size: Int(t[4], radix: 16) ?? -1))
                continue
            }
            if inSymbols, line.range(of: #"^\s*\d+:"#, options: .regularExpression) != nil {
                var t = line.split(separator: " ").map(String.init)
                guard t.count >= 7 else { continue }
                var ndx = t[6]
                if ndx == "OS" || ndx == "PRC", t.count >= 8 {
                    ndx = t[7].trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
                    t.remove(at: 6)
                }
                let name = t.count >= 8 ? t[7...].joined(separator: " ") : ""
                symbols.append(Symbol(name: name, type: t[3], bind: t[4], ndx: ndx))
                continue
            }
            if let sec = currentRelocs, let first = line.first, first.isHexDigit {
                let t = line.split(separator: " ").map(String.init)
                guard t.count >= 3, let offset = Int(t[0], radix: 16) else { continue }
                var symbol = "", addend = 0
                if t.count >= 7 {
                    symbol = t[4...(t.count - 3)].joined(separator: " ")
                    addend = (Int(t[t.count - 1], radix: 16) ?? 0) * (t[t.count - 2] == "-" ? -1 : 1)
                } else if t.count >= 4 {
                    addend = Int(t[3], radix: 16) ?? 0
                }
                relocations[sec, default: []].append(Relocation(offset: offset, type: t[2], symbol: symbol, addend: addend))
            }
        }
    }

    func section(_ name: String) -> Section? { sections.first { $0.name == name } }
}
