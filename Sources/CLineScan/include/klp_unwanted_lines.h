#ifndef KLP_UNWANTED_LINES_H
#define KLP_UNWANTED_LINES_H
#include <stddef.h>
#include <stdint.h>

#include "klp_name_filter.h"

/*
 * The inner loop of a targeted symbols.klp scan (SymbolListParser.Scanner.lines): from line `index` of a piece
 * (line ends as klp_line_ends found them, `count` of them; `first_nul` as it found it), passes over every line
 * that needs nothing but rejection, and returns the index of the first line that needs more (`count` when
 * none). A line is passed over only when it is a valid plain symbol line, or a valid export marker, whose name
 * `filter` does not want: no NUL byte, 1 to `maximum_length` bytes, not a `*` or `-` line, no CR at its end, not
 * an export marker without a name. Everything else (a wanted name, any line another rule applies to, any error)
 * is left to the Swift scanner, which judges it as it judges every line. The caller uses it only where the
 * Swift short path would do the same for such a line: past the header, inside an object block, with the
 * database's order decided (no comparison with the previous line), and with a filter.
 */
/* The line the loop stopped at, when it stopped for a wanted name: that line passed every check above, so the
 * caller keeps it without judging it again. */
typedef struct klp_wanted_line {
    intptr_t entry; /* the name's index in the filter (klp_name_filter_entry), -1 when the loop stopped for another
                     * reason or at the end */
    size_t marker;  /* length of the line's export-marker prefix (10 or 16), 0 for a symbol line */
} klp_wanted_line;

size_t klp_skip_unwanted_lines(const unsigned char *base, const int32_t *ends, size_t index, size_t count,
                               size_t first_nul, size_t maximum_length, const klp_name_filter *filter,
                               klp_wanted_line *wanted);

#endif
