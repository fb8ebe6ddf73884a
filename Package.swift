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
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // The engine: ELF model, symbol database, annotations, conversion, checks. No terminal code.
        .target(name: "KLPEngine", dependencies: ["CCompression"]),
        // liblzma, libzstd, zlib: the database builder reads compressed kernel modules (.ko.xz/.zst/.gz).
        .systemLibrary(name: "CCompression", providers: [.apt(["liblzma-dev", "libzstd-dev", "zlib1g-dev"])]),
        // ncursesw, used only by the TUI.
        .systemLibrary(name: "CNcurses", providers: [.apt(["libncurses-dev"])]),
        // The interactive inspector: plain-value state, reducer and renderer, plus one thin curses file.
        .target(name: "KLPTUI", dependencies: ["KLPEngine", "CNcurses"]),
        // The git commit shown by --version, written by `make` (Makefile); "unknown commit" otherwise.
        .target(name: "KLPBuildInfo"),
        .executableTarget(
            name: "klp-convert",
            dependencies: [
                "KLPEngine", "KLPTUI", "KLPBuildInfo",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // Benchmarks: `swift run -c release klp-bench` (after building klp-convert in release; scripts/bench.sh).
        .executableTarget(name: "klp-bench", dependencies: ["KLPEngine", "KLPTUI"]),
        .testTarget(name: "KLPEngineTests", dependencies: ["KLPEngine"], resources: [.copy("Fixtures")]),
        // Screens/ holds the expected rendered screens, read through #filePath.
        .testTarget(name: "KLPTUITests", dependencies: ["KLPTUI", "KLPEngine"], exclude: ["Screens"]),
    ]
)
