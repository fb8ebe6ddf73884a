#if canImport(Glibc)
import Glibc
#endif

/// klp-bench: generates distribution-size inputs, measures the database load, the end-to-end conversion by the
/// release klp-convert binary against the I/O floor, and peak memory, and prints each figure as the median of
/// several runs with min and max, with the project's targets met or missed.
@main
enum KLPBench {
    static func main() {
        do {
            let arguments = Array(CommandLine.arguments.dropFirst())
            if arguments.first == MeasuredSpawn.flag {
                try MeasuredSpawn.launch(Array(arguments.dropFirst()))
                return
            }
            let options = try BenchOptions.parse(Array(CommandLine.arguments.dropFirst()))
            try Bench(options: options).run()
        } catch let usage as BenchOptions.Usage {
            print(usage.text)
            exit(usage.isError ? 2 : 0)
        } catch {
            let text = Array("klp-bench: \(error)\n".utf8)
            _ = text.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
            exit(1)
        }
    }
}

/// A bench failure: the message says what to fix (a missing tool, an unreadable file, a failed run).
struct BenchError: Error, CustomStringConvertible {
    let description: String
}

struct BenchOptions {
    var runs = 9
    var work = ".build/bench-work"
    var checkWithReadelf = true
    /// The klp-convert to measure; default: the one next to this executable (same build configuration).
    var converter: String?
    /// Groups of figures to run (all when empty): growth, load, stages, convert, tui, build.
    var only: Set<String> = []
    static let groups: Set<String> = ["growth", "load", "stages", "convert", "tui", "build"]

    func wants(_ group: String) -> Bool { only.isEmpty || only.contains(group) }

    struct Usage: Error {
        let text: String
        let isError: Bool
    }

    static let help = """
        usage: klp-bench [--runs N] [--work FOLDER] [--converter PATH] [--no-readelf] [--only GROUP,...]
          --runs N          measured runs per figure (default 9; one unmeasured warm-up run before each)
          --work FOLDER     where the generated inputs and outputs go (default .build/bench-work)
          --converter PATH  the klp-convert binary (default: next to klp-bench; build it with
                            swift build -c release --product klp-convert)
          --no-readelf      do not check generated and converted objects with binutils readelf
          --only GROUPS     comma-separated subset of: growth, load, stages, convert, tui, build
        """

    static func parse(_ arguments: [String]) throws -> BenchOptions {
        var options = BenchOptions()
        var rest = arguments[...]
        func value(_ flag: String) throws -> String {
            guard let v = rest.popFirst() else { throw Usage(text: "\(flag) needs a value\n" + help, isError: true) }
            return v
        }
        while let argument = rest.popFirst() {
            switch argument {
            case "--runs":
                guard let n = Int(try value(argument)), n >= 1 else {
                    throw Usage(text: "--runs needs a positive number\n" + help, isError: true)
                }
                options.runs = n
            case "--work": options.work = try value(argument)
            case "--converter": options.converter = try value(argument)
            case "--no-readelf": options.checkWithReadelf = false
            case "--only":
                let groups = Set(try value(argument).split(separator: ",").map(String.init))
                guard groups.isSubset(of: BenchOptions.groups) else {
                    throw Usage(
                        text: "--only takes \(BenchOptions.groups.sorted().joined(separator: ", "))\n" + help,
                        isError: true)
                }
                options.only = groups
            case "-h", "--help": throw Usage(text: help, isError: false)
            default: throw Usage(text: "unknown argument \(argument)\n" + help, isError: true)
            }
        }
        return options
    }
}
