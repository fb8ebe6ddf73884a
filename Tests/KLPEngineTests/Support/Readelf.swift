import Foundation

/// binutils' view of an object for the conversion and CLI tests: a compact face over FixtureReadelf's parse of
/// `readelf -W -h -S -s -r --enable-checks` (one parser for the whole test target), so tests check what we
/// write with a reader that is not ours.
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

    var sections: [Section]
    var symbols: [Symbol]
    var relocations: [String: [Relocation]]
    /// readelf's warnings that point at a real problem.
    var warnings: [String]

    init(_ path: String) throws {
        let dump = try FixtureReadelf.dump(URL(fileURLWithPath: path))
        sections = dump.sections.map {
            Section(index: $0.index, name: $0.name, type: $0.type, flags: $0.flags, link: $0.link, info: $0.info,
                    align: Int($0.alignment), entsize: Int($0.entrySize), size: Int($0.size))
        }
        symbols = dump.symbols.map {
            let ndx = $0.sectionIndex.hasPrefix("OS [") ? String($0.sectionIndex.dropFirst(4).dropLast()) : $0.sectionIndex
            return Symbol(name: $0.name, type: $0.type, bind: $0.bind, ndx: ndx)
        }
        relocations = dump.relocations.mapValues { list in
            list.map { Relocation(offset: Int($0.offset), type: $0.type, symbol: $0.symbolName ?? "", addend: Int($0.addend ?? 0)) }
        }
        warnings = dump.problems
    }

    func section(_ name: String) -> Section? { sections.first { $0.name == name } }
}
