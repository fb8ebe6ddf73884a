# klp-convert as a Unix tool: `make` (release binary, man page, completions), `make install`, `make uninstall`,
# `make deb`. Builds go to .build-make/, apart from `swift build`'s .build/, because the release binary links the
# Swift runtime statically and the other build flavours (tests, benchmarks) do not.
#
#   make install PREFIX=/usr/local DESTDIR=/tmp/stage
#   make deb                       # packaging/out/klp-convert_<version>_<arch>.deb

SWIFT ?= $(shell command -v swift 2>/dev/null || echo /opt/swift/usr/bin/swift)
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR = $(PREFIX)/bin
MANDIR = $(PREFIX)/share/man/man1
BASHDIR = $(PREFIX)/share/bash-completion/completions
ZSHDIR = $(PREFIX)/share/zsh/site-functions
FISHDIR = $(PREFIX)/share/fish/vendor_completions.d
# The kbuild fragment (README "Out of tree"): `include $(PREFIX)/share/klp-convert/klp-convert.mk` in a Kbuild.
KBUILDDIR = $(PREFIX)/share/klp-convert

SCRATCH = .build-make
BIN = $(SCRATCH)/release/klp-convert
OUT = $(SCRATCH)/share
GENERATE_MANUAL = $(SCRATCH)/generate-manual/release/generate-manual

VERSION := $(shell sed -n 's/.*static let tool = "\(.*\)".*/\1/p' Sources/KLPEngine/Version.swift)
# The commit --version shows: short hash, "-dirty" when the tree has uncommitted changes; none outside git.
COMMIT := $(shell git rev-parse --short=12 HEAD 2>/dev/null)
ifneq ($(COMMIT),)
COMMIT := $(COMMIT)$(shell git diff --quiet HEAD -- 2>/dev/null || echo -dirty)
endif
# The man page's date: the commit's, so two builds of one commit give the same page.
MANDATE := $(shell git log -1 --format=%cs 2>/dev/null || date -u +%Y-%m-%d)
COMMIT_HEADER = Sources/KLPBuildInfo/build-commit.h
# libstdc++ is linked statically too: loading the shared one cost every run about 0.3 ms of CPU, of the ~2 ms a
# one-function conversion takes (a Swift hello world: 1.1 -> 0.8 ms). The Swift runtime asks for it with
# -lstdc++; a folder holding only gcc's libstdc++.a, searched before gcc's own, makes that the static archive
# (libstdc++-12-dev ships both; the GCC Runtime Library Exception allows it).
STATIC_CXX = $(SCRATCH)/static-libstdc++

.PHONY: all binary man completions install uninstall deb clean

all: binary man completions

# The commit goes into build-commit.h for this build only: removed afterwards, so a later plain `swift build`
# does not show a commit it was not built from (SwiftPM sees the header gone and recompiles build_info.c).
# build_info.c is touched because SwiftPM tracks a header only after a compile has seen it.
# -z now: relocations resolved at start and the GOT read-only (Debian's hardening; lintian hardening-no-bindnow).
binary:
	echo '#define KLP_BUILD_COMMIT "$(if $(COMMIT),$(COMMIT),unknown commit)"' > $(COMMIT_HEADER)
	touch Sources/KLPBuildInfo/build_info.c
	mkdir -p $(STATIC_CXX) && ln -sf "$$($(CC) -print-file-name=libstdc++.a)" $(STATIC_CXX)/libstdc++.a
	$(SWIFT) build -c release --scratch-path $(SCRATCH) --static-swift-stdlib --product klp-convert \
		-Xswiftc -L$(abspath $(STATIC_CXX)) -Xlinker -z -Xlinker now; \
		status=$$?; rm -f $(COMMIT_HEADER); exit $$status

# The man page comes from swift-argument-parser's manual generator (the tool its generate-manual plugin runs),
# run on our binary: the plugin itself would rebuild every product of the package without the static runtime.
$(GENERATE_MANUAL): binary
	$(SWIFT) build -c release --package-path $(SCRATCH)/checkouts/swift-argument-parser \
		--scratch-path $(SCRATCH)/generate-manual --product generate-manual

# Empty lines in help texts are paragraph breaks; as .Pp, man's mdoc macros do not warn about them.
# man-sections.awk gives every subcommand its own subsection under COMMANDS.
man: binary $(GENERATE_MANUAL)
	mkdir -p $(OUT)/man
	$(GENERATE_MANUAL) $(BIN) --date $(MANDATE) --section 1 -o $(OUT)/man
	sed 's/^$$/.Pp/' $(OUT)/man/klp-convert.1 | awk -f packaging/man-sections.awk > $(OUT)/man/klp-convert.1.tmp
	mv $(OUT)/man/klp-convert.1.tmp $(OUT)/man/klp-convert.1

# A sourced completion file has no #! line (lintian: bash-completion-with-hashbang).
completions: binary
	mkdir -p $(OUT)/completions
	$(BIN) --generate-completion-script bash | sed '1{/^#!/d}' > $(OUT)/completions/klp-convert.bash
	$(BIN) --generate-completion-script zsh > $(OUT)/completions/_klp-convert
	$(BIN) --generate-completion-script fish > $(OUT)/completions/klp-convert.fish

# Installs what `make` built; it does not build, so `sudo make install` after `make` writes no root-owned files
# into the tree.
install:
	@test -x $(BIN) && test -f $(OUT)/man/klp-convert.1 || { echo "run make first" >&2; exit 1; }
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR) $(DESTDIR)$(BASHDIR) $(DESTDIR)$(ZSHDIR) $(DESTDIR)$(FISHDIR) \
		$(DESTDIR)$(KBUILDDIR)
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/klp-convert
	install -m 644 $(OUT)/man/klp-convert.1 $(DESTDIR)$(MANDIR)/klp-convert.1
	install -m 644 $(OUT)/completions/klp-convert.bash $(DESTDIR)$(BASHDIR)/klp-convert
	install -m 644 $(OUT)/completions/_klp-convert $(DESTDIR)$(ZSHDIR)/_klp-convert
	install -m 644 $(OUT)/completions/klp-convert.fish $(DESTDIR)$(FISHDIR)/klp-convert.fish
	install -m 644 kbuild/klp-convert.mk $(DESTDIR)$(KBUILDDIR)/klp-convert.mk
	install -m 755 kbuild/klp-convert-modules.sh $(DESTDIR)$(KBUILDDIR)/klp-convert-modules.sh

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/klp-convert $(DESTDIR)$(MANDIR)/klp-convert.1 \
		$(DESTDIR)$(BASHDIR)/klp-convert $(DESTDIR)$(ZSHDIR)/_klp-convert $(DESTDIR)$(FISHDIR)/klp-convert.fish \
		$(DESTDIR)$(KBUILDDIR)/klp-convert.mk $(DESTDIR)$(KBUILDDIR)/klp-convert-modules.sh
	rmdir $(DESTDIR)$(KBUILDDIR) 2>/dev/null || true

deb: all
	packaging/make-deb.sh $(BIN) $(OUT) $(VERSION) packaging/out

clean:
	rm -rf $(SCRATCH) packaging/out $(COMMIT_HEADER)
