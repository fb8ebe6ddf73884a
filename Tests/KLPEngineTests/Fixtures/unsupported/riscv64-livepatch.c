/* A livepatch for a machine klp-convert has no loader rules for (riscv64, DECISIONS 10): with
 * -mcmodel=medany every access to saved_command_line is an R_RISCV_PCREL_HI20 / PCREL_LO12_I pair whose LO12
 * points at the HI20's place, which the riscv module loader looks up in the same relocation section. */
#include "klp_macros.h"
MODULE_INFO(livepatch, "Y");
extern char saved_command_line[];
char first_char(void) { return saved_command_line[0]; }
