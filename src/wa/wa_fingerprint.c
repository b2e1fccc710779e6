/*
 * The fingerprint of a messages[] or statuses[] object: SHA-256 over where
 * it came from plus the object in canonical form.
 *
 * The canonical form is byte for byte what json_dumps(obj, JSON_SORT_KEYS
 * | JSON_COMPACT) writes, because relay databases store fingerprints made
 * that way and a redelivery must hash the same after an upgrade.  It is
 * written here rather than by json_dumps() because json_dumps() tracks
 * every container in a hash table of visited pointers and formats through
 * snprintf, which made the fingerprint cost more than the rest of
 * wa_parse_webhook() beside jansson's own parse.  A parsed value has no
 * cycles, and jansson caps its nesting, so neither is needed here.
 *
 * The digest is OpenSSL's: libsodium 1.0.18 has only portable C for
 * SHA-256, which took 1 us of a 10 us parse for a 250-byte input; this is
 * the same digest in a quarter of the time (a content key, not a secret).
 * The algorithm is fetched once: looking it up on every call cost as much
 * as the hashing.
 */
#include <openssl/evp.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/vec.h"
#include "wa_private.h"

struct canon_key {
	const char *key;
	size_t len;
	const json_t *value;
};

/* Output and the key stack start on the C stack; a large object moves
 * them to the heap. */
struct canon {
	char *s;
	size_t len, cap;
	struct canon_key *keys;
	size_t n_keys, cap_keys;
	int failed;
	char s_inline[1024];
	struct canon_key keys_inline[48];
};

static void
canon_init(struct canon *c)
{
	c->s = c->s_inline;
	c->len = 0;
	c->cap = sizeof c->s_inline;
	c->keys = c->keys_inline;
	c->n_keys = 0;
	c->cap_keys = sizeof c->keys_inline / sizeof c->keys_inline[0];
	c->failed = 0;
}

static void
canon_free(struct canon *c)
{
	if (c->s != c->s_inline)
		free(c->s);
	if (c->keys != c->keys_inline)
		free(c->keys);
}

static int
canon_reserve(struct canon *c, size_t n)
{
	size_t cap;
	char *s;

	if (c->failed)
		return -1;
	if (n <= c->cap - c->len)
		return 0;
	if (n > SIZE_MAX - c->len ||
	    vec_capacity(c->cap, c->len + n, c->cap, &cap) != 0 ||
	    (s = malloc(cap)) == NULL)
		goto fail;
	memcpy(s, c->s, c->len);
	if (c->s != c->s_inline)
		free(c->s);
	c->s = s;
	c->cap = cap;
	return 0;
fail:
	c->failed = 1;
	return -1;
}

static void
canon_put(struct canon *c, const void *p, size_t n)
{
	if (canon_reserve(c, n) != 0)
		return;
	memcpy(c->s + c->len, p, n);
	c->len += n;
}

static void
canon_putc(struct canon *c, char ch)
{
	if (canon_reserve(c, 1) != 0)
		return;
	c->s[c->len++] = ch;
}

/* The string with jansson's escapes: quote, backslash, and every byte
 * below 0x20 (jansson's strings are valid UTF-8, so such a byte is always
 * a whole character).  \b \f \n \r \t keep their short forms; the others
 * are \u00XX in capitals; "/" and non-ASCII stay as they are. */
static void
canon_string(struct canon *c, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, run = 0;
	unsigned char b;
	char esc[6];

	if (n > SIZE_MAX - 2 || canon_reserve(c, n + 2) != 0) {
		c->failed = 1;
		return;
	}
	c->s[c->len++] = '"';
	for (i = 0; i < n; i++) {
		b = (unsigned char)s[i];
		if (b >= 0x20 && b != '"' && b != '\\')
			continue;
		canon_put(c, s + run, i - run);
		run = i + 1;
		esc[0] = '\\';
		switch (b) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default:
			esc[1] = 'u';
			esc[2] = esc[3] = '0';
			esc[4] = hex[b >> 4];
			esc[5] = hex[b & 0xf];
			canon_put(c, esc, 6);
			continue;
		}
		canon_put(c, esc, 2);
	}
	/* The rest and the closing quote: reserved above unless an escape
	 * came in between, so reserve again. */
	canon_put(c, s + run, n - run);
	canon_putc(c, '"');
}

static void
canon_integer(struct canon *c, json_int_t v)
{
	char buf[24], *p = buf + sizeof buf;
	/* Through unsigned so the most negative value has a magnitude. */
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v :
	    (unsigned long long)v;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		*--p = '-';
	canon_put(c, p, (size_t)(buf + sizeof buf - p));
}

/* jansson's own order: bytes, then the shorter key first. */
static int
canon_key_less(const struct canon_key *a, const struct canon_key *b)
{
	int r = memcmp(a->key, b->key, a->len < b->len ? a->len : b->len);

	return r != 0 ? r < 0 : a->len < b->len;
}

static int
canon_key_cmp(const void *a, const void *b)
{
	const struct canon_key *ka = a, *kb = b;

	return canon_key_less(ka, kb) ? -1 : canon_key_less(kb, ka) ? 1 : 0;
}

static void
canon_sort_keys(struct canon_key *k, size_t n)
{
	struct canon_key t;
	size_t i, j;

	if (n > 16) {
		qsort(k, n, sizeof *k, canon_key_cmp);
		return;
	}
	for (i = 1; i < n; i++) {
		t = k[i];
		for (j = i; j > 0 && canon_key_less(&t, &k[j - 1]); j--)
			k[j] = k[j - 1];
		k[j] = t;
	}
}

/* Pushes the object's (at most n) members; -1 when out of memory, else
 * how many. */
static long
canon_push_keys(struct canon *c, const json_t *obj, size_t n)
{
	struct canon_key *k;
	size_t cap, got = 0;
	void *iter;

	if (n > c->cap_keys - c->n_keys) {
		if (vec_capacity(c->cap_keys, c->n_keys + n, c->cap_keys,
		    &cap) != 0 || (k = calloc(cap, sizeof *k)) == NULL) {
			c->failed = 1;
			return -1;
		}
		memcpy(k, c->keys, c->n_keys * sizeof *k);
		if (c->keys != c->keys_inline)
			free(c->keys);
		c->keys = k;
		c->cap_keys = cap;
	}
	k = c->keys + c->n_keys;
	for (iter = json_object_iter((json_t *)obj); iter != NULL && got < n;
	    iter = json_object_iter_next((json_t *)obj, iter), k++, got++) {
		k->key = json_object_iter_key(iter);
		k->len = json_object_iter_key_len(iter);
		k->value = json_object_iter_value(iter);
	}
	c->n_keys += got;
	return (long)got;
}

static void canon_value(struct canon *c, const json_t *v);

static void
canon_object(struct canon *c, const json_t *obj)
{
	size_t n, base = c->n_keys, i;
	struct canon_key k;
	long got;

	canon_putc(c, '{');
	if ((got = canon_push_keys(c, obj, json_object_size(obj))) < 0)
		return;
	n = (size_t)got;
	canon_sort_keys(c->keys + base, n);
	for (i = 0; i < n && !c->failed; i++) {
		/* By value: a nested object may move the key stack. */
		k = c->keys[base + i];
		if (i > 0)
			canon_putc(c, ',');
		canon_string(c, k.key, k.len);
		canon_putc(c, ':');
		canon_value(c, k.value);
	}
	c->n_keys = base;
	canon_putc(c, '}');
}

static void
canon_value(struct canon *c, const json_t *v)
{
	char real[64];
	size_t i, n;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		canon_object(c, v);
		break;
	case JSON_ARRAY:
		canon_putc(c, '[');
		n = json_array_size(v);
		for (i = 0; i < n && !c->failed; i++) {
			if (i > 0)
				canon_putc(c, ',');
			canon_value(c, json_array_get(v, i));
		}
		canon_putc(c, ']');
		break;
	case JSON_STRING:
		canon_string(c, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		canon_integer(c, json_integer_value(v));
		break;
	case JSON_REAL:
		/* Rare (coordinates); jansson's "%.17g" plus its ".0" and
		 * exponent rules are not worth restating. */
		n = json_dumpb(v, real, sizeof real, JSON_ENCODE_ANY);
		if (n == 0 || n > sizeof real)
			c->failed = 1;
		else
			canon_put(c, real, n);
		break;
	case JSON_TRUE:
		canon_put(c, "true", 4);
		break;
	case JSON_FALSE:
		canon_put(c, "false", 5);
		break;
	case JSON_NULL:
		canon_put(c, "null", 4);
		break;
	}
}

static EVP_MD *fp_sha256;
static pthread_once_t fp_once = PTHREAD_ONCE_INIT;

static void
fp_fetch(void)
{
	fp_sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
}

/* The NUL after each part separates them: "ab"+"c" differs from "a"+"bc". */
static void
canon_part(struct canon *c, const char *s)
{
	if (s == NULL)
		s = "";
	canon_put(c, s, strlen(s) + 1);
}

char *
wa_canonical_json(const json_t *v, size_t *len)
{
	struct canon c;
	char *out = NULL;

	canon_init(&c);
	canon_value(&c, v);
	if (!c.failed && (out = malloc(c.len + 1)) != NULL) {
		memcpy(out, c.s, c.len);
		out[c.len] = '\0';
		*len = c.len;
	}
	canon_free(&c);
	return out;
}

/* Plus where the object came from: business number and the customer as
 * the body names them.  A redelivery hashes the same; a different message
 * reusing a placeholder wamid, or a BSUID-only message whose object names
 * no sender, does not. */
int
wa_fingerprint(const json_t *obj, const char *kind, struct wa_item *it)
{
	unsigned char hash[32];
	const struct wa_customer *cu = &it->customer;
	struct canon c;
	int rc = -1;

	canon_init(&c);
	canon_part(&c, kind);
	canon_part(&c, it->phone_number_id);
	canon_part(&c, cu->wa_id);
	canon_part(&c, cu->user_id);
	canon_part(&c, cu->parent_user_id);
	canon_part(&c, cu->username);
	canon_part(&c, cu->name);
	canon_value(&c, obj);
	canon_putc(&c, '\0');
	pthread_once(&fp_once, fp_fetch);
	if (!c.failed && fp_sha256 != NULL && EVP_Digest(c.s, c.len, hash,
	    NULL, fp_sha256, NULL) == 1) {
		sodium_bin2hex(it->fingerprint, sizeof it->fingerprint, hash,
		    sizeof hash);
		rc = 0;
	}
	canon_free(&c);
	return rc;
}
