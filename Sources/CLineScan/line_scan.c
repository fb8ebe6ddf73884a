#include "klp_line_scan.h"

#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

size_t klp_line_ends(const unsigned char *base, size_t count, int32_t *out, size_t *first_nul) {
    size_t lines = 0, offset = 0;
    int any_nul = 0;
#if defined(__SSE2__)
    const __m128i newline = _mm_set1_epi8('\n'), zero = _mm_setzero_si128();
    __m128i nul = zero;
    for (; offset + 32 <= count; offset += 32) {
        __m128i a = _mm_loadu_si128((const __m128i *)(base + offset));
        __m128i b = _mm_loadu_si128((const __m128i *)(base + offset + 16));
        nul = _mm_or_si128(nul, _mm_or_si128(_mm_cmpeq_epi8(a, zero), _mm_cmpeq_epi8(b, zero)));
        uint64_t found = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(a, newline))
                         | (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(b, newline)) << 16;
        /* Lines are ~26 bytes: one or two newlines per block is the rule. Writing two entries unconditionally
         * (bit 32 stands in for "none") keeps the loop free of a branch that would mispredict at every line. */
        uint64_t second = found & (found - 1);
        out[lines] = (int32_t)(offset + (size_t)__builtin_ctzll(found | 1ull << 32));
        out[lines + 1] = (int32_t)(offset + (size_t)__builtin_ctzll(second | 1ull << 32));
        lines += (found != 0) + (second != 0);
        for (uint64_t rest = second & (second - 1); rest != 0; rest &= rest - 1)
            out[lines++] = (int32_t)(offset + (size_t)__builtin_ctzll(rest));
    }
    any_nul = _mm_movemask_epi8(nul) != 0;
#else
    for (const unsigned char *at; offset < count && (at = memchr(base + offset, '\n', count - offset)) != NULL;) {
        out[lines++] = (int32_t)(at - base);
        offset = (size_t)(at - base) + 1;
    }
    offset = count;
    any_nul = memchr(base, 0, count) != NULL;
#endif
    /* The last bytes one by one (a piece may end anywhere). */
    for (; offset < count; offset++) {
        if (base[offset] == '\n') out[lines++] = (int32_t)offset;
        else if (base[offset] == 0) any_nul = 1;
    }
    const unsigned char *nul_at = any_nul ? memchr(base, 0, count) : NULL;
    *first_nul = nul_at ? (size_t)(nul_at - base) : count;
    return lines;
}
