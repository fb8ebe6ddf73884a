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
 * Building blocks for a forwarding file. It lists its functions as X(return type, name, (parameters),
 * (arguments)) and defines KLP_LAZY_LIBRARY (the struct klp_lazy_library) and KLP_LAZY_SLOTS (its slots) before
 * expanding KLP_LAZY_FORWARD; each definition has the prototype of the library's own header, so the compiler
 * checks that they agree.
 */
#define KLP_LAZY_INDEX(ret, name, params, args) klp_index_##name,
#define KLP_LAZY_NAME(ret, name, params, args) #name,
#define KLP_LAZY_REAL(name) ((__typeof__(&name))KLP_LAZY_SLOTS[klp_index_##name])
#define KLP_LAZY_FORWARD(ret, name, params, args) \
    ret name params {                             \
        klp_lazy_ready(&KLP_LAZY_LIBRARY);        \
        return KLP_LAZY_REAL(name) args;          \
    }

#endif
