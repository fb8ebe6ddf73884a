import Foundation
import Testing

@testable import KLPEngine
@testable import KLPSynthetic

@Suite("symbols.klp at scale (synthetic)")
struct DatabaseSyntheticTests {
    static let small = SyntheticSymbolList.Shape(
        vmlinuxSymbols: 6_000, modules: 60, symbolsPerModule: 120, ordered: true)

    /// A mixed selection: homonyms, exported names, unique names, module names, names that do not exist.
    static func selection(from db: SymbolDatabase, count: Int) -> Set<String> {
        var random = SyntheticSymbolList.Random(seed: 7)
        var names: Set<String> = ["__key", "_rs", "init_module", "no_such_symbol", "__ksymtab_x"]
        let ids = db.allNameIDs
        while names.count < count {
            names.insert(db.name(of: ids[Int(random.next() % UInt64(ids.count))]))
        }
        return names
    }

    @Test func generatorIsDeterministic() {
        #expect(SyntheticSymbolList.make(Self.small) == SyntheticSymbolList.make(Self.small))
        var other = Self.small
        other.seed = 2
        #expect(SyntheticSymbolList.make(Self.small) != SyntheticSymbolList.make(other))
    }

    @Test(arguments: [true, false])
    func generatedFilesParseWithTheirOrder(ordered: Bool) throws {
        var shape = Self.small
        shape.ordered = ordered
        let db = try SymbolDatabase.parse(bytes: SyntheticSymbolList.make(shape), path: "synthetic.klp")
        #expect(db.order == (ordered ? .kallsyms : .nameSorted))
        #expect(db.orderReason == (ordered ? .headerAttribute : .everyObjectNameSorted))
        #expect(db.objectNames.count == 61)
        #expect(db.objectNames.allSatisfy { !$0.contains("-") })
        // Homonyms with tens of copies inside vmlinux, numbered 1...k.
        let keys = db.candidates(named: "__key", in: "vmlinux")
        #expect(keys.count >= 20)
        #expect(keys.map(\.position) == Array(1...keys.count))
        #expect(keys.allSatisfy { $0.copiesInObject == keys.count })
        #expect(db.candidates(named: "init_module").count == 60)
        #expect(db.candidates(named: "init_module").allSatisfy { $0.position == 0 })
        // Markers of both kinds became exports.
        let exportedByModules = db.objectNames.dropFirst().filter { object in
            db.candidates(inObject: object).contains { db.exportingObjects(of: $0.name).contains(object) }
        }
        #expect(!exportedByModules.isEmpty)
        #expect(db.candidates(inObject: "vmlinux").contains { db.isExportedByVmlinux($0.name) })
        if ordered {
            #expect(keys.allSatisfy { $0.file != nil })
        }
    }

    @Test(arguments: [true, false])
    func targetedLoadEqualsFullLoad(ordered: Bool) throws {
        var shape = Self.small
        shape.ordered = ordered
        let bytes = SyntheticSymbolList.make(shape)
        let full = try SymbolDatabase.parse(bytes: bytes, path: "synthetic.klp")
        let wanted = Self.selection(from: full, count: 50)
        let targeted = try SymbolDatabase.parse(bytes: bytes, path: "synthetic.klp", only: wanted)
        var kept = 0
        for name in wanted {
            let expected = full.candidates(named: name)
            #expect(targeted.candidates(named: name) == expected, "\(name)")
            #expect(targeted.isExported(name) == full.isExported(name), "\(name)")
            #expect(targeted.exportingObjects(of: name) == full.exportingObjects(of: name), "\(name)")
            for object in Set(expected.map(\.object)) {
                #expect(targeted.candidates(named: name, in: object) == full.candidates(named: name, in: object))
            }
            kept += expected.count
        }
        #expect(targeted.symbolCount == kept)
        #expect(targeted.objectNames == full.objectNames)
        #expect(targeted.orderReason == full.orderReason)
    }

    @Test func everyLineIsReachableByName() throws {
        let db = try SymbolDatabase.parse(bytes: SyntheticSymbolList.make(Self.small), path: "synthetic.klp")
        var total = 0
        for id in db.allNameIDs {
            let candidates = db.candidates(for: id)
            #expect(candidates.count == db.lineCount(of: id))
            total += candidates.count
        }
        #expect(total == db.symbolCount)
        let perObject = db.objectNames.reduce(0) { $0 + db.candidates(inObject: $1).count }
        #expect(perObject == db.symbolCount)
    }

    @Test func substringSearchMatchesANaiveScan() throws {
        let db = try SymbolDatabase.parse(bytes: SyntheticSymbolList.make(Self.small), path: "synthetic.klp")
        let names = db.allNameIDs.map { (id: $0, name: db.name(of: $0)) }
        for needle in ["dma", "_rs", "init_module", "x", "compound_literal.1", "zzz-none", "mod_"] {
            let naive = names.filter { $0.name.contains(needle) }.map(\.id)
            #expect(db.nameIDs(containing: needle) == naive, "\(needle)")
        }
        let folded = names.filter { $0.name.lowercased().contains("dma_cpu") }.map(\.id)
        #expect(db.nameIDs(containing: "DMA_Cpu", ignoringCase: true) == folded)
        #expect(db.nameIDs(containing: "DMA_Cpu").isEmpty)
        let search = SymbolNameSearch(db, ignoringCase: true)
        #expect(search.nameIDs(containing: "dMa_CPU") == folded)
        #expect(search.nameIDs(containing: "dma_cpu", limit: 1) == Array(folded.prefix(1)))
        #expect(db.nameIDs(containing: "dma", limit: 3).count == 3)
        #expect(db.nameIDs(containing: "").count == db.uniqueNameCount)
        #expect(db.nameIDs(containing: "a\nb").isEmpty)
    }
}
