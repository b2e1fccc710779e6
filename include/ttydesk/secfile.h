/*
 * Files that hold a secret (tokens, keys, the app secret).  Like ssh, refuse
 * a file that is group/world accessible or owned by someone else, and say
 * why.
 *
 * Ownership: secfile_read() returns sodium_malloc'd memory (guarded, never
 * swapped, wiped on free) that the caller releases with secfile_wipe().
 */
#ifndef TTYDESK_SECFILE_H
#define TTYDESK_SECFILE_H

#include <stddef.h>

/* 0 when path is a regular file owned by the current user with no group or
 * other permission bits; else -1 with the reason in err, e.g.
 * "secrets/token: permissions 0644 are too open; run: chmod 600 secrets/token". */
int secfile_check(const char *path, char *err, size_t errlen);

/* 0 when nobody but the user (or root) can change path, a file that names
 * commands to run: owned by the user or root, not group- or
 * world-writable (as ssh checks its config); else -1 with the reason. */
int secfile_check_trusted(const char *path, char *err, size_t errlen);

/* Check, then read the whole file (at most max bytes).  With trim, trailing
 * white space (a newline from `echo`) is removed.  Returns the secret, NUL
 * terminated, length in *len; NULL with the reason in err. */
char *secfile_read(const char *path, size_t max, int trim, size_t *len,
    char *err, size_t errlen);
void secfile_wipe(char *secret, size_t len);

/* Make the process undumpable (no core dumps, no ptrace by other users). */
void secfile_harden_process(void);

#endif
