#include "klp_unwanted_lines.h"

#include <string.h>

static inline uint64_t word_of(const char *text) {
    uint64_t word;
    memcpy(&word, text, 8);
    return word;
}

/* Length of a `__ksymtab_` (10) or `__export_symbol_` (16) prefix, or 0: the rule of
 * SymbolListParser.exportMarkerPrefixLength. */
static inline size_t export_marker_length(const unsigned char *line, size_t length) {
    if (length >= 10 && memcmp(line, "__ksymtab_", 10) == 0) return 10;
    if (length >= 16 && memcmp(line, "__export_symbol_", 16) == 0) return 16;
    return 0;
}

/* klp_name_words for a line of a piece where 8 bytes may be loaded from its start (`loadable`): a line under 8
 * bytes is then one load and a mask instead of a loop over its bytes. The same words as klp_name_words. */
static inline void line_words(const unsigned char *line, size_t length, int loadable, uint64_t *head,
                              uint64_t *tail) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (length < 8 && loadable) {
        uint64_t word;
        memcpy(&word, line, 8);
        word &= ~0ull >> (64 - 8 * length);
        *head = word;
        *tail = word;
        return;
    }
#else
    (void)loadable;
#endif
    klp_name_words(line, length, head, tail);
}

/* Every line the fast loop below does not pass over by itself: a `*` or `-` line, a CR at its end, under 8
 * bytes, perhaps an export marker, or a name that passed the bitmap. Returns 1 when the line is passed over
 * (a valid `-<file>` line, noted in `skipped`, or a valid line whose name is not wanted), 0 when the loop must
 * stop at it (a wanted name, noted in `skipped`, or a line for the Swift scanner to judge). Out of line, so that
 * the fast loop keeps its few values in registers. */
static __attribute__((noinline)) int other_line(const unsigned char *line, size_t length, size_t start, int loadable,
                                                const klp_name_filter *filter, klp_skipped_lines *skipped) {
    unsigned char first = line[0], last = line[length - 1];
    if (first == '*' || first == '-' || last == '\r') {
        if (first != '-' || last == '\r' || length == 1) return 0;
        /* A `-<file>` marker (one per ~25 lines): noted here rather than by a return to Swift. */
        skipped->file_marker = (intptr_t)start;
        skipped->file_marker_length = length;
        return 1;
    }
    /* The name after an export marker is what the filter is asked about. */
    size_t marker = export_marker_length(line, length);
    if (marker == length) return 0;
    uint64_t head, tail;
    if (marker > 0) klp_name_words(line + marker, length - marker, &head, &tail);
    else line_words(line, length, loadable, &head, &tail);
    uint64_t hash = klp_name_hash(head, tail, length - marker);
    size_t bit = klp_name_bit(hash);
    if (!(filter->bitmap[bit >> 6] >> (bit & 63) & 1)) return 1;
    intptr_t entry = klp_name_filter_find(filter, line + marker, length - marker, head, tail, hash);
    if (entry < 0) return 1;
    skipped->entry = entry;
    skipped->marker = marker;
    return 0;
}

size_t klp_skip_unwanted_lines(const unsigned char *base, const int32_t *ends, size_t index, size_t count,
                               size_t first_nul, size_t maximum_length, const klp_name_filter *filter,
                               klp_skipped_lines *skipped) {
    skipped->entry = -1;
    skipped->file_marker = -1;
    if (index >= count) return index;
    /* The loop ends before the first line with a NUL byte (rare: found here once, not tested per line). */
    size_t stop = count;
    if (first_nul < (size_t)ends[count - 1]) {
        stop = index;
        while ((size_t)ends[stop] <= first_nul) stop++;
    }
    const uint64_t ksymtab = word_of("__ksymta"), export = word_of("__export");
    /* Lines that start 8 bytes or more before the last line end may be loaded 8 bytes at a time. */
    const size_t loadable_below = (size_t)ends[count - 1] >= 8 ? (size_t)ends[count - 1] - 7 : 0;
    const uint64_t *bitmap = filter->bitmap;
    size_t start = index == 0 ? 0 : (size_t)ends[index - 1] + 1;
    for (; index < stop; index++) {
        size_t end = (size_t)ends[index];
        size_t length = end - start;
        /* A length of 0 wraps round to the largest size_t: one compare for both bounds. */
        if (__builtin_expect(length - 1 >= maximum_length, 0)) break;
        const unsigned char *line = base + start;
        unsigned char first = line[0], last = line[length - 1];
        /* The common line: a symbol name of 8 bytes or more that is not an export marker (whose first 8 bytes
         * are one of two words) and whose bit in the bitmap is clear. One branch for each rare case. */
        if (__builtin_expect((length < 8) | (first == '*') | (first == '-') | (last == '\r'), 0)) goto other;
        uint64_t head, tail;
        memcpy(&head, line, 8);
        memcpy(&tail, line + length - 8, 8);
        if (__builtin_expect((head == ksymtab) | (head == export), 0)) goto other;
        uint64_t hash = klp_name_hash(head, tail, length);
        size_t bit = klp_name_bit(hash);
        if (__builtin_expect(bitmap[bit >> 6] >> (bit & 63) & 1, 0)) goto other;
        start = end + 1;
        continue;
    other:
        if (!other_line(line, length, start, start < loadable_below, filter, skipped)) break;
        start = end + 1;
    }
    return index;
}
