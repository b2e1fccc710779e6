/* The event log's id (logid.c). */
#ifndef RELAY_LOGID_H
#define RELAY_LOGID_H

#include <stddef.h>

#include "relay.h"

/* Reads meta('log_id') into r->log_id, making one when there is none or
 * the log is a restored backup.  At start, before the writer thread. */
int logid_load(struct relay *r, char *err, size_t errlen);
/* A fresh random id. */
void logid_new(char out[LOGID_LEN + 1]);

#endif
