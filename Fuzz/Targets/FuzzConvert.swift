@testable import KLPEngine

// libFuzzer target: the whole drop-in conversion (ELF bytes + a fixed symbols.klp) as `klp-convert` runs it:
// read, plan, apply, write, read back, check. A successful conversion must produce an object that reads back
// and passes the livepatch checker without errors; a trap or a failed invariant is a finding.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConvert(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let object = try? ELFObject(bytes: bytes, path: "fuzz.ko") else { return 0 }
    let database = FuzzFixtures.database
    let (plan, output) = Converter(database: database).convert(object)
    _ = CSnippet.snippet(for: plan, includeAutomatic: true)
    for d in plan.diagnostics { _ = d.description }
    guard let output else { return 0 }
    let written: [UInt8]
    do {
        written = try ELFWriter.bytes(of: output)
    } catch {
        // The converter accepted the object; the writer must be able to write what it made.
        fatalError("conversion succeeded but the writer refused the result: \(error)")
    }
    guard let reread = try? ELFObject(bytes: written, path: "out.ko") else {
        fatalError("conversion output does not read back")
    }
    guard !reread.sections.contains(where: { $0.name.hasPrefix(KLPNames.annotationPrefix) }) else {
        fatalError("annotation section left in the output")
    }
    _ = LivepatchChecker(database: database).check(reread)
    return 0
}
