/* The seeds' annotations come from the project's one header (scripts/fuzz.sh copies it next to this file). */
#include "klp_macros.h"
MODULE_INFO(livepatch, "Y");
