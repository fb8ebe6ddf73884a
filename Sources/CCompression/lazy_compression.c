// liblzma's, libzstd's and zlib's functions as build-db uses them, each forwarded to its library opened on first
// use (see klp_lazy_load.h).
#include "ccompression.h"
#include "klp_lazy_load.h"

#define KLP_LZMA_FUNCTIONS(F, V, R, library)                                                                    \
    F(library, lzma_ret, lzma_stream_decoder, (lzma_stream * stream, uint64_t limit, uint32_t flags),           \
      (stream, limit, flags))                                                                                   \
    F(library, lzma_ret, lzma_code, (lzma_stream * stream, lzma_action action), (stream, action))               \
    V(library, lzma_end, (lzma_stream * stream), (stream))
KLP_LAZY_DEFINE(lzma, "liblzma.so.5", "liblzma5", KLP_LZMA_FUNCTIONS)

#define KLP_ZSTD_FUNCTIONS(F, V, R, library)                                                                    \
    F(library, ZSTD_DCtx *, ZSTD_createDCtx, (void), ())                                                        \
    F(library, size_t, ZSTD_freeDCtx, (ZSTD_DCtx * context), (context))                                         \
    F(library, size_t, ZSTD_decompressStream,                                                                   \
      (ZSTD_DCtx * context, ZSTD_outBuffer *output, ZSTD_inBuffer *input), (context, output, input))            \
    F(library, unsigned, ZSTD_isError, (size_t code), (code))                                                   \
    F(library, const char *, ZSTD_getErrorName, (size_t code), (code))
KLP_LAZY_DEFINE(zstd, "libzstd.so.1", "libzstd1", KLP_ZSTD_FUNCTIONS)

#define KLP_ZLIB_FUNCTIONS(F, V, R, library)                                                                    \
    F(library, const char *, zlibVersion, (void), ())                                                           \
    F(library, int, inflateInit2_, (z_streamp stream, int windowBits, const char *version, int size),           \
      (stream, windowBits, version, size))                                                                      \
    F(library, int, inflate, (z_streamp stream, int flush), (stream, flush))                                    \
    F(library, int, inflateEnd, (z_streamp stream), (stream))                                                   \
    F(library, int, inflateReset, (z_streamp stream), (stream))
KLP_LAZY_DEFINE(zlib, "libz.so.1", "zlib1g", KLP_ZLIB_FUNCTIONS)
