#ifndef KLP_BUILD_INFO_H
#define KLP_BUILD_INFO_H

/* The git commit the binary was built from ("unknown commit" for a plain `swift build`). */
const char *klp_build_commit(void);

#endif
