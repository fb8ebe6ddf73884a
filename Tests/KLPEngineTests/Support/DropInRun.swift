import Foundation
import KLPTestSupport
import Testing

@testable import KLPEngine

/// A gcc-built livepatch and its database in a fresh folder, converted by the real binary as kbuild runs it:
/// `klp-convert [options] symbols.klp in.o out.ko`. Refusals are checked the way a user meets them: exit 255,
/// the message on stderr, no output and no temporary file left, the input unchanged.
struct DropInRun {
    let dir: String
    let db: String
    let input: String
    let inputBytes: [UInt8]
    var outputName = "out.ko"
    var output: String { "\(dir)/\(outputName)" }

    /// Builds `source` (C text; the annotation header and MODULE_INFO(livepatch, "Y") are added) with gcc.
    static func make(_ source: String, database: String = ConversionTests.database) throws -> DropInRun {
        let dir = try TemporaryDirectory.make("dropin")
        let input = try CObject.build([("lp", source)], in: dir)
        return try make(input: input, in: dir, database: database)
    }

    /// Uses an existing object (copied in by the caller, or built elsewhere) as the input.
    static func make(
        input: String, in dir: String, database: String = ConversionTests.database,
        output: String = "out.ko"
    ) throws -> DropInRun {
        let db = "\(dir)/symbols.klp"
        try FileIO.writeAtomically(Array(database.utf8), to: db)
        return DropInRun(
            dir: dir, db: db, input: input, inputBytes: try FileIO.readAll(path: input),
            outputName: output)
    }

    func convert(_ options: [String] = [], input: String? = nil, output: String? = nil) throws
        -> ChildProcessResult
    {
        try Tool.run(
            BuiltProducts.klpConvert, ["convert"] + options + [db, input ?? self.input, output ?? self.output])
    }

    func run(_ arguments: [String]) throws -> ChildProcessResult {
        try Tool.run(BuiltProducts.klpConvert, arguments)
    }

    /// Exit 255, every expected text on stderr, nothing written, the input as it was.
    func expectRefused(
        _ r: ChildProcessResult, _ texts: [String],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        #expect(r.status == 255, "exit \(r.status): \(r.stderr)", sourceLocation: sourceLocation)
        for text in texts {
            #expect(r.stderr.contains(text), "'\(text)' not in: \(r.stderr)", sourceLocation: sourceLocation)
        }
        #expect(!FileManager.default.fileExists(atPath: output), "output left behind", sourceLocation: sourceLocation)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains(".klp-") }
        #expect(leftovers.isEmpty, "temporary files left: \(leftovers)", sourceLocation: sourceLocation)
        #expect(try FileIO.readAll(path: input) == inputBytes, "input modified", sourceLocation: sourceLocation)
    }

    /// Exit 0; returns stderr (warnings).
    @discardableResult
    func expectConverted(_ r: ChildProcessResult, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        #expect(r.status == 0, "exit \(r.status): \(r.stderr)", sourceLocation: sourceLocation)
        #expect(FileManager.default.fileExists(atPath: output), "no output", sourceLocation: sourceLocation)
        return r.stderr
    }
}
