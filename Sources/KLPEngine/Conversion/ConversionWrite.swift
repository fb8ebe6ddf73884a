#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The one convert-and-write path, shared by the CLI's `convert` and the TUI's `w`: a plan (made once, and in the
// TUI the very plan the user looked at) is applied to its input and the result written atomically. Neither front
// end plans again here, so what is written is exactly what was planned.

/// A plan that still has errors: nothing may be written for it.
public struct UnresolvedConversionError: Error, CustomStringConvertible, Sendable, Equatable {
    public let errors: Int
    public init(errors: Int) { self.errors = errors }
    public var description: String { "\(errors) error(s) left: the conversion cannot be written" }
}

/// What a write produced, for the front ends' messages.
public struct WrittenConversion: Sendable, Equatable {
    public let path: String
    public let byteCount: Int
    public let convertedSymbolCount: Int
    public let klpSectionCount: Int
}

extension Converter {
    /// Applies `plan` to `object`, the input it was made for, and writes the result to `path` atomically (see
    /// `FileIO.writeAtomically`) with permission bits `mode`. `applied` is `apply(plan, to: object)` when the
    /// caller has it already (the TUI's preview), so it is not applied twice. A plan with errors writes nothing.
    public static func write(
        _ plan: ConversionPlan, of object: ELFObject, applied: ELFObject? = nil, to path: String, mode: mode_t
    ) throws -> WrittenConversion {
        let errors = plan.diagnostics.errors.count
        guard errors == 0 else { throw UnresolvedConversionError(errors: errors) }
        let byteCount: Int
        if plan.changesNothing, let unchanged = object.inputBytes {
            // Laid out again, the same content would differ in bytes (and lose a signature).
            try FileIO.writeAtomically(unchanged, to: path, mode: mode)
            byteCount = unchanged.count
        } else {
            // Planned (and so checked) in full before the temporary file exists; then streamed into it.
            let layout = try ELFWriter.plan(applied ?? apply(plan, to: object))
            try layout.write(to: path, mode: mode)
            byteCount = layout.totalSize
        }
        return WrittenConversion(
            path: path, byteCount: byteCount,
            // Counted in place: `convertedSymbols` copies every entry it keeps.
            convertedSymbolCount: plan.symbols.indices.count { plan.symbols[$0].status.converts },
            klpSectionCount: plan.createdSections.count)
    }
}
