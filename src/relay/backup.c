/*
 * ttydesk-relay backup --config PATH FILE: a consistent copy of a SQLite
 * event log while the relay runs, with SQLite's online backup API.  The
 * copy is read in one step, inside one read transaction: it is the log
 * as of one commit, a prefix of the live one, and the writer (WAL mode)
 * is never blocked.
 *
 * The copy is marked restore_pending (logid.c): a relay that starts on it
 * gives it a new log id, so agents' terminals notice the restore and
 * sync again from the start instead of trusting seqs from another past.
 *
 * PostgreSQL has its own tool for this: pg_dump (docs/operations.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "config.h"
#include "migrate.h"
#include "store.h"

static int
backup_fail(sqlite3 *db, const char *what, const char *path)
{
	fprintf(stderr, "ttydesk-relay: backup: %s %s: %s\n", what, path,
	    db != NULL ? sqlite3_errmsg(db) : strerror(errno));
	return -1;
}

static int
backup_copy(const char *from, const char *to)
{
	sqlite3 *src = NULL, *dst = NULL;
	sqlite3_backup *b;
	int rc = -1, step;

	if (sqlite3_open_v2(from, &src, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		backup_fail(src, "cannot open", from);
		goto out;
	}
	sqlite3_busy_timeout(src, 10000);
	if (sqlite3_open_v2(to, &dst, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		backup_fail(dst, "cannot create", to);
		goto out;
	}
	if ((b = sqlite3_backup_init(dst, "main", src, "main")) == NULL) {
		backup_fail(dst, "cannot start on", to);
		goto out;
	}
	/* All pages in one step: one snapshot, however busy the relay. */
	do {
		step = sqlite3_backup_step(b, -1);
		if (step == SQLITE_BUSY || step == SQLITE_LOCKED)
			sqlite3_sleep(50);
	} while (step == SQLITE_OK || step == SQLITE_BUSY ||
	    step == SQLITE_LOCKED);
	if (sqlite3_backup_finish(b) != SQLITE_OK || step != SQLITE_DONE) {
		backup_fail(dst, "cannot copy into", to);
		goto out;
	}
	if (sqlite3_exec(dst, "PRAGMA journal_mode = DELETE; "
	    "INSERT OR REPLACE INTO meta(key, value) "
	    "VALUES('restore_pending', '1')", NULL, NULL, NULL) != SQLITE_OK) {
		backup_fail(dst, "cannot mark", to);
		goto out;
	}
	rc = 0;
out:
	sqlite3_close(dst);
	sqlite3_close(src);
	return rc;
}

int
backup_main(const char *config, const char *file)
{
	struct relay_config cfg;
	struct stat st;
	int rc = 1;

	if (config_load_cmd(config, &cfg) != 0)
		return 1;
	if (relay_store_is_pg(cfg.database)) {
		fprintf(stderr, "ttydesk-relay: backup: the event log is on "
		    "PostgreSQL; back it up with pg_dump (docs/operations.md)\n");
		goto out;
	}
	if (stat(file, &st) == 0 || errno != ENOENT) {
		fprintf(stderr, "ttydesk-relay: backup: %s exists; give a new "
		    "file\n", file);
		goto out;
	}
	if (backup_copy(cfg.database, file) != 0) {
		unlink(file);
		goto out;
	}
	fprintf(stderr, "backup of %s written to %s\n", cfg.database, file);
	rc = 0;
out:
	config_free(&cfg);
	return rc;
}
