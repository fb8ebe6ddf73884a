#include "klp_name_filter.h"

intptr_t klp_name_filter_find(const klp_name_filter *filter, const unsigned char *name, size_t length, uint64_t head,
                              uint64_t tail, uint64_t hash) {
    for (size_t slot = klp_name_slot(hash, filter->slot_mask);; slot = (slot + 1) & (size_t)filter->slot_mask) {
        int32_t entry = filter->slots[slot];
        if (entry < 0) return -1;
        /* Another name in the slot is passed over by two word compares, without calling memcmp; up to 16 bytes,
         * the two words are the whole name. */
        if (filter->heads[entry] == head && filter->tails[entry] == tail && (size_t)filter->lengths[entry] == length
            && (length <= 16 || memcmp(filter->bytes + filter->offsets[entry] + 8, name + 8, length - 16) == 0))
            return entry;
    }
}
