/*
 * The codec's fingerprints never change between versions: relay databases
 * store them, and the ids of messages without a wamid are made from them,
 * so a different value for the same object would turn the next
 * redelivery into a second message.  wa_fingerprint.c writes the
 * canonical JSON itself; here it must equal json_dumps(JSON_SORT_KEYS |
 * JSON_COMPACT) for every value of every webhook we have, for crafted
 * edge cases and for random trees, and known objects keep their
 * fingerprints from before it did.
 */
#include <dirent.h>
#include <jansson.h>
#include <limits.h>

#include "check.h"
#include "wa_private.h"

static size_t n_compared;

static void
check_same(const json_t *v)
{
	char *want = json_dumps(v, JSON_SORT_KEYS | JSON_COMPACT |
	    JSON_ENCODE_ANY);
	size_t len = 0;
	char *got = wa_canonical_json(v, &len);

	CHECK(want != NULL && got != NULL);
	if (want != NULL && got != NULL) {
		if (strcmp(want, got) != 0)
			fprintf(stderr, "want %.200s\n got %.200s\n", want, got);
		CHECK_STR(got, want);
		CHECK_INT(len, strlen(want));
	}
	n_compared++;
	free(want);
	free(got);
}

/* v and every value inside it. */
static void
check_tree(const json_t *v)
{
	const char *key;
	const json_t *x;
	size_t i;

	check_same(v);
	if (json_is_object(v))
		json_object_foreach((json_t *)v, key, x)
			check_tree(x);
	else if (json_is_array(v))
		json_array_foreach(v, i, x)
			check_tree(x);
}

static void
check_dir(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	char path[4096];
	size_t n, files = 0;
	json_t *root;

	CHECK(d != NULL);
	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		n = strlen(de->d_name);
		if (n < 6 || strcmp(de->d_name + n - 5, ".json") != 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		/* Malformed fixtures do not load; the others must. */
		if ((root = json_load_file(path, JSON_ALLOW_NUL, NULL)) == NULL)
			continue;
		check_tree(root);
		json_decref(root);
		files++;
	}
	closedir(d);
	CHECK(files > 10);
}

static void
test_corpus_and_fixtures(void)
{
	char dir[4096];

	n_compared = 0;
	check_dir(check_env_dir("TTYDESK_CORPUS_DIR",
	    TTYDESK_SOURCE_DIR "/tests/corpus/webhooks"));
	snprintf(dir, sizeof dir, "%s/webhooks", check_env_dir(
	    "TTYDESK_FIXTURES_DIR", TTYDESK_SOURCE_DIR "/tests/fixtures"));
	check_dir(dir);
	/* 3,877 values when this was written. */
	CHECK(n_compared > 3000);
}

static void
test_strings(void)
{
	char all[256], big[100000];
	json_t *o;
	size_t i;

	/* Every byte value below 0x80 (above is UTF-8 territory). */
	for (i = 0; i < 128; i++)
		all[i] = (char)i;
	o = json_stringn(all, 128);
	check_same(o);
	json_decref(o);
	o = json_string("caf\xc3\xa9 \xf0\x9f\x91\x8b\xe2\x80\x8d \xe2\x80\xae"
	    " a/b \x7f \"q\" \\ \xef\xbf\xbd");
	check_same(o);
	json_decref(o);
	/* Longer than the writer's inline buffer, escapes all through. */
	for (i = 0; i < sizeof big; i++)
		big[i] = "a\n\"\x01\\z"[i % 6];
	o = json_stringn(big, sizeof big);
	check_same(o);
	json_decref(o);
	o = json_string("");
	check_same(o);
	json_decref(o);
}

static void
test_numbers_and_atoms(void)
{
	static const double reals[] = { 0.1, -0.0, 0.0, 1e300, 1.5e-300,
	    3.0, 9007199254740993.0, -2.5e-7, 123456789.125, 51.5074 };
	static const json_int_t ints[] = { 0, -1, 1, 10, LLONG_MAX, LLONG_MIN,
	    1749416383, -1000000000000LL };
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < sizeof reals / sizeof reals[0]; i++)
		json_array_append_new(a, json_real(reals[i]));
	for (i = 0; i < sizeof ints / sizeof ints[0]; i++)
		json_array_append_new(a, json_integer(ints[i]));
	json_array_append_new(a, json_true());
	json_array_append_new(a, json_false());
	json_array_append_new(a, json_null());
	json_array_append_new(a, json_object());
	json_array_append_new(a, json_array());
	check_tree(a);
	json_decref(a);
}

/* Keys that are prefixes of each other, differ only in case or past a
 * NUL, and more of them than the insertion sort takes. */
static void
test_key_order(void)
{
	json_t *o = json_object(), *many = json_object();
	char key[16];
	int i;

	json_object_set_new(o, "ab", json_integer(1));
	json_object_set_new(o, "a", json_integer(2));
	json_object_setn_new(o, "a\0b", 3, json_integer(3));
	json_object_setn_new(o, "a\0", 2, json_integer(4));
	json_object_set_new(o, "B", json_integer(5));
	json_object_set_new(o, "\xc3\xa9", json_integer(6));
	json_object_set_new(o, "", json_integer(7));
	json_object_set_new(o, "a\"\\\n", json_integer(8));
	check_same(o);
	for (i = 200; i > 0; i--) {
		snprintf(key, sizeof key, "k%d", i * 7919 % 1000);
		json_object_set_new(many, key, json_integer(i));
	}
	json_object_set_new(o, "many", many);
	check_same(o);
	json_decref(o);
}

/* Nested as deep as jansson's parser allows, objects inside arrays. */
static void
test_deep(void)
{
	json_t *v = json_string("bottom"), *w;
	int i;

	for (i = 0; i < 2000; i++) {
		if (i % 2) {
			w = json_array();
			json_array_append_new(w, v);
		} else {
			w = json_object();
			json_object_set_new(w, i % 3 ? "x" : "a", v);
			json_object_set_new(w, "m", json_integer(i));
		}
		v = w;
	}
	check_same(v);
	json_decref(v);
}

static unsigned long long rng = 88172645463325252ULL;

static unsigned
next_rand(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static json_t *
random_value(int depth)
{
	static const char *const pieces[] = { "a", "b", "\n", "\"", "\\",
	    "\x1f", "\xc3\xa9", "\xf0\x9f\x98\x80", "/", " ", "Z", "\t" };
	char s[64];
	size_t n = 0, k;
	json_t *v;
	unsigned i, count;

	switch (depth > 5 ? next_rand(6) : next_rand(8)) {
	case 0:
		return json_integer((json_int_t)next_rand(2000000) - 1000000);
	case 1:
		return json_real((double)next_rand(100000) / 64.0 - 700.0);
	case 2:
		return next_rand(3) == 0 ? json_null() :
		    json_boolean(next_rand(2));
	case 3: case 4: case 5:
		count = next_rand(8);
		for (i = 0; i < count; i++) {
			const char *p = pieces[next_rand(12)];

			k = strlen(p);
			memcpy(s + n, p, k);
			n += k;
		}
		return json_stringn(s, n);
	case 6:
		v = json_array();
		count = next_rand(5);
		for (i = 0; i < count; i++)
			json_array_append_new(v, random_value(depth + 1));
		return v;
	default:
		v = json_object();
		count = next_rand(7);
		for (i = 0; i < count; i++) {
			snprintf(s, sizeof s, "%c%u", "abAB_\xc3"[next_rand(5)],
			    next_rand(30));
			json_object_set_new(v, s, random_value(depth + 1));
		}
		return v;
	}
}

static void
test_random_trees(void)
{
	json_t *v;
	int i;

	for (i = 0; i < 3000; i++) {
		v = random_value(0);
		check_same(v);
		json_decref(v);
	}
}

static const struct {
	const char *file; /* under tests/fixtures/webhooks */
	size_t item;
	const char *fingerprint;
} known[] = {
	{ "text.json", 0, "f856ba53117ba99e94d5ed6edb2b8e5b64f6ff1bc4ff343177af7fd0af74ab7f" },
	{ "location.json", 0, "e71d6cd9f0d396f3ce63adb17ee7445bbfb3c7bf09096d6c2fb2213f62017be6" },
	{ "bsuid-only.json", 0, "1be6ee7fb3b519f305c371d5aae5f946b01fe1e4b189f3d4998675108f029138" },
	{ "contacts.json", 0, "affa9e3562d888180105358e380e7f7af25c274ed3d677a0bc3ad475cbd87f2c" },
	{ "interactive-list-reply.json", 0, "f4e48e11ae35791f242821d374f07faa3421f963c013fc7cd24f5e0e3b87113d" },
	{ "nul-in-string.json", 0, "220194c4eb4e8140113b9269dc7a43e3ca136be19c6b0c26b4a083eb2a1c0f80" },
	{ "order.json", 0, "cb4f947613001696f4cb08b21ffdb199f9d28f9a42796847adc6d5b4b16613cd" },
	{ "status-failed.json", 0, "33f0ce7c92733ebfd2e9f322ef57d7cae94485f6c5cccba8113e981e55dc6c0a" },
	{ "two-customers.json", 0, "f8f0ff7bf21b45f7e96c37c941adfed789d26cee9a446fe7a16015c9b9b7a3be" },
	{ "two-customers.json", 1, "e6380d904847657f4572807593eb58ec17badc92de26b781a27ec3c69b53be43" },
};

/* Values made by the json_dumps()-based fingerprint of version 0.1.0. */
static void
test_known_fingerprints(void)
{
	const char *dir = check_env_dir("TTYDESK_FIXTURES_DIR",
	    TTYDESK_SOURCE_DIR "/tests/fixtures");
	struct wa_webhook w;
	char path[4096], err[256], *body;
	size_t i, len;

	for (i = 0; i < sizeof known / sizeof known[0]; i++) {
		snprintf(path, sizeof path, "%s/webhooks/%s", dir,
		    known[i].file);
		body = check_read_file(path, &len);
		CHECK(body != NULL);
		if (body == NULL)
			continue;
		if (wa_parse_webhook(body, len, &w, err, sizeof err) != 0) {
			CHECK(!"fixture parses");
		} else {
			CHECK(known[i].item < w.n_items);
			if (known[i].item < w.n_items)
				CHECK_STR(w.items[known[i].item].fingerprint,
				    known[i].fingerprint);
			wa_webhook_free(&w);
		}
		free(body);
	}
}

int
main(void)
{
	RUN(test_corpus_and_fixtures);
	RUN(test_strings);
	RUN(test_numbers_and_atoms);
	RUN(test_key_order);
	RUN(test_deep);
	RUN(test_random_trees);
	RUN(test_known_fingerprints);
	return check_done();
}
