import KLPEngine

/// Exports listed in a Module.symvers: `crc<TAB>symbol<TAB>module<TAB>export-type[<TAB>namespace]`, where module
/// is `vmlinux` or a module path without suffix (`drivers/net/foo`).
enum SymversExports {
    /// Exported names per object (normalised module name).
    static func parse(_ text: [UInt8], path: String) throws(DatabaseBuildError) -> [String: Set<String>] {
        var result: [String: Set<String>] = [:]
        var lineNumber = 0
        for line in text.split(separator: 10, omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.isEmpty { continue }
            let fields = line.split(separator: 9, omittingEmptySubsequences: false)
            guard fields.count >= 4, !fields[1].isEmpty, !fields[2].isEmpty else {
                throw DatabaseBuildError(
                    path: path, line: lineNumber,
                    "not a Module.symvers line (expected crc, symbol, module, export type)")
            }
            let symbol = String(decoding: fields[1], as: UTF8.self)
            let module = String(decoding: fields[2], as: UTF8.self)
            let object = ModuleFiles.fallbackName(module)
            result[object, default: []].insert(symbol)
        }
        return result
    }
}
