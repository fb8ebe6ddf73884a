#include "klp_unwanted_lines.h"

#include <string.h>

/* Length of a `__ksymtab_` (10) or `__export_symbol_` (16) prefix, or 0: the rule of
 * SymbolListParser.exportMarkerPrefixLength, for a line known to start with '_' and to be 10 bytes or longer. */
static inline size_t export_marker_length(const unsigned char *line, size_t length) {
    if (memcmp(line, "__ksymtab_", 10) == 0) return 10;
    if (length >= 16 && memcmp(line, "__export_symbol_", 16) == 0) return 16;
    return 0;
}

size_t klp_skip_unwanted_lines(const unsigned char *base, const int32_t *ends, size_t index, size_t count,
                               size_t first_nul, size_t maximum_length, const klp_name_filter *filter,
                               klp_wanted_line *wanted) {
    wanted->entry = -1;
    size_t start = index == 0 ? 0 : (size_t)ends[index - 1] + 1;
    for (; index < count; index++) {
        size_t end = (size_t)ends[index];
        if (end > first_nul) break;
        size_t length = end - start;
        /* 0 wraps round to the largest size_t: one compare for both bounds. */
        if (length - 1 >= maximum_length) break;
        const unsigned char *line = base + start;
        unsigned char first = line[0], last = line[length - 1];
        if (first == '*' || first == '-' || last == '\r') break;
        /* Export markers start with "__": other lines skip the prefix test. */
        size_t marker = 0;
        if (first == '_' && length >= 10) {
            marker = export_marker_length(line, length);
            if (marker == length) break;
        }
        intptr_t entry = klp_name_filter_entry(filter, line + marker, length - marker);
        if (entry >= 0) {
            wanted->entry = entry;
            wanted->marker = marker;
            break;
        }
        start = end + 1;
    }
    return index;
}
