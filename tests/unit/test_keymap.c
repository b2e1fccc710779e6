/* Keymap: key names, defaults, [keys] rebinding and its errors, and the
 * generated docs/keys.md. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ttydesk/ini.h"
#include "composekeys.h"
#include "keymap.h"
#include "search.h"

static int
build(struct keymap *km, const char *ini_text, char *err, size_t errlen)
{
	struct ini ini;
	int rc;

	if (ini_text == NULL)
		return keymap_build(km, action_table, action_count, NULL, err,
		    errlen);
	if (ini_parse(ini_text, strlen(ini_text), "config", &ini, err, errlen) != 0)
		return -2;
	rc = keymap_build(km, action_table, action_count, &ini, err, errlen);
	ini_free(&ini);
	return rc;
}

static const char *
action_of(const struct keymap *km, const char *key)
{
	int a = keymap_lookup(km, keymap_parse_key(key));

	return a < 0 ? NULL : km->table[a].name;
}

static void
test_key_names(void)
{
	static const char *names[] = { "r", "R", "?", "/", "C-x", "M-x", "Enter",
	    "Esc", "Tab", "BTab", "Space", "Up", "Down", "Left", "Right",
	    "PageUp", "PageDown", "Home", "End", "F1", "F12", "é", "M-Enter" };
	char buf[32];
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		int k = keymap_parse_key(names[i]);
		CHECK(k >= 0);
		CHECK_STR(keymap_key_name(k, buf, sizeof buf), names[i]);
	}
	CHECK_INT(keymap_parse_key("C-a"), 1);
	CHECK_INT(keymap_parse_key("C-l"), 12);
	CHECK_INT(keymap_parse_key("Enter"), '\r');
	CHECK_INT(keymap_parse_key("Space"), ' ');
	CHECK_INT(keymap_parse_key("Up"), KM_KEY(KEY_UP));
	CHECK_INT(keymap_parse_key("F5"), KM_KEY(KEY_F(5)));
	CHECK_INT(keymap_parse_key("M-e"), KM_META('e'));
	CHECK_INT(keymap_parse_key(""), -1);
	CHECK_INT(keymap_parse_key("ab"), -1);
	CHECK_INT(keymap_parse_key("F13"), -1);
	CHECK_INT(keymap_parse_key("F0"), -1);
	CHECK_INT(keymap_parse_key("C-"), -1);
	CHECK_INT(keymap_parse_key("C-ab"), -1);
	CHECK_INT(keymap_parse_key("Ctrl-x"), -1);
	CHECK_INT(keymap_parse_key("\x01"), -1);
}

static void
test_defaults(void)
{
	struct keymap km;
	char err[256], buf[128];
	size_t i;

	CHECK_INT(build(&km, NULL, err, sizeof err), 0);
	/* vi-style and arrow keys both work. */
	CHECK_STR(action_of(&km, "j"), "down");
	CHECK_STR(action_of(&km, "Down"), "down");
	CHECK_STR(action_of(&km, "k"), "up");
	CHECK_STR(action_of(&km, "Up"), "up");
	CHECK_STR(action_of(&km, "Enter"), "open");
	CHECK_STR(action_of(&km, "Esc"), "back");
	CHECK_STR(action_of(&km, "/"), "search");
	CHECK_STR(action_of(&km, "n"), "search_next");
	CHECK_STR(action_of(&km, "N"), "search_prev");
	CHECK_STR(action_of(&km, "?"), "help");
	CHECK_STR(action_of(&km, "q"), "quit");
	CHECK_STR(keymap_keys_of(&km, keymap_action_index(&km, "down"), buf,
	    sizeof buf), "j, Down");
	/* Every action the config spec lists exists. */
	{
		static const char *spec[] = { "up", "down", "page_up", "page_down",
		    "top", "bottom", "open", "back", "next_unread", "queue_next",
		    "queue_prev", "search", "search_next", "search_prev", "reply",
		    "reply_to", "send", "editor", "note", "template", "canned",
		    "claim", "assign", "unassign", "pending", "resolve", "reopen",
		    "escalate", "save_media", "open_media", "help", "quit",
		    "redraw" };
		for (i = 0; i < sizeof spec / sizeof spec[0]; i++)
			CHECK(keymap_action_index(&km, spec[i]) >= 0);
	}
	/* No key has two defaults (a later one would silently win). */
	for (i = 0; i < km.n; i++) {
		size_t j;
		for (j = i + 1; j < km.n; j++)
			CHECK(km.b[i].key != km.b[j].key);
	}
	{
		/* Each default key of the table ended up bound to its action. */
		size_t a;
		for (a = 0; a < action_count; a++) {
			char list[128], *save = NULL, *tok;
			snprintf(list, sizeof list, "%s", action_table[a].keys);
			for (tok = strtok_r(list, ", ", &save); tok != NULL;
			    tok = strtok_r(NULL, ", ", &save))
				CHECK_STR(action_of(&km, tok), action_table[a].name);
		}
	}
	keymap_free(&km);
}

static void
test_rebind(void)
{
	struct keymap km;
	char err[256], buf[128];

	CHECK_INT(build(&km, "[keys]\nreply = x\nescalate = E, C-e\n", err,
	    sizeof err), 0);
	CHECK_STR(action_of(&km, "x"), "reply");
	/* The action named in [keys] gets exactly those keys. */
	CHECK(action_of(&km, "r") == NULL);
	/* x left resolve, which had it by default. */
	CHECK_STR(keymap_keys_of(&km, keymap_action_index(&km, "resolve"), buf,
	    sizeof buf), "");
	CHECK_STR(action_of(&km, "E"), "escalate");
	CHECK_STR(action_of(&km, "C-e"), "escalate");
	CHECK(action_of(&km, "e") == NULL);
	/* Untouched actions keep their defaults. */
	CHECK_STR(action_of(&km, "j"), "down");
	keymap_free(&km);

	/* A comma key and a key given twice for the same action. */
	CHECK_INT(build(&km, "[keys]\nqueue_next = ,, >\nqueue_prev = <, <\n", err,
	    sizeof err), 0);
	CHECK_STR(action_of(&km, ","), "queue_next");
	CHECK_STR(action_of(&km, ">"), "queue_next");
	CHECK_STR(action_of(&km, "<"), "queue_prev");
	keymap_free(&km);
}

static void
test_rebind_errors(void)
{
	struct keymap km;
	char err[256];

	CHECK_INT(build(&km, "[keys]\nreply = x\nresolve = y, x\n", err,
	    sizeof err), -1);
	CHECK(strstr(err, "reply") != NULL);
	CHECK(strstr(err, "resolve") != NULL);
	CHECK(strstr(err, "key x") != NULL);
	CHECK(strstr(err, "line 3") != NULL);

	CHECK_INT(build(&km, "[keys]\nfly = x\n", err, sizeof err), -1);
	CHECK(strstr(err, "unknown action 'fly'") != NULL);

	CHECK_INT(build(&km, "[keys]\nreply = Ctrl-r\n", err, sizeof err), -1);
	CHECK(strstr(err, "'Ctrl-r' is not a key name") != NULL);

	/* Other sections are not keys. */
	CHECK_INT(build(&km, "[ui]\nreply = nothing\n", err, sizeof err), 0);
	keymap_free(&km);
}

/* docs/keys.md is generated from the table; TTYDESK_REGEN=1 rewrites it. */
static void
test_docs_match(void)
{
	struct keymap km, ck;
	char err[256], path[4096], *md, *disk;
	const char *src = check_env_dir("TTYDESK_SOURCE_DIR", TTYDESK_SOURCE_DIR);
	size_t i;

	CHECK_INT(build(&km, NULL, err, sizeof err), 0);
	CHECK_INT(composekeys_build(&ck, NULL, err, sizeof err), 0);
	md = keymap_markdown(&km, &ck);
	CHECK(md != NULL);
	if (md == NULL)
		return;
	for (i = 0; i < action_count; i++)
		CHECK(strstr(md, action_table[i].name) != NULL);
	for (i = 0; i < compose_action_count; i++)
		CHECK(strstr(md, compose_action_table[i].name) != NULL);
	snprintf(path, sizeof path, "%s/docs/keys.md", src);
	if (getenv("TTYDESK_REGEN") != NULL) {
		FILE *f = fopen(path, "w");
		CHECK(f != NULL);
		if (f != NULL) {
			fputs(md, f);
			fclose(f);
		}
	}
	disk = check_read_file(path, NULL);
	CHECK(disk != NULL);
	if (disk != NULL && strcmp(disk, md) != 0)
		fprintf(stderr, "docs/keys.md is out of date: run "
		    "TTYDESK_REGEN=1 %s\n", "tests/test_keymap");
	CHECK(disk != NULL && strcmp(disk, md) == 0);
	free(disk);
	free(md);
	keymap_free(&km);
	keymap_free(&ck);
}

/* [compose_keys] rebinds the editing keys as [keys] does the others. */
static void
test_compose_keys(void)
{
	struct keymap ck;
	struct ini ini;
	char err[256];
	const char *text = "[compose_keys]\nkill_to_end = C-y\n"
	    "newline = M-Enter\n";

	CHECK_INT(composekeys_build(&ck, NULL, err, sizeof err), 0);
	CHECK_STR(action_of(&ck, "C-k"), "kill_to_end");
	CHECK_STR(action_of(&ck, "Enter"), "newline");
	CHECK_STR(action_of(&ck, "C-t"), "canned");
	keymap_free(&ck);
	CHECK_INT(ini_parse(text, strlen(text), "config", &ini, err,
	    sizeof err), 0);
	CHECK_INT(composekeys_build(&ck, &ini, err, sizeof err), 0);
	CHECK_STR(action_of(&ck, "C-y"), "kill_to_end");
	CHECK(action_of(&ck, "C-k") == NULL);
	CHECK_STR(action_of(&ck, "M-Enter"), "newline");
	CHECK(action_of(&ck, "Enter") == NULL);
	keymap_free(&ck);
	ini_free(&ini);
	text = "[compose_keys]\nkill_to_end = C-y\nline_end = C-y\n";
	CHECK_INT(ini_parse(text, strlen(text), "config", &ini, err,
	    sizeof err), 0);
	CHECK_INT(composekeys_build(&ck, &ini, err, sizeof err), -1);
	CHECK(strstr(err, "in [compose_keys]") != NULL);
	ini_free(&ini);
	text = "[compose_keys]\nsend = C-y\n";
	CHECK_INT(ini_parse(text, strlen(text), "config", &ini, err,
	    sizeof err), 0);
	CHECK_INT(composekeys_build(&ck, &ini, err, sizeof err), -1);
	CHECK(strstr(err, "unknown action 'send' in [compose_keys]") != NULL);
	ini_free(&ini);
}

int
main(void)
{
	RUN(test_key_names);
	RUN(test_defaults);
	RUN(test_rebind);
	RUN(test_rebind_errors);
	RUN(test_docs_match);
	RUN(test_compose_keys);
	return check_done();
}
