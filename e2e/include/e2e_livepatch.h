/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Boilerplate shared by the e2e livepatch modules: one replaced function in one object.
 * E2E_LIVEPATCH(NULL, "cmdline_proc_show", new_fn) patches vmlinux; a module name patches that module
 * (and, if the module is loaded later, the kernel applies the patch when it loads).
 * E2E_LIVEPATCH_SYMPOS(objname, oldname, new_fn, sympos) names one copy of a homonym (klp_func.old_sympos).
 */
#ifndef E2E_LIVEPATCH_H
#define E2E_LIVEPATCH_H

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>

#define E2E_LIVEPATCH(objname, oldname, newfunc)				\
	E2E_LIVEPATCH_SYMPOS(objname, oldname, newfunc, 0)

/* The same for the copy number sympos of a homonym (0: the name must be unique, as in E2E_LIVEPATCH). */
#define E2E_LIVEPATCH_SYMPOS(objname, oldname, newfunc, sympos)			\
	static struct klp_func e2e_funcs[] = {				\
		{ .old_name = oldname, .new_func = newfunc,		\
		  .old_sympos = (sympos), },				\
		{ }							\
	};								\
	static struct klp_object e2e_objs[] = {				\
		{ .name = objname, .funcs = e2e_funcs, },		\
		{ }							\
	};								\
	static struct klp_patch e2e_patch = {				\
		.mod = THIS_MODULE,					\
		.objs = e2e_objs,					\
	};								\
	static int e2e_livepatch_init(void)				\
	{								\
		return klp_enable_patch(&e2e_patch);			\
	}								\
	static void e2e_livepatch_exit(void)				\
	{								\
	}								\
	module_init(e2e_livepatch_init);				\
	module_exit(e2e_livepatch_exit);				\
	MODULE_LICENSE("GPL");						\
	MODULE_INFO(livepatch, "Y")

#endif /* E2E_LIVEPATCH_H */
