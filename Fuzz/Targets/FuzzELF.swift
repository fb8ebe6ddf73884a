@testable import KLPEngine

// libFuzzer target: ELF reader -> writer -> reader. Any bytes may be rejected with an ELFError; what the reader
// accepts must write without error, read back, and write again to the same bytes (the writer is deterministic).
// A trap, a sanitizer report or a broken round trip is a finding.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzELF(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let object = try? ELFObject(bytes: bytes, path: "fuzz.ko") else { return 0 }
    let first: [UInt8]
    do {
        first = try ELFWriter.bytes(of: object)
    } catch {
        fatalError("the writer refused an object the reader accepted: \(error)")
    }
    let again: ELFObject
    do {
        again = try ELFObject(bytes: first, path: "rewritten.ko")
    } catch {
        fatalError("the reader refused the writer's output: \(error)")
    }
    guard again.sections.count == object.sections.count, again.symbols.count == object.symbols.count else {
        fatalError("round trip changed the number of sections or symbols")
    }
    guard let second = try? ELFWriter.bytes(of: again), second == first else {
        fatalError("writing the re-read object gave different bytes")
    }
    _ = LivepatchChecker().check(again)
    return 0
}
