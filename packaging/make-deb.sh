#!/usr/bin/env bash
# Builds klp-convert_<version>_<arch>.deb with dpkg-deb from what `make` built (the Makefile's `deb` target):
#   packaging/make-deb.sh <binary> <share folder from make> <version> <output folder>
# Depends: is computed by dpkg-shlibdeps from the binary's ELF dependencies and the libraries it opens with dlopen,
# so it lists Debian packages only;
# a libswift* dependency (a binary built without --static-swift-stdlib) is refused.
set -euo pipefail
[ $# -eq 4 ] || { echo "usage: $0 <binary> <share folder> <version> <output folder>" >&2; exit 2; }
binary=$1 share=$2 version=$3 out=$4
here=$(cd "$(dirname "$0")" && pwd)
for tool in dpkg-deb dpkg-shlibdeps dpkg-architecture; do
    command -v "$tool" >/dev/null || { echo "make-deb: $tool not found (Debian package dpkg-dev)" >&2; exit 1; }
done
if ldd "$binary" | grep -q 'libswift\|libFoundation\|libdispatch\|libBlocksRuntime'; then
    echo "make-deb: $binary needs the Swift runtime at run time:" >&2
    ldd "$binary" | grep 'libswift\|libFoundation\|libdispatch\|libBlocksRuntime' >&2
    exit 1
fi

arch=$(dpkg-architecture -qDEB_HOST_ARCH)
maintainer=${DEB_MAINTAINER:-$(git -C "$here/.." log -1 --format='%an <%ae>' 2>/dev/null || true)}
[ -n "$maintainer" ] || { echo "make-deb: set DEB_MAINTAINER='Name <email>'" >&2; exit 1; }
date=$(git -C "$here/.." log -1 --format=%cD 2>/dev/null || date -R)
commit=$(git -C "$here/.." rev-parse --short=12 HEAD 2>/dev/null || echo unknown)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root
doc=$root/usr/share/doc/klp-convert
install -d "$root/DEBIAN" "$root/usr/bin" "$root/usr/share/man/man1" "$doc" \
    "$root/usr/share/bash-completion/completions" "$root/usr/share/zsh/vendor-completions" \
    "$root/usr/share/fish/vendor_completions.d" "$root/usr/share/klp-convert"
# Debian strips shipped binaries and keeps no debug symbols in them (lintian: unstripped-binary-or-object).
install -m 755 "$binary" "$root/usr/bin/klp-convert"
strip --remove-section=.comment --remove-section=.note --strip-unneeded "$root/usr/bin/klp-convert"
gzip -9n < "$share/man/klp-convert.1" > "$root/usr/share/man/man1/klp-convert.1.gz"
install -m 644 "$share/completions/klp-convert.bash" "$root/usr/share/bash-completion/completions/klp-convert"
# Debian's zsh reads vendor functions from vendor-completions (site-functions is for the local admin).
install -m 644 "$share/completions/_klp-convert" "$root/usr/share/zsh/vendor-completions/_klp-convert"
install -m 644 "$share/completions/klp-convert.fish" "$root/usr/share/fish/vendor_completions.d/klp-convert.fish"
# The kbuild fragment for out-of-tree livepatch directories (README "Out of tree").
install -m 644 "$here/../kbuild/klp-convert.mk" "$root/usr/share/klp-convert/klp-convert.mk"
install -m 755 "$here/../kbuild/klp-convert-modules.sh" "$root/usr/share/klp-convert/klp-convert-modules.sh"
install -m 644 "$here/debian/copyright" "$doc/copyright"
printf '%s\n' "klp-convert ($version) unstable; urgency=medium" "" \
    "  * Release $version, built from commit $commit." "" " -- $maintainer  $date" \
    | gzip -9n > "$doc/changelog.gz"

# dpkg-shlibdeps wants a debian/control naming the package; it runs in a scratch source tree.
mkdir -p "$work/src/debian"
printf 'Source: klp-convert\n\nPackage: klp-convert\nArchitecture: any\n' > "$work/src/debian/control"
# build-db's libraries (libdw, liblzma, libzstd, zlib) and the TUI's (libncursesw) are opened with dlopen on first
# use, so the binary does not name them: a stub linked against the same sonames, read from the C sources that open
# them, lets dpkg-shlibdeps find their packages as for a linked library.
sonames=$(grep -ho '"lib[a-z0-9]*\.so\.[0-9]*"' "$here"/../Sources/CLibdw/*.c "$here"/../Sources/CCompression/*.c \
    "$here"/../Sources/CNcurses/*.c | tr -d '"')
[ -n "$sonames" ] || { echo "make-deb: no dlopen'ed library names found in Sources/CLibdw, Sources/CCompression, Sources/CNcurses" >&2; exit 1; }
command -v gcc >/dev/null || { echo "make-deb: gcc not found (Debian package gcc)" >&2; exit 1; }
printf 'int klp_stub;\n' > "$work/stub.c"
gcc -shared -o "$work/src/dlopened.so" "$work/stub.c" -Wl,--no-as-needed $(printf -- '-l:%s ' $sonames)
depends=$(cd "$work/src" && dpkg-shlibdeps -O "$root/usr/bin/klp-convert" "$work/src/dlopened.so" 2>"$work/shlibdeps.err" \
          | sed -n 's/^shlibs:Depends=//p') || { cat "$work/shlibdeps.err" >&2; exit 1; }
if [ -z "$depends" ]; then
    echo "make-deb: dpkg-shlibdeps found no dependencies" >&2
    cat "$work/shlibdeps.err" >&2
    exit 1
fi
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s|@VERSION@|$version|" -e "s|@ARCH@|$arch|" -e "s|@MAINTAINER@|$maintainer|" \
    -e "s|@SIZE@|$size|" -e "s|@DEPENDS@|$depends|" "$here/debian/control.in" > "$root/DEBIAN/control"
(cd "$root" && find usr -type f -print0 | sort -z | xargs -0 md5sum) > "$root/DEBIAN/md5sums"
chmod 644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums"

mkdir -p "$out"
deb=$out/klp-convert_${version}_${arch}.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
