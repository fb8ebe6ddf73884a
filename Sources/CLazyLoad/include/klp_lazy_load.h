#ifndef KLP_LAZY_LOAD_H
#define KLP_LAZY_LOAD_H
#include <pthread.h>
#include <stddef.h>

/*
 * A shared library opened with dlopen on first use instead of at every start. `klp-convert symbols.klp in.ko
 * out.ko` runs once per livepatch in a kernel build and needs none of libdw, libelf, liblzma, libzstd or zlib
 * (only build-db does); loading them and their dependencies at start was a quarter of a small conversion's CPU.
 *
 * Every symbol is resolved when the library is opened, so a library without one of them (too old) is refused
 * with its name instead of failing in the middle of a run. The callers (build-db's DWARF reader and
 * decompressor) call klp_lazy_load first and turn a failure into an error naming the file being read.
 */
struct klp_lazy_library {
    const char *soname;              /* e.g. "libdw.so.1" */
    const char *package;             /* what provides it on Debian, for the message */
    const char *const *names;        /* symbols to resolve, `count` of them */
    void **slots;                    /* where their addresses go, in the same order */
    size_t count;
    pthread_mutex_t lock;
    int state;                       /* 0 not tried, 1 loaded, -1 failed */
    char error[512];
};

/* 1 when the library and all its symbols are there, else 0 with the reason in library->error. Thread-safe. */
int klp_lazy_load(struct klp_lazy_library *library);

/* The reason of the last failure ("" when none). */
const char *klp_lazy_error(struct klp_lazy_library *library);

/*
 * For the forwarding functions: loads the library if that was not done, and if it cannot be loaded, prints the
 * reason and exits with status 255 (the callers check klp_lazy_load first, so this only guards a missed check).
 */
void klp_lazy_require(struct klp_lazy_library *library);

/* The forwarding functions' check: one atomic load once the library is there. */
static inline void klp_lazy_ready(struct klp_lazy_library *library) {
    if (__atomic_load_n(&library->state, __ATOMIC_ACQUIRE) != 1) klp_lazy_require(library);
}

/*
 * A forwarding file declares each library once: a list of the functions it uses, one line each, and
 * KLP_LAZY_DEFINE(library, soname, package, LIST), which makes everything else from that list.
 *
 *     #define KLP_LZMA_FUNCTIONS(F, V, R, library)
 *         F(library, lzma_ret, lzma_code, (lzma_stream * stream, lzma_action action), (stream, action))
 *         V(library, lzma_end, (lzma_stream * stream), (stream))
 *     KLP_LAZY_DEFINE(lzma, "liblzma.so.5", "liblzma5", KLP_LZMA_FUNCTIONS)
 *
 * (each line of the list ending in a backslash). F is a function returning a value: (return type, name,
 * (parameters), (arguments)); V a function returning void: (name, (parameters), (arguments)); R a function only
 * resolved, not forwarded: R(library, name) for one handed to the library itself as a callback (libdwfl's
 * standard callbacks), reached with KLP_LAZY_REAL(library, name).
 *
 * KLP_LAZY_DEFINE makes the index enum, the name table and the slots in the list's order (the order in which
 * dlsym looks for them, so the first missing one is the one the error names), the struct klp_lazy_library
 * named `library`, a forwarding definition of every F and V with the prototype of the library's own header (so
 * the compiler checks that they agree), and klp_<library>_load / klp_<library>_error for the Swift callers.
 * The soname stays a string literal in the forwarding file: packaging/make-deb.sh greps it from there.
 */
#define KLP_LAZY_DEFINE(library, soname, package, LIST)                                                         \
    enum { LIST(KLP_LAZY_INDEX_F, KLP_LAZY_INDEX_V, KLP_LAZY_INDEX_R, library) klp_##library##_count };         \
    static const char *const library##_names[] = {                                                              \
        LIST(KLP_LAZY_NAME_F, KLP_LAZY_NAME_V, KLP_LAZY_NAME_R, library)};                                      \
    static void *library##_slots[klp_##library##_count];                                                        \
    static struct klp_lazy_library library = {soname, package, library##_names, library##_slots,                \
                                              klp_##library##_count, PTHREAD_MUTEX_INITIALIZER, 0, ""};         \
    LIST(KLP_LAZY_FORWARD_F, KLP_LAZY_FORWARD_V, KLP_LAZY_FORWARD_R, library)                                   \
    int klp_##library##_load(void) { return klp_lazy_load(&library); }                                          \
    const char *klp_##library##_error(void) { return klp_lazy_error(&library); }

/* The address dlsym found for `name` of `library`, with the type of the library's own declaration. */
#define KLP_LAZY_REAL(library, name) ((__typeof__(&name))library##_slots[klp_index_##name])

/* KLP_LAZY_DEFINE's expansions of one line of the list. */
#define KLP_LAZY_INDEX_F(library, ret, name, params, args) klp_index_##name,
#define KLP_LAZY_INDEX_V(library, name, params, args) klp_index_##name,
#define KLP_LAZY_INDEX_R(library, name) klp_index_##name,
#define KLP_LAZY_NAME_F(library, ret, name, params, args) #name,
#define KLP_LAZY_NAME_V(library, name, params, args) #name,
#define KLP_LAZY_NAME_R(library, name) #name,
#define KLP_LAZY_FORWARD_F(library, ret, name, params, args) \
    ret name params {                                        \
        klp_lazy_ready(&library);                            \
        return KLP_LAZY_REAL(library, name) args;            \
    }
#define KLP_LAZY_FORWARD_V(library, name, params, args) \
    void name params {                                  \
        klp_lazy_ready(&library);                       \
        KLP_LAZY_REAL(library, name) args;              \
    }
#define KLP_LAZY_FORWARD_R(library, name)

#endif
