/*
 * The relay's log: one line per event on stderr, read by journald.
 *
 *     <6>2026-12-07T01:02:03Z event=request method=GET path=/v1/sync status=200 ms=1.2
 *
 * The `<N>` prefix is the syslog severity (journald's SyslogLevelPrefix).
 * Fields are key=value.  Every byte below 0x20, 0x7f and every byte above
 * 0x7e in the finished line is written as %XX, so nothing a client sends
 * (a path, a header, a Graph error title) can move the cursor or change
 * the title of the operator's terminal, or start a second line.
 *
 * Never log a token, a secret or message text, at any severity.
 */
#ifndef RELAY_LOG_H
#define RELAY_LOG_H

#include <stddef.h>
#include <syslog.h> /* LOG_ERR (3) .. LOG_DEBUG (7) */

void log_msg(int severity, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A value for key="..." fields: s with '"', '\\' and '%' also written as
 * %XX (the line escaping does the rest).  Returns buf. */
const char *log_quote(char *buf, size_t len, const char *s);

/* Writes line (already formatted, without the prefix) with every unsafe
 * byte as %XX into out (out must hold 3 * strlen(line) + 1).  Exposed for
 * the unit test. */
void log_escape(char *out, size_t outlen, const char *line);

#endif
