#ifndef KLP_UNWANTED_LINES_H
#define KLP_UNWANTED_LINES_H
#include <stddef.h>
#include <stdint.h>

#include "klp_name_filter.h"

/* What klp_skip_unwanted_lines found besides the lines it passed over. */
typedef struct klp_skipped_lines {
    /* When the loop stopped for a wanted name: the name's index in the filter (klp_name_filter_entry), else -1.
     * That line passed every check, so the caller keeps it without judging it again. */
    intptr_t entry;
    /* The stopped line's export-marker prefix length (10 or 16), 0 for a symbol line. */
    size_t marker;
    /* The last valid `-<file>` marker line passed over (`-?` included): its offset in the piece and length, the
     * offset -1 when there was none. The caller makes it the current file marker. */
    intptr_t file_marker;
    size_t file_marker_length;
} klp_skipped_lines;

/*
 * The inner loop of a targeted symbols.klp scan (SymbolListParser.Scanner.lines): from line `index` of a piece
 * (line ends as klp_line_ends found them, `count` of them; `first_nul` as it found it), passes over every line
 * that needs nothing but rejection, and returns the index of the first line that needs more (`count` when
 * none). A line is passed over only when it is a valid plain symbol line, or a valid export marker, whose name
 * `filter` does not want, or a valid `-<file>` marker (reported in `skipped`): no NUL byte, 1 to
 * `maximum_length` bytes, not a `*` line, no CR at its end, not an export marker without a name, not a `-`
 * alone. Everything else (a wanted name, any line another rule applies to, any error) is left to the Swift
 * scanner, which judges it as it judges every line. The caller uses it only where the Swift scanner would do
 * no more for such a line: past the header, inside an object block (where a `-<file>` line is valid), with the
 * database's order decided (no comparison with the previous line, no order evidence left to note), and with a
 * filter.
 */
size_t klp_skip_unwanted_lines(const unsigned char *base, const int32_t *ends, size_t index, size_t count,
                               size_t first_nul, size_t maximum_length, const klp_name_filter *filter,
                               klp_skipped_lines *skipped);

#endif
