/*
 * The event log's id (spec/relay-api.md, "Operating the relay"): random,
 * made when the log is created and kept in meta('log_id').  A client that
 * sees another id than the one it cached from starts over from after=0.
 *
 * A new id is made when there is none (a new log, or one older than log
 * ids), after `import`, and when the log is a restored backup: `backup`
 * marks its copy with meta('restore_pending'), and the first relay that
 * opens such a file gives it a fresh id.  So every restore of the same
 * backup file is a log of its own, even if a client saw an earlier one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "logid.h"

void
logid_new(char out[LOGID_LEN + 1])
{
	unsigned char rnd[LOGID_LEN / 2];

	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(out, LOGID_LEN + 1, rnd, sizeof rnd);
}

struct logid_job {
	struct relay_job job;
	char id[LOGID_LEN + 1];
};

/* In a writer transaction: on PostgreSQL relays starting together take
 * turns, so they all read the id the first one wrote. */
static void
logid_run(struct relay *r, struct relay_job *j)
{
	struct logid_job *lj = (struct logid_job *)j;
	char *id = NULL, *pending = NULL;
	int rc;

	if ((rc = relay_store_meta_get(r->writer, "log_id", &id)) < 0 ||
	    relay_store_meta_get(r->writer, "restore_pending", &pending) < 0) {
		j->failed = 1;
		goto out;
	}
	if (rc == 1 && id != NULL && strlen(id) == LOGID_LEN &&
	    (pending == NULL || *pending == '\0')) {
		memcpy(lj->id, id, LOGID_LEN + 1);
		goto out;
	}
	logid_new(lj->id);
	if (relay_store_meta_put(r->writer, "log_id", lj->id) != 0 ||
	    (pending != NULL && relay_store_meta_put(r->writer,
	    "restore_pending", "") != 0))
		j->failed = 1;
out:
	free(id);
	free(pending);
}

int
logid_load(struct relay *r, char *err, size_t errlen)
{
	struct logid_job lj;

	memset(&lj, 0, sizeof lj);
	lj.job.run = logid_run;
	if (relay_run_now(r, &lj.job) != 0) {
		snprintf(err, errlen, "cannot read or make the event log id: %s",
		    relay_store_error(r->writer));
		return -1;
	}
	memcpy(r->log_id, lj.id, sizeof r->log_id);
	return 0;
}
