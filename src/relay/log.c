/*
 * One log line per event, escaped (log.h).  A single fputs of the whole
 * line keeps lines from different threads whole (stdio locks the stream).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "relay.h"

#define LOG_LINE_MAX 1024

static int
log_unsafe(unsigned char c)
{
	return c < 0x20 || c > 0x7e;
}

static size_t
log_put_hex(char *out, size_t o, unsigned char c)
{
	static const char hex[] = "0123456789ABCDEF";

	out[o++] = '%';
	out[o++] = hex[c >> 4];
	out[o++] = hex[c & 15];
	return o;
}

void
log_escape(char *out, size_t outlen, const char *line)
{
	const unsigned char *p;
	size_t o = 0;

	if (outlen == 0)
		return;
	for (p = (const unsigned char *)line; *p != '\0'; p++) {
		if (o + 4 > outlen)
			break;
		if (log_unsafe(*p))
			o = log_put_hex(out, o, *p);
		else
			out[o++] = (char)*p;
	}
	out[o] = '\0';
}

const char *
log_quote(char *buf, size_t len, const char *s)
{
	const unsigned char *p;
	size_t o = 0;

	if (len == 0)
		return "";
	for (p = (const unsigned char *)(s ? s : ""); *p != '\0'; p++) {
		if (o + 4 > len)
			break;
		if (*p == '"' || *p == '\\' || *p == '%')
			o = log_put_hex(buf, o, *p);
		else
			buf[o++] = (char)*p;
	}
	buf[o] = '\0';
	return buf;
}

static void
log_vmsg(int severity, const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX], safe[3 * LOG_LINE_MAX + 1], out[sizeof safe + 48];
	struct timespec ts;
	struct tm tm;

	if (severity < LOG_EMERG || severity > LOG_DEBUG)
		severity = LOG_INFO;
	vsnprintf(line, sizeof line, fmt, ap);
	log_escape(safe, sizeof safe, line);
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(out, sizeof out, "<%d>%04d-%02d-%02dT%02d:%02d:%02dZ %s\n",
	    severity, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, safe);
	fputs(out, stderr);
}

void
log_msg(int severity, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(severity, fmt, ap);
	va_end(ap);
}

/* The older free-text form: one quoted message field. */
void
relay_log(const char *fmt, ...)
{
	char text[LOG_LINE_MAX], quoted[3 * LOG_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	log_msg(LOG_INFO, "event=message message=\"%s\"",
	    log_quote(quoted, sizeof quoted, text));
}
