// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "klp-convert",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "klp-convert", targets: ["klp-convert"]),
        .library(name: "KLPEngine", targets: ["KLPEngine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
    ],
    targets: [
        // The engine: ELF model, symbol database, annotations, conversion, checks. No terminal code, no
        // compression library.
        .target(name: "KLPEngine", dependencies: ["CLineScan", "CFileIO"]),
        // symbols.klp's scan in C: newlines (SSE2/AVX2 bit masks Swift's SIMD types do not give), the name filter's
        // hash and the loop that passes over the lines a targeted load does not want.
        .target(name: "CLineScan"),
        // File calls Swift cannot make: starting writeback (sync_file_range) and the SIGBUS guard of mapped inputs.
        .target(name: "CFileIO"),
        // build-db: symbols.klp from kernel artifacts (vmlinux, System.map, kallsyms dumps, module trees).
        .target(name: "KLPDatabaseBuilder", dependencies: ["KLPEngine", "CCompression", "CLibdw"]),
        // liblzma, libzstd, zlib: the database builder reads compressed kernel modules (.ko.xz/.zst/.gz).
        // Headers from liblzma-dev, libzstd-dev, zlib1g-dev; the libraries are opened when first needed (CLazyLoad).
        .target(name: "CCompression", dependencies: ["CLazyLoad"]),
        // elfutils' libdw/libdwfl: build-db reads source files and lines of symbols from DWARF. Header from
        // libdw-dev; libdw.so.1 is opened when first needed (CLazyLoad).
        .target(name: "CLibdw", dependencies: ["CLazyLoad"]),
        // dlopen on first use, so a conversion does not load build-db's libraries at start.
        .target(name: "CLazyLoad", linkerSettings: [.linkedLibrary("dl")]),
        // ncursesw, used only by the TUI: the shim over curses.h (header from libncurses-dev) and forwarders to
        // libncursesw, opened when the TUI starts (CLazyLoad), so a conversion does not load it.
        .target(name: "CNcurses", dependencies: ["CLazyLoad"]),
        // The interactive inspector: plain-value state, reducer and renderer, plus one thin curses file.
        .target(name: "KLPTUI", dependencies: ["KLPEngine", "CNcurses", "CTerminalSignals"]),
        // The TUI's signal handlers and terminal restore: C, with its state in one object file.
        .target(name: "CTerminalSignals", dependencies: ["CNcurses"]),
        // The git commit shown by --version, written by `make` (Makefile); "unknown commit" otherwise.
        .target(name: "KLPBuildInfo"),
        .executableTarget(
            name: "klp-convert",
            dependencies: [
                "KLPEngine", "KLPDatabaseBuilder", "KLPTUI", "KLPBuildInfo",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // Benchmarks: `swift run -c release klp-bench` (after building klp-convert in release; scripts/bench.sh).
        // Deterministic generators of databases, livepatches and module trees, for benchmarks, tests and fuzzing;
        // not part of the shipped binary.
        .target(name: "KLPSynthetic", dependencies: ["KLPEngine"]),
        .executableTarget(
            name: "klp-bench",
            dependencies: ["KLPEngine", "KLPDatabaseBuilder", "KLPSynthetic", "KLPTUI", "KLPTestSupport"]),
        // What both test targets share: the process runner, temporary directories, built-product lookup, the
        // readelf model and the gcc object builder. A regular target without Foundation, so klp-bench runs its
        // children through the same runner.
        .target(name: "KLPTestSupport", dependencies: ["KLPEngine"], path: "Tests/KLPTestSupport"),
        .testTarget(
            name: "KLPEngineTests",
            dependencies: ["KLPEngine", "KLPDatabaseBuilder", "KLPSynthetic", "KLPTestSupport", "CLazyLoad"],
            resources: [.copy("Fixtures")]),
        // Screens/ holds the expected rendered screens, read through #filePath.
        .testTarget(
            name: "KLPTUITests", dependencies: ["KLPTUI", "KLPEngine", "KLPSynthetic", "KLPTestSupport"],
            exclude: ["Screens"]),
    ]
)
