/*
 * Small helpers of the WhatsApp codec: a string builder and tolerant
 * readers for JSON values that Meta (and the projects imitating it) send
 * sometimes as numbers and sometimes as strings.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wa_private.h"

int
wa_utf8_cut(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return (int)n;
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return (int)n;
}

char *
wa_strdup(const char *s)
{
	size_t n;
	char *d;

	if (s == NULL)
		return NULL;
	n = strlen(s) + 1;
	if ((d = malloc(n)) != NULL)
		memcpy(d, s, n);
	return d;
}

char *
wa_printf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (s = malloc((size_t)n + 1)) == NULL)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

const char *
wa_json_str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

const char *
wa_json_nstr(const json_t *obj, const char *key)
{
	const char *s = wa_json_str(obj, key);

	return s != NULL && *s != '\0' ? s : NULL;
}

const char *
wa_json_or(const char *have, const json_t *obj, const char *key)
{
	return have != NULL ? have : wa_json_nstr(obj, key);
}

/* Strings may hold \u0000 (we load with JSON_ALLOW_NUL rather than refuse
 * a whole webhook for it); C strings cannot, so it becomes U+FFFD. */
static char *
wa_string_dup(const json_t *v)
{
	const char *s = json_string_value(v);
	size_t n = json_string_length(v), i, nul = 0, o = 0;
	char *d;

	if (memchr(s, '\0', n) == NULL) {
		if ((d = malloc(n + 1)) != NULL)
			memcpy(d, s, n + 1);
		return d;
	}
	for (i = 0; i < n; i++)
		nul += s[i] == '\0';
	if ((d = malloc(n + nul * 2 + 1)) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (s[i] != '\0')
			d[o++] = s[i];
		else {
			memcpy(d + o, "\xef\xbf\xbd", 3);
			o += 3;
		}
	}
	d[o] = '\0';
	return d;
}

char *
wa_json_dup(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	if (json_is_string(v))
		return wa_string_dup(v);
	if (json_is_integer(v))
		return wa_printf("%" JSON_INTEGER_FORMAT, json_integer_value(v));
	return NULL;
}

int
wa_json_number(const json_t *v, double *out)
{
	const char *s;
	char *end;
	double d;

	if (json_is_number(v)) {
		*out = json_number_value(v);
		return isfinite(*out) ? 0 : -1;
	}
	if ((s = json_string_value(v)) == NULL)
		return -1;
	while (*s == ' ')
		s++;
	if (*s == '\0')
		return -1;
	errno = 0;
	d = strtod(s, &end);
	while (*end == ' ')
		end++;
	/* strtod also reads "nan", "inf" and hex: only plain decimals count. */
	if (errno != 0 || *end != '\0' || !isfinite(d) ||
	    strpbrk(s, "xXnNiI") != NULL)
		return -1;
	*out = d;
	return 0;
}

int64_t
wa_json_timestamp(const json_t *v)
{
	const char *s = json_string_value(v);
	int64_t t = 0;
	size_t i;
	double d;

	if (json_is_integer(v))
		return json_integer_value(v) > 0 ? json_integer_value(v) : 0;
	/* Meta's own form, "1749416383", without strtod's cost: it is the
	 * only number in most bodies. */
	for (i = 0; s != NULL && s[i] >= '0' && s[i] <= '9' && i < 18; i++)
		t = t * 10 + (s[i] - '0');
	if (s != NULL && i > 0 && s[i] == '\0')
		return t;
	if (wa_json_number(v, &d) != 0 || d <= 0 || d >= 9.2e18)
		return 0;
	return (int64_t)d;
}

int
wa_json_code(const json_t *v)
{
	double d;

	if (json_is_integer(v)) {
		json_int_t i = json_integer_value(v);
		return i > 0 && i <= 2147483647 ? (int)i : 0;
	}
	if (wa_json_number(v, &d) != 0 || d <= 0 || d > 2147483647.0 ||
	    d != floor(d))
		return 0;
	return (int)d;
}

int
wa_json_true(const json_t *obj, const char *key)
{
	return json_is_true(json_object_get(obj, key));
}

const char *
wa_json_id(const json_t *obj, const char *key, char *buf, size_t size)
{
	const json_t *v = json_object_get(obj, key);

	if (json_is_integer(v) && json_integer_value(v) >= 0) {
		snprintf(buf, size, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return buf;
	}
	return wa_json_nstr(obj, key);
}

int
wa_json_take(const json_t *obj, const char *key, char **dst)
{
	const json_t *v = json_object_get(obj, key);

	*dst = NULL;
	if (!json_is_string(v) && !json_is_integer(v))
		return 0;
	*dst = wa_json_dup(obj, key);
	return *dst == NULL ? -1 : 0;
}
