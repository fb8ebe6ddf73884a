#ifndef KLP_CCOMPRESSION_H
#define KLP_CCOMPRESSION_H
// Decompressors for kernel modules shipped as .ko.xz, .ko.zst and .ko.gz (Debian: liblzma-dev, libzstd-dev,
// zlib1g-dev to build; liblzma5, libzstd1, zlib1g to run). Linked rather than run as xz/zstd/gzip processes: a
// module tree has thousands of files. Each library is opened on first use (lazy_compression.c), not at every
// start of klp-convert: call its klp_*_load before its other functions, and report klp_*_error when it returns 0.
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

int klp_lzma_load(void);
const char *_Nonnull klp_lzma_error(void);
int klp_zstd_load(void);
const char *_Nonnull klp_zstd_error(void);
int klp_zlib_load(void);
const char *_Nonnull klp_zlib_error(void);

// Function-like macro values Swift cannot import.
static const uint32_t klp_lzma_concatenated = LZMA_CONCATENATED;
#endif
