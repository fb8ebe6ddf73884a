#include "klp_line_scan.h"

#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

/* The last bytes one by one (a piece may end anywhere), and the first NUL if any block had one. */
static size_t finish(const unsigned char *base, size_t count, size_t offset, int any_nul, int32_t *out, size_t lines,
                     size_t *first_nul) {
    for (; offset < count; offset++) {
        if (base[offset] == '\n') out[lines++] = (int32_t)offset;
        else if (base[offset] == 0) any_nul = 1;
    }
    const unsigned char *nul_at = any_nul ? memchr(base, 0, count) : NULL;
    *first_nul = nul_at ? (size_t)(nul_at - base) : count;
    return lines;
}

size_t klp_line_ends_sse2(const unsigned char *base, size_t count, int32_t *out, size_t *first_nul) {
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
    return finish(base, count, offset, any_nul, out, lines, first_nul);
}

#if defined(__x86_64__) && defined(__GNUC__)
/* 64 bytes per step with AVX2 (compiled for it here, called only where the CPU has it): half the steps of SSE2,
 * and four entries written per step unconditionally (a 64-byte block of ~26-byte lines has two or three). */
__attribute__((target("avx2,bmi,popcnt"))) static size_t line_ends_avx2(const unsigned char *base, size_t count,
                                                                        int32_t *out, size_t *first_nul) {
    size_t lines = 0, offset = 0;
    const __m256i newline = _mm256_set1_epi8('\n'), zero = _mm256_setzero_si256();
    __m256i nul = zero;
    for (; offset + 64 <= count; offset += 64) {
        __m256i a = _mm256_loadu_si256((const __m256i *)(base + offset));
        __m256i b = _mm256_loadu_si256((const __m256i *)(base + offset + 32));
        nul = _mm256_or_si256(nul, _mm256_or_si256(_mm256_cmpeq_epi8(a, zero), _mm256_cmpeq_epi8(b, zero)));
        uint64_t found = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(a, newline))
                         | (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(b, newline)) << 32;
        size_t n = (size_t)_mm_popcnt_u64(found);
        /* tzcnt of 0 is 64: an entry past the block, overwritten by the next step (the caller leaves room). */
        out[lines] = (int32_t)(offset + _tzcnt_u64(found));
        found = _blsr_u64(found);
        out[lines + 1] = (int32_t)(offset + _tzcnt_u64(found));
        found = _blsr_u64(found);
        out[lines + 2] = (int32_t)(offset + _tzcnt_u64(found));
        found = _blsr_u64(found);
        out[lines + 3] = (int32_t)(offset + _tzcnt_u64(found));
        found = _blsr_u64(found);
        if (n > 4) {
            size_t at = lines + 4;
            for (; found != 0; found = _blsr_u64(found)) out[at++] = (int32_t)(offset + _tzcnt_u64(found));
        }
        lines += n;
    }
    int any_nul = !_mm256_testz_si256(nul, nul);
    return finish(base, count, offset, any_nul, out, lines, first_nul);
}
#endif

size_t klp_line_ends(const unsigned char *base, size_t count, int32_t *out, size_t *first_nul) {
#if defined(__x86_64__) && defined(__GNUC__)
    if (klp_line_ends_has_avx2()) return line_ends_avx2(base, count, out, first_nul);
#endif
    return klp_line_ends_sse2(base, count, out, first_nul);
}

int klp_line_ends_has_avx2(void) {
#if defined(__x86_64__) && defined(__GNUC__)
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") && __builtin_cpu_supports("popcnt");
#else
    return 0;
#endif
}
