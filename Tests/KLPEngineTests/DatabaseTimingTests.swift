import Foundation
import KLPTestSupport
import Testing

@testable import KLPEngine
@testable import KLPSynthetic

/// Prints load and lookup timings (information only: no assertion on time) and checks the counts behind them.
/// Debug builds use a smaller database; run `swift test -c release --filter DatabaseTiming` for the full
/// distribution-sized one.
@Suite("symbols.klp timings")
struct DatabaseTimingTests {
    @Test func timingsOfLoadsAndLookupsWithTheirCounts() throws {
        #if DEBUG
        let shape = SyntheticSymbolList.Shape(vmlinuxSymbols: 9_500, modules: 400, symbolsPerModule: 130, ordered: true)
        let label = "debug build, 1/10 distribution"
        #else
        let shape = SyntheticSymbolList.Shape.distribution()
        let label = "release build, full distribution"
        #endif
        let directory = URL(fileURLWithPath: try TemporaryDirectory.make("db"))
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("symbols.klp").path
        let bytes = SyntheticSymbolList.make(shape)
        try Data(bytes).write(to: URL(fileURLWithPath: path))

        let clock = ContinuousClock()
        func best<T>(_ runs: Int, _ body: () throws -> T) rethrows -> (Duration, T) {
            var start = clock.now
            var last = try body()
            var fastest = clock.now - start
            for _ in 1..<max(runs, 1) {
                start = clock.now
                last = try body()
                fastest = min(fastest, clock.now - start)
            }
            return (fastest, last)
        }
        func ms(_ duration: Duration) -> String {
            let value = Double(duration.components.seconds) * 1e3 + Double(duration.components.attoseconds) * 1e-15
            return String(format: "%8.2f ms", value)
        }

        let (readTime, raw) = try best(5) { try InputFile.readDatabase(path, what: "Symbol list").count }
        // Baseline: the cheapest possible pass, memchr to every newline of a buffer already read.
        let file = try InputFile.readDatabase(path, what: "Symbol list")
        let (scanTime, lines) = try best(5) { () throws -> Int in
            file.withBytes { raw in
                guard let base = raw.baseAddress else { return 0 }
                var count = 0
                var offset = 0
                while offset < raw.count {
                    guard let newline = memchr(base + offset, 10, raw.count - offset) else { break }
                    offset = UnsafeRawPointer(newline) - base + 1
                    count += 1
                }
                return count
            }
        }
        let (fullTime, full) = try best(5) { try SymbolDatabase.load(path: path) }
        let wanted = DatabaseSyntheticTests.selection(from: full, count: 50)
        let (targetedTime, targeted) = try best(5) { try SymbolDatabase.load(path: path, only: wanted) }
        let names = full.allNameIDs.map { full.name(of: $0) }
        let (lookupTime, found) = best(3) { names.reduce(0) { $0 + full.candidates(named: $1).count } }
        let (searchTime, hits) = best(3) { full.nameIDs(containing: "dma_cpu").count }
        let (foldTime, search) = best(3) { SymbolNameSearch(full, ignoringCase: true) }
        let (foldedTime, foldedHits) = best(3) { search.nameIDs(containing: "DMA_CPU").count }

        print(
            """
            symbols.klp timings (\(label)): \(raw) bytes, \(full.symbolCount) symbols, \
            \(full.uniqueNameCount) names, \(full.objectNames.count) objects
              read file                 \(ms(readTime))
              memchr every line         \(ms(scanTime))  (\(lines) lines)
              full load                 \(ms(fullTime))
              targeted load (50 names)  \(ms(targetedTime))  (\(targeted.symbolCount) lines kept)
              \(names.count) lookups by name  \(ms(lookupTime))  (\(found) candidates)
              substring search          \(ms(searchTime))  (\(hits) names)
              make case-folded search   \(ms(foldTime))
              case-folded search        \(ms(foldedTime))  (\(foldedHits) names)
            """)
        // Every symbol is found under its own name, once; a filtered load keeps exactly the wanted names'
        // candidates; case folding finds at least what the exact search found.
        #expect(names.count == full.uniqueNameCount)
        #expect(found == full.symbolCount)
        #expect(targeted.symbolCount == wanted.reduce(0) { $0 + full.candidates(named: $1).count })
        #expect(foldedHits >= hits)
    }
}
