/*
 * Annotations written with the klp-convert v4 record layout, { void *sym; unsigned int sympos; }
 * packed, instead of the 12-byte union form (reference §2.1).  On 64-bit targets both layouts are
 * 12 bytes and this converts normally; on ppc32 a v4 record is 8 bytes, the cross-build bug the
 * union fixed: the tool must refuse the section instead of misreading the positions.
 */
#include "klp_test.h"

MODULE_INFO(livepatch, "Y");

struct klp_module_reloc_v4 {
	void *sym;
	unsigned int sympos;
} __attribute__((packed));

extern char *saved_command_line;
extern int state_show(void);
extern struct static_key tracepoint_printk_key;

struct klp_module_reloc_v4 v4_relocs[]
	__attribute__((section(".klp.module_relocs.vmlinux"), aligned(4))) = {
	{ &saved_command_line, 0 },
	{ (void *)&state_show, 2 },
	{ &tracepoint_printk_key, 0 },
};

int lp_v4_record(void)
{
	return saved_command_line[0] + state_show() + tracepoint_printk_key.enabled;
}
