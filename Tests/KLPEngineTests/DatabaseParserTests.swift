import Testing

@testable import KLPEngine

/// (object, position, copies, file, line) of each candidate, for compact expectations.
func summary(_ candidates: [DatabaseCandidate]) -> [String] {
    candidates.map { "\($0.object),\($0.position)/\($0.copiesInObject),\($0.file ?? "-"),\($0.line)" }
}

@Suite("symbols.klp contents")
struct DatabaseParserTests {
    @Test func positionsInAnOrderedFile() throws {
        let db = try parseDatabase(
            """
            klp-convert-symbol-data.0.1 order=kallsyms
            *vmlinux
            homonym
            unique
            homonym
            homonym
            *test_klp_convert_mod
            homonym
            other

            """)
        #expect(db.order == .kallsyms)
        #expect(db.orderReason == .headerAttribute)
        #expect(
            summary(db.candidates(named: "homonym")) == [
                "vmlinux,1/3,-,3", "vmlinux,2/3,-,5", "vmlinux,3/3,-,6", "test_klp_convert_mod,0/1,-,8",
            ])
        #expect(summary(db.candidates(named: "unique")) == ["vmlinux,0/1,-,4"])
        #expect(
            summary(db.candidates(named: "homonym", in: "test_klp_convert_mod")) == ["test_klp_convert_mod,0/1,-,8"])
        #expect(db.candidates(named: "homonym", in: "vmlinux").map(\.position) == [1, 2, 3])
        #expect(db.candidates(named: "missing").isEmpty)
        #expect(db.candidates(named: "unique", in: "test_klp_convert_mod").isEmpty)
        #expect(db.candidates(named: "unique", in: "no_such_object").isEmpty)
        #expect(db.copies(of: "homonym", in: "vmlinux") == 3)
        #expect(db.copies(of: "homonym", in: "test_klp_convert_mod") == 1)
        #expect(db.copies(of: "other", in: "vmlinux") == 0)
        #expect(db.symbolCount == 6)
        #expect(db.objectNames == ["vmlinux", "test_klp_convert_mod"])
    }

    @Test func positionsInANameSortedFile() throws {
        let db = try parseDatabase(header + "*vmlinux\na\nb\nb\nc\n*mod\nb\nc\nc\n")
        #expect(db.order == .nameSorted)
        #expect(db.orderReason == .everyObjectNameSorted)
        // Positions still follow line order; for such a file they only say how many copies exist.
        #expect(summary(db.candidates(named: "b")) == ["vmlinux,1/2,-,4", "vmlinux,2/2,-,5", "mod,0/1,-,8"])
        #expect(summary(db.candidates(named: "c")) == ["vmlinux,0/1,-,6", "mod,1/2,-,9", "mod,2/2,-,10"])
    }

    @Test func sourceFileMarkers() throws {
        let db = try parseDatabase(
            """
            klp-convert-symbol-data.0.2
            *vmlinux
            before_any_file
            -core.c
            get_homonym_string
            -util.c
            get_homonym_string
            *test_klp_convert_mod
            reset_by_object
            -test_klp_convert_mod_a.c
            homonym_string
            -test_klp_convert_mod_b.c
            homonym_string
            """)
        #expect(db.order == .kallsyms)
        #expect(db.orderReason == .formatVersion02)
        #expect(
            summary(db.candidates(named: "get_homonym_string")) == ["vmlinux,1/2,core.c,5", "vmlinux,2/2,util.c,7"])
        #expect(summary(db.candidates(named: "before_any_file")) == ["vmlinux,0/1,-,3"])
        #expect(summary(db.candidates(named: "reset_by_object")) == ["test_klp_convert_mod,0/1,-,9"])
        #expect(
            summary(db.candidates(named: "homonym_string")) == [
                "test_klp_convert_mod,1/2,test_klp_convert_mod_a.c,11",
                "test_klp_convert_mod,2/2,test_klp_convert_mod_b.c,13",
            ])
    }

    @Test func exportMarkersOfBothKinds() throws {
        let db = try parseDatabase(
            header + """
                *vmlinux
                __ksymtab_printk
                printk
                static_fn
                *foo-bar
                __export_symbol_foo_api
                foo_api
                printk
                *other
                __ksymtab_foo_api

                """)
        #expect(db.isExported("printk"))
        #expect(db.exportingObjects(of: "printk") == ["vmlinux"])
        #expect(db.isExportedByVmlinux("printk"))
        #expect(db.isExported("foo_api"))
        #expect(db.exportingObjects(of: "foo_api") == ["foo_bar", "other"])
        #expect(!db.isExportedByVmlinux("foo_api"))
        #expect(!db.isExported("static_fn"))
        #expect(db.exportingObjects(of: "static_fn").isEmpty)
        // Markers are not symbols.
        #expect(db.candidates(named: "__ksymtab_printk").isEmpty)
        #expect(db.candidates(named: "__export_symbol_foo_api").isEmpty)
        #expect(db.symbolCount == 4)
        #expect(summary(db.candidates(named: "printk")) == ["vmlinux,0/1,-,4", "foo_bar,0/1,-,9"])
    }

    @Test func objectNamesAreNormalised() throws {
        let db = try parseDatabase(header + "*snd-hda-codec\nx\n*vmlinux\n*snd_hda_codec\ny\n")
        #expect(db.objectNames == ["snd_hda_codec", "vmlinux"])
        #expect(db.hasObject("snd_hda_codec"))
        #expect(db.hasObject("snd-hda-codec"))
        #expect(!db.hasObject("snd"))
        // A repeated block continues the object: both lines belong to it.
        #expect(db.candidates(inObject: "snd_hda_codec").map(\.name) == ["x", "y"])
        #expect(db.candidates(named: "y").map(\.object) == ["snd_hda_codec"])
    }

    @Test func repeatedObjectBlockCountsCopiesAcrossBlocks() throws {
        let db = try parseDatabase(header + "*m\na\n*n\na\n*m\na\n")
        #expect(summary(db.candidates(named: "a")) == ["m,1/2,-,3", "n,0/1,-,5", "m,2/2,-,7"])
        #expect(db.objectNames == ["m", "n"])
    }

    @Test func objectWithoutSymbols() throws {
        let db = try parseDatabase(header + "*empty\n*vmlinux\nx\n*also-empty\n")
        #expect(db.objectNames == ["empty", "vmlinux", "also_empty"])
        #expect(db.hasObject("empty"))
        #expect(db.hasObject("also_empty"))
        #expect(db.candidates(inObject: "empty").isEmpty)
        #expect(db.candidates(inObject: "also_empty").isEmpty)
        #expect(db.symbolCount == 1)
    }

    @Test func headerOnly() throws {
        let db = try parseDatabase("klp-convert-symbol-data.0.1")
        #expect(db.objectNames.isEmpty)
        #expect(db.symbolCount == 0)
        #expect(db.order == .nameSorted)
    }

    @Test func noFinalNewline() throws {
        let db = try parseDatabase(header + "*vmlinux\nfirst\nlast")
        #expect(summary(db.candidates(named: "last")) == ["vmlinux,0/1,-,4"])
        #expect(db.symbolCount == 2)
        let targeted = try parseDatabase(header + "*vmlinux\nfirst\nlast", only: ["last"])
        #expect(summary(targeted.candidates(named: "last")) == ["vmlinux,0/1,-,4"])
    }

    @Test func longestAcceptedLineAndBeyond() throws {
        let longest = String(repeating: "abcdefgh", count: SymbolListParser.maximumLineLength / 8)
        let text = header + "*vmlinux\nsmall\n" + longest + "\n" + longest + "\nafter\n"
        let db = try parseDatabase(text)
        #expect(summary(db.candidates(named: longest)) == ["vmlinux,1/2,-,4", "vmlinux,2/2,-,5"])
        #expect(db.candidates(named: "after").first?.line == 6)
        let targeted = try parseDatabase(text, only: [longest, "after"])
        #expect(targeted.candidates(named: longest) == db.candidates(named: longest))
        // Substring search reaches into the long name.
        #expect(db.nameIDs(containing: "habc").map { db.name(of: $0) } == [longest])
        // A 4 MB line is corruption: refused with its line number, in both load modes.
        let huge = header + "*vmlinux\nsmall\n" + String(repeating: "abcdefghij", count: 400_000) + "\n"
        for only in [nil, Set(["small"])] as [Set<String>?] {
            #expect(throws: DatabaseError.self) { try parseDatabase(huge, only: only) }
            do { _ = try parseDatabase(huge, only: only) } catch {
                #expect("\(error)".contains(":4: File format error: line is 4000000 bytes long"))
            }
        }
    }

    @Test func targetedLoadKeepsOnlyTheGivenNames() throws {
        let text = header + "*vmlinux\n__ksymtab_a\na\nb\n-x.c\na\n*m\n__export_symbol_b\nb\nc\n"
        let full = try parseDatabase(text)
        let targeted = try parseDatabase(text, only: ["a", "b", "zz"])
        for name in ["a", "b", "zz"] {
            #expect(targeted.candidates(named: name) == full.candidates(named: name))
            #expect(targeted.isExported(name) == full.isExported(name))
            #expect(targeted.exportingObjects(of: name) == full.exportingObjects(of: name))
        }
        #expect(targeted.candidates(named: "c").isEmpty)
        #expect(targeted.symbolCount == 4)
        #expect(targeted.objectNames == full.objectNames)
        #expect(targeted.order == full.order)
        #expect(targeted.orderReason == full.orderReason)
        #expect(targeted.onlyNames == ["a", "b", "zz"])
        #expect(full.onlyNames == nil)
    }
}
