/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * KLP_MODULE_RELOC / KLP_SYMPOS: tell klp-convert which copy of a homonymous symbol a livepatch means.
 *
 * The klp-convert series (v7, include/linux/livepatch.h + uapi) was never merged, so Debian's kernel headers
 * lack these macros. This header reproduces the series' layout exactly, because klp-convert reads the emitted
 * section, not the C source:
 *   - section ".klp.module_relocs.<object>" holds 12-byte packed records { 8-byte symbol address; u32 sympos };
 *   - ".rela.klp.module_relocs.<object>" has one absolute relocation per record, at record offset 0, whose
 *     symbol names the annotated symbol.
 * klp-convert consumes both sections and removes them from the module it writes.
 *
 * Why this is not examples/klp_macros.h (the project's header for plain gcc builds): a kbuild module gets the
 * kernel's types and attributes (u64/u32, __packed, __section, static_assert from <linux/build_bug.h>) and
 * MODULE_INFO from <linux/module.h>; the record layout and section names are the same in both.
 *
 * Usage (positions count from 1 in the object's kallsyms order; 0 means "the only one in that object"):
 *
 *   extern void init_once(void *foo);
 *   KLP_MODULE_RELOC(vmlinux) my_vmlinux_relocs[] = {
 *           KLP_SYMPOS(init_once, 2),
 *   };
 */
#ifndef KLP_ANNOTATIONS_H
#define KLP_ANNOTATIONS_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/build_bug.h>

#ifndef KLP_MODULE_RELOC

/* The union forces the address field to 8 bytes on 32-bit targets too, so the record is 12 bytes everywhere. */
struct klp_module_reloc {
	union {
		void *sym;
		u64 sym64;
	};
	u32 sympos;
} __packed;

static_assert(sizeof(struct klp_module_reloc) == 12, "klp_module_reloc must be 12 bytes");

#define KLP_MODULE_RELOC(obj) \
	struct klp_module_reloc __section(".klp.module_relocs." #obj) __aligned(4)

#define KLP_SYMPOS(symbol, pos) \
	{ \
		.sym = (void *)&(symbol), \
		.sympos = (pos), \
	}

#endif /* KLP_MODULE_RELOC */
#endif /* KLP_ANNOTATIONS_H */
