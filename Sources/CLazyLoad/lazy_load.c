#include "klp_lazy_load.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int open_library(struct klp_lazy_library *library) {
    void *handle = dlopen(library->soname, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        const char *reason = dlerror();
        snprintf(library->error, sizeof library->error, "%s cannot be loaded (%s): install %s",
                 library->soname, reason ? reason : "unknown reason", library->package);
        return -1;
    }
    for (size_t i = 0; i < library->count; i++) {
        dlerror();
        void *address = dlsym(handle, library->names[i]);
        if (address == NULL) {
            snprintf(library->error, sizeof library->error, "%s has no %s: a newer %s is needed",
                     library->soname, library->names[i], library->package);
            dlclose(handle);
            return -1;
        }
        library->slots[i] = address;
    }
    return 1;
}

int klp_lazy_load(struct klp_lazy_library *library) {
    pthread_mutex_lock(&library->lock);
    /* Released after the slots are filled: the forwarding functions read state without the lock. */
    if (library->state == 0) __atomic_store_n(&library->state, open_library(library), __ATOMIC_RELEASE);
    int state = library->state;
    pthread_mutex_unlock(&library->lock);
    return state == 1;
}

const char *klp_lazy_error(struct klp_lazy_library *library) {
    return library->error;
}

void klp_lazy_require(struct klp_lazy_library *library) {
    if (klp_lazy_load(library)) return;
    fprintf(stderr, "klp-convert: %s\n", library->error);
    exit(255);
}
