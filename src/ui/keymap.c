/* Key names, bindings, [keys] and [compose_keys] rebinding and the
 * generated key reference. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/buf.h"
#include "ttydesk/freeall.h"
#include "ttydesk/ini.h"
#include "ttydesk/sanitize.h"
#include "ttydesk/vec.h"
#include "keymap.h"

static const struct {
	const char *name;
	int key;
} key_names[] = {
	{"Enter", KM_ENTER}, {"Esc", KM_ESC}, {"Tab", KM_TAB},
	{"BTab", KM_KEY(KEY_BTAB)}, {"Space", ' '},
	{"Up", KM_KEY(KEY_UP)}, {"Down", KM_KEY(KEY_DOWN)},
	{"Left", KM_KEY(KEY_LEFT)}, {"Right", KM_KEY(KEY_RIGHT)},
	{"PageUp", KM_KEY(KEY_PPAGE)}, {"PageDown", KM_KEY(KEY_NPAGE)},
	{"Home", KM_KEY(KEY_HOME)}, {"End", KM_KEY(KEY_END)},
	{"Backspace", KM_KEY(KEY_BACKSPACE)}, {"Delete", KM_KEY(KEY_DC)},
};

/* A single printable character, or -1. */
static int
keymap_parse_char(const char *s)
{
	uint32_t cp;
	size_t n, len = strlen(s);

	if (len == 0)
		return -1;
	n = utf8_decode(s, len, &cp);
	if (n != len || cp < 0x20 || cp == 0x7f || cp == 0xfffd)
		return -1;
	return (int)cp;
}

int
keymap_parse_key(const char *name)
{
	size_t i;
	int c;
	long f;
	char *end;

	for (i = 0; i < sizeof key_names / sizeof key_names[0]; i++) {
		if (strcmp(name, key_names[i].name) == 0)
			return key_names[i].key;
	}
	if (name[0] == 'F' && name[1] >= '1' && name[1] <= '9') {
		f = strtol(name + 1, &end, 10);
		if (*end == '\0' && f >= 1 && f <= 12)
			return KM_KEY(KEY_F((int)f));
	}
	if (strncmp(name, "C-", 2) == 0 && name[2] != '\0' && name[3] == '\0') {
		c = name[2];
		if (c >= 'a' && c <= 'z')
			return c - 'a' + 1;
		if (c >= 'A' && c <= 'Z')
			return c - 'A' + 1;
		if (c == '@' || c == ' ')
			return 0;
		return -1;
	}
	if (strncmp(name, "M-", 2) == 0 && name[2] != '\0') {
		if (strcmp(name + 2, "Enter") == 0)
			return KM_META(KM_ENTER);
		c = keymap_parse_char(name + 2);
		return c < 0 ? -1 : KM_META(c);
	}
	return keymap_parse_char(name);
}

const char *
keymap_key_name(int key, char *buf, size_t len)
{
	size_t i;
	int base = KM_BASE(key);

	for (i = 0; i < sizeof key_names / sizeof key_names[0]; i++) {
		if (key_names[i].key == key) {
			snprintf(buf, len, "%s", key_names[i].name);
			return buf;
		}
	}
	if (KM_IS_KEY(key)) {
		if (base >= KEY_F(1) && base <= KEY_F(12))
			snprintf(buf, len, "F%d", base - KEY_F(0));
		else
			snprintf(buf, len, "key%d", base);
	} else if (KM_IS_META(key)) {
		char inner[16];
		keymap_key_name(base, inner, sizeof inner);
		snprintf(buf, len, "M-%s", inner);
	} else if (key >= 1 && key <= 26) {
		snprintf(buf, len, "C-%c", 'a' + key - 1);
	} else if (key == '\n') {
		snprintf(buf, len, "Enter");
	} else {
		char u[5];

		u[utf8_encode((uint32_t)key, u)] = '\0';
		snprintf(buf, len, "%s", u);
	}
	return buf;
}

int
keymap_action_index(const struct keymap *km, const char *name)
{
	size_t i;

	for (i = 0; i < km->n_actions; i++) {
		if (strcmp(km->table[i].name, name) == 0)
			return (int)i;
	}
	return -1;
}

/* Drops the bindings of key and those of action; -1 names none (keys and
 * actions are never negative). */
static void
keymap_unbind(struct keymap *km, int key, int action)
{
	size_t i, j = 0;

	for (i = 0; i < km->n; i++) {
		if (km->b[i].key != key && km->b[i].action != action)
			km->b[j++] = km->b[i];
	}
	km->n = j;
}

static int
keymap_bind(struct keymap *km, int key, int action)
{
	keymap_unbind(km, key, -1);
	if (vec_grow(&km->b, &km->cap, km->n + 1, sizeof *km->b) != 0)
		return -1;
	km->b[km->n].key = key;
	km->b[km->n].action = action;
	km->n++;
	return 0;
}

/*
 * Call fn for every key of a ", "-separated list.  A literal ',' is
 * written as the key name "," on its own (", ," parses as comma).
 */
static int
keymap_each_key(const char *list, int (*fn)(void *, const char *), void *ud)
{
	char buf[256], *p, *start;
	size_t n;

	snprintf(buf, sizeof buf, "%s", list);
	p = buf;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			return 0;
		start = p;
		if (*p == ',') {
			p++; /* the comma key itself */
		} else {
			while (*p != '\0' && *p != ',' && *p != ' ' && *p != '\t')
				p++;
		}
		n = (size_t)(p - start);
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == ',')
			p++;
		start[n] = '\0';
		if (fn(ud, start) != 0)
			return -1;
	}
}

struct keymap_ctx {
	struct keymap *km;
	int action;
	int line;
	int *cfg_owner; /* per [keys] binding: which action took the key */
	int *cfg_keys;
	size_t n_cfg;
	size_t cap_cfg;
	unsigned char *configured; /* per action: named in [keys] */
	const char *section;       /* "keys", "compose_keys" */
	char *err;
	size_t errlen;
};

static int
keymap_default_cb(void *ud, const char *name)
{
	struct keymap_ctx *k = ud;
	int key = keymap_parse_key(name);

	if (key < 0) {
		snprintf(k->err, k->errlen, "built-in key '%s' of %s is invalid",
		    name, k->km->table[k->action].name);
		return -1;
	}
	return keymap_bind(k->km, key, k->action);
}

static int
keymap_config_cb(void *ud, const char *name)
{
	struct keymap_ctx *k = ud;
	int key = keymap_parse_key(name);
	size_t i;

	if (key < 0) {
		snprintf(k->err, k->errlen, "line %d: '%s' is not a key name "
		    "(examples: r, C-x, M-x, Enter, Esc, Tab, Space, Up, PageDown, "
		    "F1)", k->line, name);
		return -1;
	}
	for (i = 0; i < k->n_cfg; i++) {
		if (k->cfg_keys[i] != key)
			continue;
		if (k->cfg_owner[i] == k->action)
			return 0;
		snprintf(k->err, k->errlen, "line %d: key %s is bound to both "
		    "%s and %s in [%s]", k->line, name,
		    k->km->table[k->cfg_owner[i]].name,
		    k->km->table[k->action].name, k->section);
		return -1;
	}
	if (k->n_cfg == k->cap_cfg) {
		size_t cap = k->cap_cfg ? k->cap_cfg * 2 : 16;
		int *a = realloc(k->cfg_keys, cap * sizeof *a);
		if (a == NULL)
			return -1;
		k->cfg_keys = a;
		if ((a = realloc(k->cfg_owner, cap * sizeof *a)) == NULL)
			return -1;
		k->cfg_owner = a;
		k->cap_cfg = cap;
	}
	k->cfg_keys[k->n_cfg] = key;
	k->cfg_owner[k->n_cfg] = k->action;
	k->n_cfg++;
	return keymap_bind(k->km, key, k->action);
}

static int
keymap_apply_config(struct keymap *km, const struct ini *ini,
    struct keymap_ctx *k)
{
	size_t i;

	for (i = 0; i < ini->n; i++) {
		const struct ini_entry *e = &ini->entries[i];
		if (strcmp(e->section, k->section) != 0)
			continue;
		k->line = e->line;
		k->action = keymap_action_index(km, e->key);
		if (k->action < 0) {
			snprintf(k->err, k->errlen, "line %d: unknown action '%s' "
			    "in [%s] (docs/keys.md lists the names)", e->line,
			    e->key, k->section);
			return -1;
		}
		/* An action named in [keys] gets exactly the keys given there;
		 * naming it twice adds the later keys to the earlier. */
		if (!k->configured[k->action])
			keymap_unbind(km, -1, k->action);
		k->configured[k->action] = 1;
		if (keymap_each_key(e->value, keymap_config_cb, k) != 0)
			return -1;
	}
	return 0;
}

int
keymap_build(struct keymap *km, const struct action_def *table,
    size_t n_actions, const struct ini *ini, char *err, size_t errlen)
{
	return keymap_build_section(km, table, n_actions, ini, "keys", err,
	    errlen);
}

int
keymap_build_section(struct keymap *km, const struct action_def *table,
    size_t n_actions, const struct ini *ini, const char *section, char *err,
    size_t errlen)
{
	struct keymap_ctx k;
	size_t i;
	int rc = -1;

	memset(km, 0, sizeof *km);
	memset(&k, 0, sizeof k);
	km->table = table;
	km->n_actions = n_actions;
	k.km = km;
	k.section = section;
	k.err = err;
	k.errlen = errlen;
	snprintf(err, errlen, "out of memory");
	if ((k.configured = calloc(n_actions + 1, 1)) == NULL)
		goto out;
	for (i = 0; i < n_actions; i++) {
		k.action = (int)i;
		if (table[i].keys != NULL &&
		    keymap_each_key(table[i].keys, keymap_default_cb, &k) != 0)
			goto out;
	}
	if (ini != NULL && keymap_apply_config(km, ini, &k) != 0)
		goto out;
	rc = 0;
out:
	FREE_ALL(k.configured, k.cfg_keys, k.cfg_owner);
	if (rc != 0)
		keymap_free(km);
	return rc;
}

void
keymap_free(struct keymap *km)
{
	free(km->b);
	km->b = NULL;
	km->n = km->cap = 0;
}

int
keymap_lookup(const struct keymap *km, int key)
{
	size_t i;

	for (i = 0; i < km->n; i++) {
		if (km->b[i].key == key)
			return km->b[i].action;
	}
	return -1;
}

const char *
keymap_keys_of(const struct keymap *km, int action, char *buf, size_t len)
{
	char name[32];
	size_t i, used = 0;

	buf[0] = '\0';
	/* Bindings keep table order for defaults; show them in that order. */
	for (i = 0; i < km->n; i++) {
		if (km->b[i].action != action)
			continue;
		keymap_key_name(km->b[i].key, name, sizeof name);
		if (used + strlen(name) + 3 >= len)
			break;
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
		    used ? ", " : "", name);
	}
	return buf;
}

static void
keymap_markdown_rows(struct buf *out, const struct keymap *km)
{
	char keys[256];
	size_t i;

	buf_adds(out, "| action | default keys | does |\n|---|---|---|\n");
	for (i = 0; i < km->n_actions; i++) {
		const struct action_def *a = &km->table[i];
		snprintf(keys, sizeof keys, "%s", a->keys ? a->keys : "");
		buf_printf(out, "| `%s` | %s%s%s | %s%s |\n",
		    a->name, *keys ? "`" : "", keys, *keys ? "`" : "",
		    a->help, a->fn == NULL ? " (not available yet)" : "");
	}
}

char *
keymap_markdown(const struct keymap *km, const struct keymap *compose)
{
	struct buf out = { 0 };

	buf_adds(&out, "# ttydesk keys\n\n"
	    "Generated from the keymap tables (src/ui/actions.c, "
	    "src/ui/composekeys.c);\n"
	    "`unit.keymap` checks that this file matches them.\n"
	    "Rebind in the `[keys]` section of the config: `action = key[, key...]`.\n"
	    "An action named there gets exactly those keys, and they leave the\n"
	    "action that had them by default. Key names: a printable character,\n"
	    "`C-x`, `M-x`, `Enter`, `Esc`, `Tab`, `BTab`, `Space`, `Up`, `Down`,\n"
	    "`Left`, `Right`, `PageUp`, `PageDown`, `Home`, `End`, `Backspace`,\n"
	    "`Delete`, `F1`-`F12`.\n\n");
	keymap_markdown_rows(&out, km);
	buf_adds(&out, "\n## While composing\n\n"
	    "In the compose area printable keys are text. A key that `[keys]`\n"
	    "binds to `send`, `editor`, `template`, `canned`, `help` or `redraw`\n"
	    "does that (so a rebound `send` sends from the compose area too), unless\n"
	    "it is a printable character; the other keys edit the text as below.\n"
	    "Rebind these in the `[compose_keys]` section, the same way. The\n"
	    "Backspace key works whether the terminal sends `Backspace` or DEL.\n\n");
	keymap_markdown_rows(&out, compose);
	return buf_take(&out, NULL);
}
