import Testing

@testable import KLPEngine

/// ELFObject finds sections and symbols by identity through an array indexed by the identity's raw value (dense
/// from the reader); identities a hand-built model may use instead (negative, far apart) must work the same.
@Suite struct ELFModelIdentityTests {
    static func section(_ id: Int, _ name: String) -> Section {
        Section(
            id: SectionID(id), name: name, type: .progbits, flags: [.alloc], alignment: 1, content: .bytes([1, 2]))
    }

    static func symbol(_ id: Int, _ name: String) -> Symbol {
        Symbol(id: SymbolID(id), name: name, binding: .global, type: .object, section: .undefined)
    }

    static func object(sections: [Int], symbols: [Int]) -> ELFObject {
        let header = ELFHeader(
            elfClass: .elf64, byteOrder: .little, osABI: 0, abiVersion: 0, type: .rel, machine: .x86_64, version: 1,
            entry: 0, flags: 0)
        return ELFObject(
            path: "hand.ko", header: header, sections: sections.map { section($0, "s\($0)") },
            symbols: symbols.map { symbol($0, "y\($0)") }, symbolTable: nil, sectionNameTable: nil)
    }

    @Test(arguments: [[1, 2, 3, 4], [7, 3, 5], [-4, 2, 9_000_000, 0], [5_000_000_000, 12]])
    func lookupsEditsAndRemovalsFollowIdentities(ids: [Int]) {
        var object = Self.object(sections: ids, symbols: ids)
        for (place, id) in ids.enumerated() {
            #expect(object.section(SectionID(id))?.name == "s\(id)")
            #expect(object.currentIndex(of: SectionID(id)) == place + 1)
            #expect(object.symbol(SymbolID(id))?.name == "y\(id)")
        }
        for missing in [-1, 6, 10_000, 9_000_001, Int.max] where !ids.contains(missing) {
            #expect(object.section(SectionID(missing)) == nil)
            #expect(object.symbol(SymbolID(missing)) == nil)
        }
        let added = object.appendSection(
            name: "new", type: .progbits, flags: [], alignment: 1, entrySize: 0, link: nil, info: .raw(0),
            content: .bytes([]))
        let addedSymbol = object.appendSymbol(name: "newsym", binding: .local, type: .notype, section: .absolute)
        #expect(added.rawValue == ids.max()! + 1 && addedSymbol.rawValue == ids.max()! + 1)
        #expect(object.section(added)?.name == "new" && object.symbol(addedSymbol)?.name == "newsym")
        object.updateSymbol(SymbolID(ids[1])) { $0.name = "renamed" }
        #expect(object.symbol(SymbolID(ids[1]))?.name == "renamed")
        // Removing the first identity moves every other one place up; the removed one is gone.
        object.removeSections([SectionID(ids[0])])
        object.removeSymbols([SymbolID(ids[0])])
        #expect(object.section(SectionID(ids[0])) == nil && object.symbol(SymbolID(ids[0])) == nil)
        for (place, id) in ids.dropFirst().enumerated() {
            #expect(object.currentIndex(of: SectionID(id)) == place + 1)
            #expect(object.symbol(SymbolID(id)).map { $0.name == "y\(id)" || $0.name == "renamed" } == true)
        }
        #expect(object.currentIndex(of: added) == ids.count)
    }
}
