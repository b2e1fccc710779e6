/* Labels and snooze: the parsers and the request bodies (labels.h). */
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ttydesk/model.h"
#include "ttydesk/vec.h"
#include "app.h"
#include "labels.h"

#define LABEL_MAX 32

/* The known label a word completes to, or NULL. */
static const char *
complete_one(const char *w, size_t len, const char *const *known, size_t n)
{
	const char *hit = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		if (strlen(known[i]) == len && strncmp(known[i], w, len) == 0)
			return known[i];
		if (strncmp(known[i], w, len) == 0) {
			if (hit != NULL)
				return NULL; /* ambiguous: keep the word */
			hit = known[i];
		}
	}
	return hit;
}

static int
label_ok(const char *w, size_t len, char *err, size_t errlen)
{
	size_t i, chars = 0;

	for (i = 0; i < len; i++) {
		if ((unsigned char)w[i] < 0x20 || w[i] == 0x7f) {
			snprintf(err, errlen, "labels cannot hold control "
			    "characters");
			return -1;
		}
		if (((unsigned char)w[i] & 0xc0) != 0x80)
			chars++;
	}
	if (chars == 0 || chars > LABEL_MAX) {
		snprintf(err, errlen, "label '%.*s' must be 1 to %d characters",
		    (int)(len > 40 ? 40 : len), w, LABEL_MAX);
		return -1;
	}
	return 0;
}

int
labels_parse(const char *input, const char *const *known, size_t n_known,
    struct label_edit *out, char *err, size_t errlen)
{
	const char *p = input, *w, *c;
	size_t len;
	int rm;

	memset(out, 0, sizeof *out);
	for (;;) {
		while (*p == ' ' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		rm = *p == '-';
		if (*p == '-' || *p == '+')
			p++;
		for (w = p; *p != '\0' && *p != ' ' && *p != ','; p++)
			;
		len = (size_t)(p - w);
		if ((c = complete_one(w, len, known, n_known)) != NULL) {
			w = c;
			len = strlen(c);
		}
		if (label_ok(w, len, err, errlen) != 0)
			goto fail;
		if (vec_add_strn(rm ? &out->remove : &out->add, rm ?
		    &out->n_remove : &out->n_add, w, len) != 0) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
	}
	if (out->n_add + out->n_remove == 0) {
		snprintf(err, errlen, "no labels given (e.g. vip -spam)");
		return -1;
	}
	return 0;
fail:
	labels_edit_free(out);
	return -1;
}

void
labels_edit_free(struct label_edit *e)
{
	vec_free(&e->add, &e->n_add, sizeof *e->add, vec_clear_str);
	vec_free(&e->remove, &e->n_remove, sizeof *e->remove, vec_clear_str);
}

size_t
labels_complete(const char *input, const char *const *known, size_t n_known,
    char *buf, size_t len)
{
	const char *w = input + strlen(input);
	size_t i, n = 0, used = 0, wl;
	int k;

	buf[0] = '\0';
	while (w > input && w[-1] != ' ' && w[-1] != ',')
		w--;
	if (*w == '-' || *w == '+')
		w++;
	wl = strlen(w);
	for (i = 0; i < n_known; i++) {
		if (strncmp(known[i], w, wl) != 0)
			continue;
		n++;
		k = snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
		    known[i]);
		if (k < 0 || (size_t)k >= len - used)
			break;
		used += (size_t)k;
	}
	return n;
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

size_t
labels_known(const struct app *app, const char ***out)
{
	size_t i, j, k, n = 0, cap = 0;
	const char **v = NULL;

	for (i = 0; i < model_count(app->model); i++) {
		const struct td_conversation *c = model_get(app->model, i);
		for (j = 0; j < c->state.n_labels; j++) {
			for (k = 0; k < n && strcmp(v[k], c->state.labels[j]) != 0;
			    k++)
				;
			if (k < n)
				continue;
			/* Out of memory: complete with what we have. */
			if (vec_grow(&v, &cap, n + 1, sizeof *v) != 0)
				goto done;
			v[n++] = c->state.labels[j];
		}
	}
done:
	if (n > 0)
		qsort(v, n, sizeof *v, str_cmp);
	*out = v;
	return n;
}

/* --- snooze --------------------------------------------------------------- */

static const char *const wdays[] = { "sun", "mon", "tue", "wed", "thu", "fri",
    "sat" };

/* "9" or "9:30" (strtol: sscanf's %d has no defined result on overflow). */
static int
parse_hhmm(const char *s, int *h, int *m)
{
	long hh, mm = 0;
	char *end;

	if (!isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	hh = strtol(s, &end, 10);
	if (*end == ':') {
		if (!isdigit((unsigned char)end[1]))
			return -1;
		mm = strtol(end + 1, &end, 10);
	}
	if (errno != 0 || *end != '\0' || hh > 23 || mm > 59)
		return -1;
	*h = (int)hh;
	*m = (int)mm;
	return 0;
}

/* Local midnight + days + h:m. */
static int64_t
at_day(int64_t now, int days, int h, int m)
{
	time_t t = (time_t)now;
	struct tm tm;

	localtime_r(&t, &tm);
	tm.tm_mday += days;
	tm.tm_hour = h;
	tm.tm_min = m;
	tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

int
snooze_parse(const char *s, int64_t now, int64_t *until, char *err,
    size_t errlen)
{
	char word[32] = "", rest[32] = "", *end;
	int h = 9, m = 0, days = -1, i, n;
	long long num;
	char unit;
	time_t t = (time_t)now;
	struct tm tm;

	while (*s == ' ')
		s++;
	/* "30m", "2h", "3d", "1w". */
	if (isdigit((unsigned char)s[0])) {
		errno = 0;
		num = strtoll(s, &end, 10);
		unit = end[0];
		if (errno == 0 && num > 0 && num < 10000 && unit != '\0' &&
		    strchr("mhdw", unit) != NULL && end[1] == '\0') {
			*until = now + num * (unit == 'm' ? 60 : unit == 'h' ?
			    3600 : unit == 'd' ? 86400 : 7 * 86400);
			return 0;
		}
	}
	n = sscanf(s, "%31s %31s", word, rest);
	if (n < 1)
		goto bad;
	for (i = 0; word[i] != '\0'; i++)
		word[i] = (char)tolower((unsigned char)word[i]);
	localtime_r(&t, &tm);
	if (strchr(word, ':') != NULL && n == 1) {
		if (parse_hhmm(word, &h, &m) != 0)
			goto bad;
		*until = at_day(now, 0, h, m);
		if (*until <= now)
			*until = at_day(now, 1, h, m);
		return 0;
	}
	if (strcmp(word, "today") == 0)
		days = 0;
	else if (strcmp(word, "tomorrow") == 0)
		days = 1;
	else {
		for (i = 0; i < 7; i++) {
			if (strncmp(word, wdays[i], 3) == 0) {
				days = (i - tm.tm_wday + 7) % 7;
				if (days == 0)
					days = 7; /* "mon" on a Monday: next week */
				break;
			}
		}
	}
	if (days < 0 || (n == 2 && parse_hhmm(rest, &h, &m) != 0))
		goto bad;
	*until = at_day(now, days, h, m);
	if (*until <= now) {
		snprintf(err, errlen, "that time has passed");
		return -1;
	}
	return 0;
bad:
	snprintf(err, errlen, "snooze until what? e.g. 2h, 3d, tomorrow 9:00, "
	    "mon, 17:30");
	return -1;
}

static json_t *
labels_array(char **v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a != NULL && i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

json_t *
labels_body(const struct label_edit *e)
{
	return json_pack("{s:o, s:o}", "add", labels_array(e->add, e->n_add),
	    "remove", labels_array(e->remove, e->n_remove));
}
