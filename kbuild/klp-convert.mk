# SPDX-License-Identifier: GPL-2.0-or-later
# klp-convert.mk: convert the livepatch modules of an out-of-tree kbuild directory after modpost.
#
# Include it from the directory's Kbuild (or Makefile), then build as usual:
#
#     obj-m += livepatch-foo.o
#     include /usr/local/share/klp-convert/klp-convert.mk
#
#     make -C /lib/modules/<abi>/build M=$PWD KLP_SYMBOLS=/path/to/symbols.klp
#
# Every module of modules.order whose .modinfo says livepatch=Y is converted in place: kbuild's %.ko is
# replaced by `klp-convert $(KLP_SYMBOLS) <linked module> %.ko`, as the upstream klp-convert series does in
# scripts/Makefile.modfinal. Other modules are left alone.
#
# Variables:
#   KLP_SYMBOLS   the symbol database (klp-convert build-db). Unset: the livepatch modules are linked but
#                 left unconverted, with a note (how to build the targets a database is made from).
#   KLP_CONVERT   the converter (default: klp-convert from PATH).
#
# How it hooks in: kbuild reads an external module's Kbuild in scripts/Makefile.modpost (for
# KBUILD_EXTRA_SYMBOLS), but never in scripts/Makefile.modfinal, which links the .ko files afterwards and
# cannot be extended from outside. So, in the modpost step, this fragment runs Makefile.modfinal itself,
# then converts. When the top Makefile runs Makefile.modfinal next, every .ko is up to date (same command,
# newer than its inputs) and is not linked again.
#
# The linked, unconverted module is kept as .<name>.klp-in.ko (removed by `make clean`) so that a new
# KLP_SYMBOLS or klp-convert converts again without a relink; .<name>.ko.klp records the last conversion.

# This file's folder (also holds klp-convert-modules.sh): the last makefile read when this line is parsed.
klp_convert_mk_dir := $(dir $(lastword $(MAKEFILE_LIST)))

ifneq ($(filter %/scripts/Makefile.modpost,$(MAKEFILE_LIST)),)

KLP_CONVERT ?= klp-convert

# A livepatch refers to symbols no module exports: modpost's "undefined!" errors are what klp-convert
# resolves next, so they are warnings here (modpost reads this after including the module's Kbuild).
KBUILD_MODPOST_WARN := 1

__modpost: klp-convert-livepatches

PHONY += klp-convert-livepatches
# (after modpost wrote the module's Module.symvers: Makefile.modpost names it output-symdump, but only
# after including this file)
klp-convert-livepatches: $(KBUILD_EXTMOD)/Module.symvers
	+$(Q)$(MAKE) -f $(srctree)/scripts/Makefile.modfinal
	$(Q)KLP_SYMBOLS='$(KLP_SYMBOLS)' KLP_CONVERT='$(KLP_CONVERT)' OBJCOPY='$(OBJCOPY)' \
		$(CONFIG_SHELL) $(klp_convert_mk_dir)klp-convert-modules.sh $(MODORDER)

endif
