/*
 * What the SQLite backend (store_sqlite.c) offers beside its ops table:
 * the offline upgrades `ttydesk-relay migrate` runs.
 */
#ifndef RELAY_STORE_SQLITE_H
#define RELAY_STORE_SQLITE_H

#include <stddef.h>

/* Makes a rowid messages table (a database made before messages were
 * keyed by their id alone) anew without its rowid, in one transaction.
 * 1 when it did, with *rows moved; 0 when the table was keyed already
 * (or is empty); -1 with err. */
int sqlite_messages_rekey(const char *path, long long *rows, char *err,
    size_t errlen);

#endif
