// Decompressors for kernel modules shipped as .ko.xz, .ko.zst and .ko.gz (Debian: liblzma-dev, libzstd-dev,
// zlib1g-dev). Linked rather than run as xz/zstd/gzip processes: a module tree has thousands of files.
#include <lzma.h>
#include <zstd.h>
#include <zlib.h>

// Function-like macro values Swift cannot import.
static const uint32_t klp_lzma_concatenated = LZMA_CONCATENATED;
