/* Backend-neutral pieces of the relay store (store_common.h). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/buf.h"

#include "store_common.h"

char *
store_conv_id(int64_t rowid)
{
	char buf[32];

	snprintf(buf, sizeof buf, "c%lld", (long long)rowid);
	return strdup(buf);
}

int64_t
store_conv_rowid(const char *id)
{
	char *end;
	long long v;

	if (id == NULL || id[0] != 'c' || id[1] < '1' || id[1] > '9')
		return -1;
	v = strtoll(id + 1, &end, 10);
	return *end == '\0' && v > 0 ? v : -1;
}

int64_t
store_wake_at(const json_t *state)
{
	const char *status = json_string_value(json_object_get(state, "status"));
	const json_t *sla = json_object_get(state, "sla");
	static const char *const dues[] = { "first_response_due",
	    "next_response_due" };
	int64_t t = 0, v;
	size_t i;

	if (status != NULL && strcmp(status, "snoozed") == 0 &&
	    (v = json_integer_value(json_object_get(state, "snoozed_until"))) > 0)
		t = v;
	if (!json_is_true(json_object_get(sla, "breached"))) {
		for (i = 0; i < 2; i++) {
			v = json_integer_value(json_object_get(sla, dues[i]));
			if (v > 0 && (t == 0 || v < t))
				t = v;
		}
	}
	return t;
}

int
relay_buf_add(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (n >= SIZE_MAX - *len || buf_grow(buf, cap, *len + n + 1, 0) != 0)
		return -1;
	memcpy(*buf + *len, s, n);
	*len += n;
	(*buf)[*len] = '\0';
	return 0;
}

json_t *
store_history_entry(int64_t rowid, const char *state_text, int64_t first_ts,
    int64_t last_ts)
{
	json_t *state = json_loads(state_text, 0, NULL), *v, *entry;
	const char *k;
	void *tmp;
	char *id = store_conv_id(rowid);

	if (id == NULL) {
		json_decref(state);
		return NULL;
	}
	json_object_foreach_safe(state, tmp, k, v) {
		if (k[0] == '_')
			json_object_del(state, k);
	}
	entry = json_pack("{s:s, s:o?, s:I, s:I}", "id", id, "state", state,
	    "first_ts", (json_int_t)first_ts, "last_ts", (json_int_t)last_ts);
	free(id);
	return entry;
}

int
store_schema_parse(const char *s)
{
	char *end;
	long v;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	return errno != 0 || *end != '\0' || v > 1000000 ? -1 : (int)v;
}
