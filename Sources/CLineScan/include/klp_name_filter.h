#ifndef KLP_NAME_FILTER_H
#define KLP_NAME_FILTER_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * The wanted names of a targeted symbols.klp load, as the tables NameFilter (Swift) builds once: a bitmap over a
 * hash of each name's first and last 8 bytes and its length rejects almost every other line with one bit test,
 * and an open-addressing table on the same hash finds the name for the few that pass. The hash and the test
 * live here, once, because both the Swift side (building the tables, NameFilter.contains) and the C line loop
 * (klp_skip_unwanted_lines) need them and must agree bit for bit.
 */

/* 65536 bits (8 KB, stays in L1): with 1,000 names about 1.5% of other names pass the bitmap (3% with 4 KB,
 * where the table lookups of those were a tenth of the targeted scan). */
#define KLP_NAME_FILTER_BITMAP_WORDS 1024

typedef struct klp_name_filter {
    const uint64_t *bitmap;   /* KLP_NAME_FILTER_BITMAP_WORDS words */
    const int32_t *slots;     /* name index per slot, -1 for empty; at most half full */
    intptr_t slot_mask;
    const uint64_t *heads;    /* first and last 8 bytes of each name (see klp_name_words) */
    const uint64_t *tails;
    const intptr_t *lengths;
    const intptr_t *offsets;  /* of each name in bytes */
    const unsigned char *bytes;
} klp_name_filter;

/* First and last 8 bytes of a name (overlapping when it is shorter than 16), as the host loads them; a name
 * under 8 bytes is zero-padded and is both. */
static inline void klp_name_words(const unsigned char *name, size_t length, uint64_t *head, uint64_t *tail) {
    if (length >= 8) {
        memcpy(head, name, 8);
        memcpy(tail, name + length - 8, 8);
        return;
    }
    uint64_t word = 0;
    for (size_t index = 0; index < length; index++) word |= (uint64_t)name[index] << (8 * index);
    *head = word;
    *tail = word;
}

/* One multiply: the line loop computes this for every symbol line, and a chain of three multiplies was its
 * longest dependency (the tail is rotated so that a name whose halves are equal does not cancel to 0). The
 * product's top bits depend on every bit of its input: the bitmap takes the top 16, the table the bits from 20. */
static inline uint64_t klp_name_hash(uint64_t head, uint64_t tail, size_t length) {
    uint64_t mixed = head ^ (tail << 29 | tail >> 35) ^ (uint64_t)length;
    return mixed * 0x9e3779b97f4a7c15ull;
}

static inline size_t klp_name_bit(uint64_t hash) { return (size_t)(hash >> 48); }

static inline size_t klp_name_slot(uint64_t hash, intptr_t mask) { return (size_t)(hash >> 20) & (size_t)mask; }

/* The table lookup, for a name that passed the bitmap (rare: out of line): its index, or -1. */
intptr_t klp_name_filter_find(const klp_name_filter *filter, const unsigned char *name, size_t length, uint64_t head,
                              uint64_t tail, uint64_t hash);

/* The index of name[0..<length] among the wanted names (the order NameFilter stored them in), or -1. */
static inline intptr_t klp_name_filter_entry(const klp_name_filter *filter, const unsigned char *name,
                                             size_t length) {
    uint64_t head, tail;
    klp_name_words(name, length, &head, &tail);
    uint64_t hash = klp_name_hash(head, tail, length);
    size_t bit = klp_name_bit(hash);
    if (!(filter->bitmap[bit >> 6] >> (bit & 63) & 1)) return -1;
    return klp_name_filter_find(filter, name, length, head, tail, hash);
}

#endif
