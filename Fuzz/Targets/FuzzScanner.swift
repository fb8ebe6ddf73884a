@testable import KLPDatabaseBuilder
@testable import KLPEngine

// libFuzzer target: the database builder's read-only symbol table scanner (vmlinux, modules of any ELF type,
// class and byte order). Errors are fine; traps and sanitizer reports are findings.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzScanner(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let raw = UnsafeRawBufferPointer(start: data, count: size)
    guard let scan = try? SymbolTableScan(raw: raw, path: "fuzz.ko") else { return 0 }
    for s in scan.symbols where Int(s.shndx.rawValue) < scan.sections.count {
        _ = scan.sections[Int(s.shndx.rawValue)].name
    }
    _ = scan.sectionIndex(named: ".modinfo")
    return 0
}
