#!/usr/bin/env bash
# Checks what `make install` and `make deb` produce, as a packager and a user would (run from .ci/run after
# `make deb`; needs root for dpkg and for hiding /opt/swift):
#   1. make install DESTDIR=... PREFIX=/usr/local puts the five files in place; make uninstall removes them;
#   2. the .deb passes lintian without errors (lintian may be absent only outside CI: CI=true requires it);
#   3. the .deb installs with dpkg, and the installed tool works: --version names version and commit, man shows
#      the page with every subcommand, completions are where bash, zsh and fish look, a conversion and a
#      build-db run succeed and the TUI draws with /opt/swift hidden (no Swift runtime on the machine); then
#      dpkg -r removes it.
# Usage: packaging/check-install.sh packaging/out/klp-convert_<version>_<arch>.deb
set -euo pipefail
cd "$(dirname "$0")/.."
deb=${1:?usage: $0 <klp-convert .deb>}
version=$(sed -n 's/.*static let tool = "\(.*\)".*/\1/p' Sources/KLPEngine/Version.swift)
commit=$(git rev-parse --short=12 HEAD)
passed=0 failed=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ok() { echo "ok: $*"; passed=$((passed + 1)); }
fail() { echo "FAILED: $*"; failed=$((failed + 1)); }
check() {  # check NAME COMMAND...: passes when the command succeeds
    local name=$1; shift
    if "$@" >"$work/out" 2>&1; then ok "$name"; else fail "$name"; sed 's/^/    /' "$work/out"; fi
}
[ "$(id -u)" = 0 ] || { echo "check-install: needs root (dpkg -i, mount namespace)" >&2; exit 1; }

# --- 1. make install / make uninstall into a staging folder ---
stage=$work/stage
make -s install DESTDIR="$stage" PREFIX=/usr/local
files=(bin/klp-convert share/man/man1/klp-convert.1 share/bash-completion/completions/klp-convert
       share/zsh/site-functions/_klp-convert share/fish/vendor_completions.d/klp-convert.fish
       share/klp-convert/klp-convert.mk share/klp-convert/klp-convert-modules.sh)
for f in "${files[@]}"; do check "make install: /usr/local/$f" test -s "$stage/usr/local/$f"; done
check "make install: the binary is executable" test -x "$stage/usr/local/bin/klp-convert"
make -s uninstall DESTDIR="$stage" PREFIX=/usr/local
check "make uninstall: no file left" test -z "$(find "$stage" -type f)"
check "make uninstall: share/klp-convert removed" test ! -e "$stage/usr/local/share/klp-convert"

# --- 2. lintian ---
if command -v lintian >/dev/null; then
    # --fail-on error: warnings are listed but do not fail (running as root is normal in CI).
    if lintian --fail-on error "$deb" >"$work/lintian" 2>&1; then ok "lintian: no errors"; else fail "lintian"; fi
    sed -n 's/^\([EW]\): /    lintian \1: /p' "$work/lintian"
elif [ "${CI:-}" = true ]; then
    fail "lintian is not installed (apt-get install lintian); CI=true requires it"
else
    echo "skipped: lintian is not installed (apt-get install lintian) and CI is not set"
fi

# --- 3. dpkg -i, use, dpkg -r ---
if dpkg-query -W -f='${Status}' klp-convert 2>/dev/null | grep -q 'installed'; then
    echo "check-install: klp-convert is already installed as a package here; not touching it" >&2
    exit 1
fi
# apt-get waits for the dpkg lock (other jobs may be installing packages); the package's own dependencies are
# Debian's and already present.
apt_lock=(-o DPkg::Lock::Timeout=300)
removed=0
remove() {
    [ "$removed" = 1 ] && return
    apt-get remove -y -qq "${apt_lock[@]}" klp-convert >/dev/null 2>&1 || true
    removed=1
}
trap 'remove; rm -rf "$work"' EXIT
check "dpkg -i (apt-get install ./deb)" apt-get install -y -qq "${apt_lock[@]}" "$(realpath "$deb")"
check "installed at /usr/bin/klp-convert" test -x /usr/bin/klp-convert
check "--version: version and commit" grep -qx "klp-convert $version (commit $commit\(-dirty\)\?)" \
    <(/usr/bin/klp-convert --version)
check "ldd: no Swift library" bash -c '! ldd /usr/bin/klp-convert | grep -E "libswift|libFoundation|libdispatch"'
man -l /usr/share/man/man1/klp-convert.1.gz 2>"$work/man.err" | col -b >"$work/man.txt" || true
check "man page: a COMMANDS section" grep -qx 'COMMANDS' "$work/man.txt"
for sub in convert list explain snippet check build-db tui; do
    check "man page: a subsection for $sub" grep -qx "   $sub" "$work/man.txt"
done
check "man page: no groff warning" test ! -s "$work/man.err"
check "man klp-convert finds the page" bash -c 'man -w klp-convert | grep -q /usr/share/man/man1/klp-convert.1.gz'
check "bash completion loads" bash -c \
    'source /usr/share/bash-completion/completions/klp-convert && complete -p klp-convert'
check "zsh completion present" grep -q '^#compdef klp-convert' /usr/share/zsh/vendor-completions/_klp-convert
check "fish completion present" grep -q "^complete -c 'klp-convert'" \
    /usr/share/fish/vendor_completions.d/klp-convert.fish
# Syntax checks where the shells are installed (they are not part of CI's package list).
if command -v zsh >/dev/null; then
    check "zsh parses its completion" zsh -n /usr/share/zsh/vendor-completions/_klp-convert
fi
if command -v fish >/dev/null; then
    check "fish parses its completion" fish --no-execute /usr/share/fish/vendor_completions.d/klp-convert.fish
fi

# The bundled example, compiled as the TUI tests do, converted with two choices by the installed binary in a
# mount namespace where /opt/swift is an empty folder and the environment is empty.
gcc -O2 -c -nostdinc -ffreestanding -fno-common -fno-stack-protector -fno-asynchronous-unwind-tables \
    -fno-unwind-tables -fno-pic -mcmodel=kernel -mno-red-zone -mno-sse -mno-mmx -mno-80387 -I examples \
    -DKLP_EXAMPLE_WITHOUT_MISSING -o "$work/lp.o" examples/livepatch-example.c
cp examples/symbols.klp "$work/symbols.klp"
hidden() {  # hidden COMMAND...: runs with /opt/swift hidden and no environment
    unshare -m sh -c 'mount -t tmpfs none /opt/swift && exec env -i PATH=/usr/bin:/bin LD_LIBRARY_PATH= "$@"' sh "$@"
}
check "without Swift: /opt/swift really hidden" hidden sh -c '[ -z "$(ls -A /opt/swift)" ]'
check "without Swift: --version" hidden /usr/bin/klp-convert --version
check "without Swift: convert" hidden /usr/bin/klp-convert convert --choose init_once=vmlinux,3 \
    --choose s_start=vmlinux,2 "$work/symbols.klp" "$work/lp.o" "$work/lp-converted.o"
check "without Swift: the conversion made klp relocations" grep -q '\.klp\.rela\.vmlinux' \
    <(readelf -SW "$work/lp-converted.o")
check "without Swift: check accepts the result" hidden /usr/bin/klp-convert check --symbols "$work/symbols.klp" \
    "$work/lp-converted.o"
check "without Swift: build-db --running (threads, /proc/kallsyms)" hidden /usr/bin/klp-convert build-db \
    -o "$work/running.klp" --running
check "without Swift: build-db wrote a database" grep -q '^\*vmlinux$' "$work/running.klp"
# The inspector draws its first frame (ncurses, terminfo from Debian) in tmux, with /opt/swift hidden.
if command -v tmux >/dev/null; then
    socket=klp-check-install-$$
    tmux -L "$socket" -f /dev/null new-session -d -x 120 -y 40 \
        "unshare -m sh -c 'mount -t tmpfs none /opt/swift && env -i TERM=tmux-256color LANG=C.UTF-8 \
         /usr/bin/klp-convert tui'; sleep 30"
    for _ in $(seq 50); do
        tmux -L "$socket" capture-pane -p >"$work/tui.txt" 2>/dev/null || true
        grep -q 'Symbols 7' "$work/tui.txt" && break
        sleep 0.2
    done
    check "without Swift: the TUI shows the bundled example" grep -q 'Symbols 7' "$work/tui.txt"
    tmux -L "$socket" send-keys q 2>/dev/null || true
    tmux -L "$socket" kill-server 2>/dev/null || true
else
    echo "skipped: tmux is not installed (the TUI check needs it)"
fi

# An out-of-tree livepatch built by kbuild through the installed fragment and converted by the installed tool:
# the package's paths work together (the fragment itself is tested by e2e/run on real kernels).
build=$(ls -d /lib/modules/*/build 2>/dev/null | head -1 || true)
if [ -n "$build" ]; then
    lp=$work/lp-kbuild
    mkdir -p "$lp"
    # A reference from ordinary text (not .init.text, which the kernel relocates before livepatch symbols
    # resolve); the database lists the target and marks what kbuild's module code uses as exported.
    printf '%s\n' '#include <linux/module.h>' 'extern int klp_check_static_target;' \
        'noinline int lp_read(void) { return klp_check_static_target; }' \
        'static int __init lp_init(void) { return lp_read() & 0; }' 'module_init(lp_init);' \
        'MODULE_LICENSE("GPL");' 'MODULE_INFO(livepatch, "Y");' >"$lp/lp_check.c"
    printf '%s\n' 'obj-m += lp_check.o' 'include /usr/share/klp-convert/klp-convert.mk' >"$lp/Kbuild"
    printf '%s\n' 'klp-convert-symbol-data.0.1' '*vmlinux' 'klp_check_static_target' '__fentry__' \
        '__ksymtab___fentry__' '__x86_return_thunk' '__ksymtab___x86_return_thunk' >"$lp/symbols.klp"
    check "kbuild fragment: make converts the livepatch" make -s -C "$build" M="$lp" KLP_SYMBOLS="$lp/symbols.klp"
    check "kbuild fragment: .klp.rela.vmlinux in the module" grep -q '\.klp\.rela\.vmlinux' \
        <(readelf -SW "$lp/lp_check.ko")
    check "kbuild fragment: check accepts it" /usr/bin/klp-convert check --symbols "$lp/symbols.klp" \
        "$lp/lp_check.ko"
else
    echo "skipped: no /lib/modules/*/build (apt-get install linux-headers-amd64) for the kbuild fragment check"
fi

# Control: a binary linked against the toolchain's Swift libraries (swift test's debug build) fails there.
if [ -x .build/debug/klp-convert ]; then
    check "control: the debug build fails with /opt/swift hidden" bash -c \
        "$(declare -f hidden); ! hidden $(pwd)/.build/debug/klp-convert --version"
else
    echo "skipped control: no .build/debug/klp-convert (swift build makes it)"
fi

remove
check "dpkg -r: binary removed" test ! -e /usr/bin/klp-convert
check "dpkg -r: man page removed" test ! -e /usr/share/man/man1/klp-convert.1.gz
check "dpkg -r: kbuild fragment removed" test ! -e /usr/share/klp-convert

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
