@testable import KLPEngine

// libFuzzer target: symbols.klp and Module.symvers parsers, and the evidence pass (EvidenceReader). The first
// byte picks the mode (full load, targeted load, symvers merge); the rest is the file. Errors are fine; traps and
// inconsistent answers are findings.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDatabase(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard size > 0, let data else { return 0 }
    let mode = data[0] % 3
    let body = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
    let base = Array("klp-convert-symbol-data.0.1\n*vmlinux\nfoo\nfoo\n__ksymtab_bar\n".utf8)
    switch mode {
    case 0, 1:
        let only: Set<String>? = mode == 1 ? ["foo", "bar", "init_once", "a"] : nil
        guard let db = try? SymbolDatabase.parse(bytes: body, path: "fuzz.klp", only: only) else { return 0 }
        exercise(db)
        exerciseEvidence(body)
    default:
        guard let db = try? SymbolDatabase.parse(bytes: base, path: "base.klp"),
            let merged = try? db.addingExports(fromSymversBytes: body, path: "Module.symvers")
        else { return 0 }
        exercise(merged)
    }
    return 0
}

private func exercise(_ db: SymbolDatabase) {
    var total = 0
    for id in db.allNameIDs.prefix(64) {
        let candidates = db.candidates(for: id)
        guard candidates.count == db.lineCount(of: id) else { fatalError("candidate count differs from line count") }
        let name = db.name(of: id)
        // Names that are not valid UTF-8 do not survive the String round trip; look up the others by name too.
        let exact = db.nameID(of: name) == id
        if exact, db.candidates(named: name).count != candidates.count {
            fatalError("lookup by name differs for \(name)")
        }
        for c in candidates {
            guard db.hasObject(c.object) else { fatalError("candidate in unknown object \(c.object)") }
            let copies = c.copiesInObject
            guard (copies == 1 && c.position == 0) || (copies > 1 && (1...copies).contains(c.position)) else {
                fatalError("position \(c.position) of \(copies) copies for \(name)")
            }
            if exact, db.copies(of: name, in: c.object) != copies { fatalError("copies(of:in:) differs for \(name)") }
            total += 1
        }
        _ = db.exportingObjects(of: name)
    }
    for object in db.objectNames.prefix(8) { _ = db.candidates(inObject: object) }
    _ = db.nameIDs(containing: "a", ignoringCase: true, limit: 16)
    _ = total
}

/// The evidence pass over a file the parser accepted: only wanted lines come back, neighbours stay bounded.
private func exerciseEvidence(_ body: UnsafeRawBufferPointer) {
    let wanted = Set(2..<66)
    guard let evidence = try? EvidenceReader.read(body, path: "fuzz.klp", lines: wanted) else { return }
    for (line, e) in evidence {
        guard wanted.contains(line) else { fatalError("evidence for line \(line), which was not asked for") }
        guard e.before.count <= EvidenceReader.neighbourCount, e.after.count <= EvidenceReader.neighbourCount else {
            fatalError("more than \(EvidenceReader.neighbourCount) neighbours for line \(line)")
        }
    }
}
