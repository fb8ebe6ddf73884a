import Testing

@testable import KLPEngine

@Suite("symbols.klp order detection")
struct DatabaseOrderTests {
    @Test func headerAttributeAmongOthers() throws {
        let db = try parseDatabase(
            "klp-convert-symbol-data.0.1 built=2026\torder=kallsyms arch=x86_64\n*vmlinux\na\nb\n")
        #expect(db.order == .kallsyms)
        #expect(db.orderReason == .headerAttribute)
    }

    @Test func otherAttributeDoesNotOrder() throws {
        let db = try parseDatabase("klp-convert-symbol-data.0.1 order=kallsymsX\n*vmlinux\na\nb\n")
        #expect(db.order == .nameSorted)
    }

    @Test func prefixCompareLikeV7() throws {
        // v7 compares only the 27-character prefix.
        let db = try parseDatabase("klp-convert-symbol-data.0.1-extra\n*vmlinux\na\n")
        #expect(db.objectNames == ["vmlinux"])
    }

    @Test func version02() throws {
        let db = try parseDatabase("klp-convert-symbol-data.0.2\n*vmlinux\na\nb\n")
        #expect(db.orderReason == .formatVersion02)
        #expect(db.order == .kallsyms)
    }

    @Test func fileMarkerOrders() throws {
        let db = try parseDatabase(header + "*vmlinux\na\nb\n*m\n-m.c\nc\n")
        #expect(db.order == .kallsyms)
        #expect(db.orderReason == .fileMarker(line: 6))
    }

    @Test func unsortedBlockOrders() throws {
        let db = try parseDatabase(header + "*vmlinux\na\nb\nb\n*mod\nalpha\nzeta\nbeta\n")
        #expect(db.order == .kallsyms)
        #expect(db.orderReason == .unsortedObject(object: "mod", line: 9))
        #expect(db.orderReason.description.contains("line 9"))
    }

    @Test func blocksAreComparedSeparately() throws {
        // "z" then "a" across an object boundary is still name-sorted per block.
        let db = try parseDatabase(header + "*vmlinux\nx\nz\n*mod\na\nb\n")
        #expect(db.order == .nameSorted)
    }

    @Test func comparisonIsBytewise() throws {
        // LC_COLLATE=C: "Z" (0x5a) < "_" (0x5f) < "a" (0x61); a prefix sorts first.
        let sorted = try parseDatabase(header + "*vmlinux\nZ\n__ksymtab_a\n_a\na\nab\n")
        #expect(sorted.order == .nameSorted)
        let unsorted = try parseDatabase(header + "*vmlinux\nab\na\n")
        #expect(unsorted.orderReason == .unsortedObject(object: "vmlinux", line: 4))
    }

    @Test func earliestEvidenceIsReported() throws {
        let db = try parseDatabase(header + "*vmlinux\nb\na\n-f.c\n")
        #expect(db.orderReason == .unsortedObject(object: "vmlinux", line: 4))
    }
}
