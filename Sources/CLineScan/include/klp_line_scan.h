#ifndef KLP_LINE_SCAN_H
#define KLP_LINE_SCAN_H
#include <stddef.h>
#include <stdint.h>

/*
 * The offsets of every newline of base[0..<count], in order, into `out`, which has room for count + 35 entries
 * (whole blocks write up to four entries whether or not they are newlines); returns how many. *first_nul is
 * the offset of the first NUL byte, or count when there is none. symbols.klp's scanner (LineEnds) calls this
 * once per 256 KB piece: with AVX2 64 bytes are compared per step, with SSE2 (every x86-64) 32, and the matches
 * taken from a bit mask (pmovmskb), which Swift's SIMD types do not produce; elsewhere memchr finds each newline.
 */
size_t klp_line_ends(const unsigned char *base, size_t count, int32_t *out, size_t *first_nul);

/* The same without AVX2 (what klp_line_ends does on a CPU without it): for tests that compare the two. */
size_t klp_line_ends_sse2(const unsigned char *base, size_t count, int32_t *out, size_t *first_nul);

/* Whether klp_line_ends uses AVX2 on this CPU. */
int klp_line_ends_has_avx2(void);

#endif
