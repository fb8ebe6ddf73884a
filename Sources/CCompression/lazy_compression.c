// liblzma's, libzstd's and zlib's functions as build-db uses them, each forwarded to its library opened on first
// use (see klp_lazy_load.h).
#include "ccompression.h"
#include "klp_lazy_load.h"

#define KLP_LZMA_FUNCTIONS(X)                                                                                  \
    X(lzma_ret, lzma_stream_decoder, (lzma_stream * stream, uint64_t limit, uint32_t flags),                  \
      (stream, limit, flags))                                                                                  \
    X(lzma_ret, lzma_code, (lzma_stream * stream, lzma_action action), (stream, action))
#define KLP_LZMA_OTHERS(X) X(void, lzma_end, (void), ())

#define KLP_ZSTD_FUNCTIONS(X)                                                                                  \
    X(ZSTD_DCtx *, ZSTD_createDCtx, (void), ())                                                                \
    X(size_t, ZSTD_freeDCtx, (ZSTD_DCtx * context), (context))                                                 \
    X(size_t, ZSTD_decompressStream, (ZSTD_DCtx * context, ZSTD_outBuffer *output, ZSTD_inBuffer *input),     \
      (context, output, input))                                                                                \
    X(unsigned, ZSTD_isError, (size_t code), (code))                                                           \
    X(const char *, ZSTD_getErrorName, (size_t code), (code))

#define KLP_ZLIB_FUNCTIONS(X)                                                                                  \
    X(const char *, zlibVersion, (void), ())                                                                   \
    X(int, inflateInit2_, (z_streamp stream, int windowBits, const char *version, int size),                  \
      (stream, windowBits, version, size))                                                                     \
    X(int, inflate, (z_streamp stream, int flush), (stream, flush))                                            \
    X(int, inflateEnd, (z_streamp stream), (stream))                                                           \
    X(int, inflateReset, (z_streamp stream), (stream))

enum { KLP_LZMA_FUNCTIONS(KLP_LAZY_INDEX) KLP_LZMA_OTHERS(KLP_LAZY_INDEX) klp_lzma_count };
static const char *const lzma_names[] = {KLP_LZMA_FUNCTIONS(KLP_LAZY_NAME) KLP_LZMA_OTHERS(KLP_LAZY_NAME)};
static void *lzma_slots[klp_lzma_count];
static struct klp_lazy_library lzma = {
    "liblzma.so.5", "liblzma5", lzma_names, lzma_slots, klp_lzma_count, PTHREAD_MUTEX_INITIALIZER, 0, ""};

enum { KLP_ZSTD_FUNCTIONS(KLP_LAZY_INDEX) klp_zstd_count };
static const char *const zstd_names[] = {KLP_ZSTD_FUNCTIONS(KLP_LAZY_NAME)};
static void *zstd_slots[klp_zstd_count];
static struct klp_lazy_library zstd = {
    "libzstd.so.1", "libzstd1", zstd_names, zstd_slots, klp_zstd_count, PTHREAD_MUTEX_INITIALIZER, 0, ""};

enum { KLP_ZLIB_FUNCTIONS(KLP_LAZY_INDEX) klp_zlib_count };
static const char *const zlib_names[] = {KLP_ZLIB_FUNCTIONS(KLP_LAZY_NAME)};
static void *zlib_slots[klp_zlib_count];
static struct klp_lazy_library zlib = {
    "libz.so.1", "zlib1g", zlib_names, zlib_slots, klp_zlib_count, PTHREAD_MUTEX_INITIALIZER, 0, ""};

#define KLP_LAZY_LIBRARY lzma
#define KLP_LAZY_SLOTS lzma_slots
KLP_LZMA_FUNCTIONS(KLP_LAZY_FORWARD)
void lzma_end(lzma_stream *stream) {
    klp_lazy_ready(&lzma);
    KLP_LAZY_REAL(lzma_end)(stream);
}
#undef KLP_LAZY_LIBRARY
#undef KLP_LAZY_SLOTS

#define KLP_LAZY_LIBRARY zstd
#define KLP_LAZY_SLOTS zstd_slots
KLP_ZSTD_FUNCTIONS(KLP_LAZY_FORWARD)
#undef KLP_LAZY_LIBRARY
#undef KLP_LAZY_SLOTS

#define KLP_LAZY_LIBRARY zlib
#define KLP_LAZY_SLOTS zlib_slots
KLP_ZLIB_FUNCTIONS(KLP_LAZY_FORWARD)
#undef KLP_LAZY_LIBRARY
#undef KLP_LAZY_SLOTS

int klp_lzma_load(void) { return klp_lazy_load(&lzma); }
const char *klp_lzma_error(void) { return klp_lazy_error(&lzma); }
int klp_zstd_load(void) { return klp_lazy_load(&zstd); }
const char *klp_zstd_error(void) { return klp_lazy_error(&zstd); }
int klp_zlib_load(void) { return klp_lazy_load(&zlib); }
const char *klp_zlib_error(void) { return klp_lazy_error(&zlib); }
