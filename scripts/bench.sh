#!/usr/bin/env bash
# Builds klp-convert and klp-bench in release mode and runs the benchmarks (issue 7).
# Usage: scripts/bench.sh [klp-bench options]   e.g. scripts/bench.sh --runs 15
# The generated inputs (about 40 MB) go to .build/bench-work unless --work is given.
# Figures are wall times: run on an otherwise idle machine, or they measure the other load too.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
# The converter measured is the one `make` ships: Swift runtime linked statically (--static-swift-stdlib), in
# .build-make/ (see the Makefile). A later --converter PATH overrides it.
make binary
swift build -c release --product klp-bench
exec "$(swift build -c release --show-bin-path)/klp-bench" --converter "$PWD/.build-make/release/klp-convert" "$@"
