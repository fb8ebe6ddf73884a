#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads Module.symvers (DECISIONS 2: another source of exports). Each line is tab separated:
/// `crc  symbol  module-path-or-vmlinux  export-type  [namespace]` (the namespace column appeared in 5.4).
enum ModuleSymversParser {
    static func addExports(
        from raw: UnsafeRawBufferPointer, path: String, filter: NameFilter?,
        into contents: inout DatabaseContents
    ) throws(DatabaseError) {
        func failure(_ line: Int, _ problem: DatabaseError.FormatProblem) -> DatabaseError {
            .format(path: path, line: line, problem)
        }
        // An empty Module.symvers is valid: nothing is exported.
        guard let base = raw.baseAddress, raw.count > 0 else { return }
        let end = raw.count
        let nulOffset = memchr(base, 0, end).map { UnsafeRawPointer($0) - base } ?? end
        var start = 0
        var lineNumber = 0
        // Consecutive lines usually name the same module: reuse the last owner without making a String.
        var lastModuleStart = -1
        var lastModuleLength = 0
        var lastOwner: Int32 = -1

        while start < end {
            lineNumber += 1
            let lineEnd = memchr(base + start, 10, end - start).map { UnsafeRawPointer($0) - base } ?? end
            if nulOffset < lineEnd { throw failure(lineNumber, .symversNulByte) }
            let length = lineEnd - start
            let line = base + start
            defer { start = lineEnd + 1 }
            if length == 0 { throw failure(lineNumber, .symversEmptyLine) }
            if line.load(fromByteOffset: length - 1, as: UInt8.self) == 13 {
                throw failure(lineNumber, .symversCRLFLineEnding)
            }
            // Only the symbol (field 1) and module (field 2) columns matter; count the others.
            var fieldCount = 0
            var (symbolOffset, symbolLength) = (0, 0)
            var (moduleOffset, moduleLength) = (0, 0)
            var fieldStart = 0
            while true {
                let tab = memchr(line + fieldStart, 9, length - fieldStart).map { UnsafeRawPointer($0) - line }
                let fieldEnd = tab ?? length
                if fieldCount == 1 { (symbolOffset, symbolLength) = (fieldStart, fieldEnd - fieldStart) }
                if fieldCount == 2 { (moduleOffset, moduleLength) = (fieldStart, fieldEnd - fieldStart) }
                fieldCount += 1
                guard let tab else { break }
                fieldStart = tab + 1
            }
            guard fieldCount == 4 || fieldCount == 5 else {
                throw failure(lineNumber, .symversFieldCount(fieldCount))
            }
            if symbolLength == 0 { throw failure(lineNumber, .symversEmptySymbol) }
            if moduleLength == 0 { throw failure(lineNumber, .symversEmptyModule) }
            guard filter?.contains(line + symbolOffset, symbolLength) ?? true else { continue }

            let moduleStart = start + moduleOffset
            if lastOwner < 0 || lastModuleLength != moduleLength
                || memcmp(base + lastModuleStart, base + moduleStart, moduleLength) != 0
            {
                let module = String(
                    decoding: UnsafeRawBufferPointer(start: base + moduleStart, count: moduleLength), as: UTF8.self)
                lastOwner = contents.objects.intern(moduleName(fromSymversField: module))
                lastModuleStart = moduleStart
                lastModuleLength = moduleLength
            }
            contents.exports.add(line + symbolOffset, symbolLength, owner: lastOwner)
        }
    }

    /// `drivers/net/foo-bar.ko` or `drivers/net/foo-bar` -> `foo_bar`; `vmlinux` stays.
    static func moduleName(fromSymversField field: String) -> String {
        var name = field.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? field
        if name.hasSuffix(".ko") { name.removeLast(3) }
        return KLPNames.normalizeObject(name)
    }
}
