/*
 * Relay configuration from the INI file.  Every check that can fail at
 * start does (listen address, secret file modes, agent hashes), so a
 * misconfigured relay refuses to start with the file and line.
 */
#include <errno.h>
#include <libgen.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "ttydesk/freeall.h"
#include "ttydesk/ini.h"
#include "ttydesk/secfile.h"
#include "ttydesk/vec.h"

#include "config.h"
#include "log.h"


char *
config_resolve_path(const char *base, const char *path)
{
	char *copy, *dir, *out;
	size_t n;

	if (path[0] == '/' || strstr(path, "://") != NULL)
		return strdup(path);
	if ((copy = strdup(base)) == NULL)
		return NULL;
	dir = dirname(copy);
	n = strlen(dir) + strlen(path) + 2;
	if ((out = malloc(n)) != NULL)
		snprintf(out, n, "%s/%s", dir, path);
	free(copy);
	return out;
}

static int
config_hex32(const char *hex, unsigned char out[32])
{
	size_t bin_len;

	if (hex == NULL || strlen(hex) != 64)
		return -1;
	if (sodium_hex2bin(out, 32, hex, 64, NULL, &bin_len, NULL) != 0 ||
	    bin_len != 32)
		return -1;
	return 0;
}

static void
config_team_clear(void *p)
{
	config_team_free(p);
}

static void
config_agent_clear(void *p)
{
	struct relay_agent *a = p;

	free(a->id);
	free(a->name);
	vec_free(&a->teams, &a->n_teams, sizeof *a->teams, vec_clear_str);
	vec_free(&a->numbers, &a->n_numbers, sizeof *a->numbers,
	    vec_clear_str);
}

static void
config_number_clear(void *p)
{
	struct relay_number *n = p;

	FREE_ALL(n->id, n->name, n->phone_number_id, n->display_phone_number,
	    n->waba_id, n->default_team);
	if (n->access_token != NULL)
		secfile_wipe(n->access_token, n->access_token_len);
}

static void
config_dir_free(struct relay_directory *d)
{
	if (d == NULL)
		return;
	vec_free(&d->teams, &d->n_teams, sizeof *d->teams, config_team_clear);
	vec_free(&d->agents, &d->n_agents, sizeof *d->agents,
	    config_agent_clear);
	vec_free(&d->numbers, &d->n_numbers, sizeof *d->numbers,
	    config_number_clear);
	free(d);
}

int
config_split_list(const char *s, char ***out, size_t *n)
{
	char *copy, *tok, *save = NULL, **v = NULL;
	size_t count = 0;

	*out = NULL;
	*n = 0;
	if (s == NULL || *s == '\0')
		return 0;
	if ((copy = strdup(s)) == NULL)
		return -1;
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		char *e;

		while (*tok == ' ' || *tok == '\t')
			tok++;
		e = tok + strlen(tok);
		while (e > tok && (e[-1] == ' ' || e[-1] == '\t'))
			*--e = '\0';
		if (*tok == '\0')
			continue;
		if (vec_add_strn(&v, &count, tok, (size_t)(e - tok)) != 0)
			goto fail;
	}
	free(copy);
	*out = v;
	*n = count;
	return 0;
fail:
	vec_free(&v, &count, sizeof *v, vec_clear_str);
	free(copy);
	return -1;
}

static char *config_strdup_or(const char *v, const char *def);

int
config_valid_id(const char *id)
{
	const char *p;

	if (*id == '\0' || strlen(id) > 64)
		return 0;
	for (p = id; *p != '\0'; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' ||
		    *p == '.'))
			return 0;
	}
	return 1;
}

/* A team named only in an agent's teams exists too (named by its id). */
static int
config_implicit_teams(struct relay_directory *d)
{
	struct relay_team *nt;
	size_t i, j;

	for (i = 0; i < d->n_agents; i++) {
		for (j = 0; j < d->agents[i].n_teams; j++) {
			const char *id = d->agents[i].teams[j];

			if (vec_find_str(d->teams, d->n_teams, sizeof *d->teams,
			    offsetof(struct relay_team, id), id) != NULL)
				continue;
			nt = realloc(d->teams, (d->n_teams + 1) * sizeof *nt);
			if (nt == NULL)
				return -1;
			d->teams = nt;
			nt = &d->teams[d->n_teams];
			memset(nt, 0, sizeof *nt);
			nt->id = strdup(id);
			nt->name = strdup(id);
			d->n_teams++;
			if (nt->id == NULL || nt->name == NULL)
				return -1;
		}
	}
	return 0;
}

/* The line of key in section (its last value), or with key NULL of the
 * section's first entry, for error messages; 0 when absent. */
static int
config_line(const struct ini *ini, const char *sec, const char *key)
{
	int line = 0;
	size_t i;

	for (i = 0; i < ini->n; i++) {
		if (strcmp(ini->entries[i].section, sec) != 0)
			continue;
		if (key == NULL)
			return ini->entries[i].line;
		if (strcmp(ini->entries[i].key, key) == 0)
			line = ini->entries[i].line;
	}
	return line;
}

/* A [number] id: letters, digits, '-' and '_' (it names the number in
 * agents' lists, events and the TUI). */
static int
config_valid_number_id(const char *id)
{
	return config_valid_id(id) && strchr(id, '.') == NULL;
}

/* An id that goes into a Graph URL's path as it is (Meta's are digits). */
static int
config_graph_id(const char *v)
{
	return v != NULL && v[0] != '.' && config_valid_id(v);
}

static int
config_number_token_read(const char *path, const char *sec, const char *v,
    struct relay_number *n, char *err, size_t errlen)
{
	char *p, reason[512];

	if ((p = config_resolve_path(path, v)) == NULL)
		return -1;
	n->access_token = secfile_read(p, CONFIG_SECRET_MAX, 1,
	    &n->access_token_len, reason, sizeof reason);
	free(p);
	if (n->access_token == NULL) {
		snprintf(err, errlen, "[%s] access_token_file: %s", sec, reason);
		return -1;
	}
	return 0;
}

/* One number from section sec (or from [whatsapp] as "main"). */
static int
config_number_add(struct relay_directory *d, const struct ini *ini,
    const char *path, const char *sec, const char *id, int secrets,
    char *err, size_t errlen)
{
	struct relay_number *n, *nn;
	const char *pid = ini_get(ini, sec, "phone_number_id");
	const char *v;
	size_t i;

	/* An old [whatsapp] phone_number_id is taken as it always was. */
	if (pid == NULL || *pid == '\0' || (strcmp(sec, "whatsapp") != 0 &&
	    !config_graph_id(pid))) {
		if (pid == NULL || *pid == '\0')
			snprintf(err, errlen, "%s:%d: [%s] phone_number_id is "
			    "required", path, config_line(ini, sec, NULL), sec);
		else
			snprintf(err, errlen, "%s:%d: [%s] phone_number_id: "
			    "letters, digits, '-', '_' and '.' only", path,
			    config_line(ini, sec, "phone_number_id"), sec);
		return -1;
	}
	for (i = 0; i < d->n_numbers; i++) {
		if (strcmp(d->numbers[i].phone_number_id, pid) == 0) {
			snprintf(err, errlen, "%s:%d: [%s] phone_number_id %s "
			    "is number %s already", path, config_line(ini, sec,
			    "phone_number_id"), sec, pid, d->numbers[i].id);
			return -1;
		}
		if (strcmp(d->numbers[i].id, id) == 0) {
			snprintf(err, errlen, "%s:%d: [%s] named twice", path,
			    config_line(ini, sec, NULL), sec);
			return -1;
		}
	}
	if ((nn = realloc(d->numbers, (d->n_numbers + 1) * sizeof *nn)) == NULL)
		return -1;
	d->numbers = nn;
	n = &d->numbers[d->n_numbers++];
	memset(n, 0, sizeof *n);
	n->id = strdup(id);
	n->phone_number_id = strdup(pid);
	n->display_phone_number = config_strdup_or(ini_get(ini, sec,
	    "display_phone_number"), "");
	if (n->id == NULL || n->phone_number_id == NULL ||
	    n->display_phone_number == NULL)
		return -1;
	if (((v = ini_get(ini, sec, "name")) != NULL && *v != '\0' &&
	    (n->name = strdup(v)) == NULL) ||
	    ((v = ini_get(ini, sec, "waba_id")) != NULL && *v != '\0' &&
	    (n->waba_id = strdup(v)) == NULL))
		return -1;
	if (n->waba_id != NULL && !config_graph_id(n->waba_id)) {
		snprintf(err, errlen, "%s:%d: [%s] waba_id: letters, "
		    "digits, '-', '_' and '.' only", path,
		    config_line(ini, sec, "waba_id"), sec);
		return -1;
	}
	if (strcmp(sec, "whatsapp") == 0)
		return 0; /* its token is the default one */
	if ((v = ini_get(ini, sec, "default_team")) != NULL && *v != '\0') {
		if (!config_valid_id(v)) {
			snprintf(err, errlen, "%s:%d: [%s] default_team: bad "
			    "team id", path, config_line(ini, sec,
			    "default_team"), sec);
			return -1;
		}
		if ((n->default_team = strdup(v)) == NULL)
			return -1;
	}
	v = ini_get(ini, sec, "access_token_file");
	if (secrets && v != NULL && *v != '\0' &&
	    config_number_token_read(path, sec, v, n, err, errlen) != 0)
		return -1;
	return 0;
}

/* The [number] sections, or the one number "main" of an old config. */
static int
config_numbers(struct relay_directory *d, const struct ini *ini,
    const char *path, int secrets, char *err, size_t errlen)
{
	size_t i;

	err[0] = '\0';
	for (i = 0; i < ini->n_sections; i++) {
		const char *sec = ini->sections[i];

		if (strncmp(sec, "number ", 7) != 0)
			continue;
		if (!config_valid_number_id(sec + 7)) {
			snprintf(err, errlen, "%s:%d: [%s]: bad number id (letters, "
			    "digits, '-' and '_')", path, config_line(ini, sec,
			    NULL), sec);
			return -1;
		}
		if (config_number_add(d, ini, path, sec, sec + 7, secrets, err,
		    errlen) != 0)
			return -1;
	}
	if (d->n_numbers > 0)
		return 0;
	if (ini_get(ini, "whatsapp", "phone_number_id") == NULL) {
		snprintf(err, errlen, "%s: [whatsapp] phone_number_id is "
		    "required (or a [number ID] section)", path);
		return -1;
	}
	return config_number_add(d, ini, path, "whatsapp", "main", secrets, err,
	    errlen);
}

/* Agents' numbers and numbers' default teams name what exists. */
static int
config_check_refs(const struct relay_directory *d, const struct ini *ini,
    const char *path, char *err, size_t errlen)
{
	char sec[128];
	size_t i, j, k;

	for (i = 0; i < d->n_agents; i++) {
		for (j = 0; j < d->agents[i].n_numbers; j++) {
			const char *id = d->agents[i].numbers[j];

			for (k = 0; k < d->n_numbers; k++) {
				if (strcmp(d->numbers[k].id, id) == 0)
					break;
			}
			if (k < d->n_numbers)
				continue;
			snprintf(sec, sizeof sec, "agent %s", d->agents[i].id);
			snprintf(err, errlen, "%s:%d: [%s] numbers: no [number %s] "
			    "section", path, config_line(ini, sec, "numbers"), sec,
			    id);
			return -1;
		}
	}
	for (i = 0; i < d->n_numbers; i++) {
		const char *t = d->numbers[i].default_team;

		for (k = 0; t != NULL && k < d->n_teams; k++) {
			if (strcmp(d->teams[k].id, t) == 0)
				break;
		}
		if (t == NULL || k < d->n_teams)
			continue;
		snprintf(sec, sizeof sec, "number %s", d->numbers[i].id);
		snprintf(err, errlen, "%s:%d: [%s] default_team: no team %s",
		    path, config_line(ini, sec, "default_team"), sec, t);
		return -1;
	}
	return 0;
}

static const char *const config_roles[] = { "agent", "supervisor", "admin" };
static const char *const config_visibilities[] = { "all", "teams" };

/* The index of v in names[0..n), or -1. */
static int
config_pick(const char *v, const char *const *names, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (strcmp(v, names[i]) == 0)
			return i;
	}
	return -1;
}

/* [agent X] role and visibility; the defaults are agent and all. */
static int
config_agent_access(struct relay_agent *a, const struct ini *ini,
    const char *sec, const char *path, char *err, size_t errlen)
{
	const char *role = ini_get(ini, sec, "role");
	const char *vis = ini_get(ini, sec, "visibility");
	int k;

	a->role = ROLE_AGENT;
	a->visibility = VIS_ALL;
	if (role != NULL) {
		if ((k = config_pick(role, config_roles, 3)) < 0) {
			snprintf(err, errlen, "%s:%d: [%s] role must be agent, "
			    "supervisor or admin", path, config_line(ini, sec,
			    "role"), sec);
			return -1;
		}
		a->role = (enum relay_role)k;
	}
	if (vis != NULL) {
		if ((k = config_pick(vis, config_visibilities, 2)) < 0) {
			snprintf(err, errlen, "%s:%d: [%s] visibility must be all "
			    "or teams", path, config_line(ini, sec, "visibility"),
			    sec);
			return -1;
		}
		a->visibility = (enum relay_visibility)k;
	}
	return 0;
}

const char *
config_role_name(enum relay_role role)
{
	return config_roles[role];
}

const char *
config_visibility_name(enum relay_visibility v)
{
	return config_visibilities[v];
}

int
config_agent_supervises(const struct relay_agent *a)
{
	return a != NULL && a->role != ROLE_AGENT;
}

static struct relay_directory *
config_dir_build(const struct ini *ini, const char *path, int secrets,
    char *err, size_t errlen)
{
	struct relay_directory *d;
	size_t i;

	if ((d = calloc(1, sizeof *d)) == NULL)
		goto nomem;
	for (i = 0; i < ini->n_sections; i++) {
		const char *sec = ini->sections[i], *name, *v;

		if (strncmp(sec, "team ", 5) == 0) {
			struct relay_team *t, *nt;

			if (!config_valid_id(sec + 5)) {
				snprintf(err, errlen, "%s: [%s]: bad team id", path, sec);
				goto fail;
			}
			nt = realloc(d->teams, (d->n_teams + 1) * sizeof *nt);
			if (nt == NULL)
				goto nomem;
			d->teams = nt;
			t = &d->teams[d->n_teams++];
			memset(t, 0, sizeof *t);
			name = ini_get(ini, sec, "name");
			t->id = strdup(sec + 5);
			t->name = strdup(name ? name : sec + 5);
			if (t->id == NULL || t->name == NULL)
				goto nomem;
		} else if (strncmp(sec, "agent ", 6) == 0) {
			struct relay_agent *a, *na;

			if (!config_valid_id(sec + 6)) {
				snprintf(err, errlen, "%s: [%s]: bad agent id", path, sec);
				goto fail;
			}
			na = realloc(d->agents, (d->n_agents + 1) * sizeof *na);
			if (na == NULL)
				goto nomem;
			d->agents = na;
			a = &d->agents[d->n_agents++];
			memset(a, 0, sizeof *a);
			name = ini_get(ini, sec, "name");
			a->id = strdup(sec + 6);
			a->name = strdup(name ? name : sec + 6);
			if (a->id == NULL || a->name == NULL)
				goto nomem;
			if (config_split_list(ini_get(ini, sec, "teams"),
			    &a->teams, &a->n_teams) != 0 ||
			    config_split_list(ini_get(ini, sec, "numbers"),
			    &a->numbers, &a->n_numbers) != 0)
				goto nomem;
			if (config_agent_access(a, ini, sec, path, err,
			    errlen) != 0)
				goto fail;
			v = ini_get(ini, sec, "token_sha256");
			if (config_hex32(v, a->token_hash) != 0) {
				snprintf(err, errlen, "%s: [%s]: token_sha256 must be "
				    "64 hex digits", path, sec);
				goto fail;
			}
		}
	}
	if (config_implicit_teams(d) != 0)
		goto nomem;
	if (config_team_load(d, ini, path, err, errlen) != 0)
		goto fail;
	if (config_numbers(d, ini, path, secrets, err, errlen) != 0) {
		if (err[0] == '\0')
			goto nomem;
		goto fail;
	}
	if (config_check_refs(d, ini, path, err, errlen) != 0)
		goto fail;
	return d;
nomem:
	snprintf(err, errlen, "%s: out of memory", path);
fail:
	config_dir_free(d);
	return NULL;
}

/* "host:port" or "[v6]:port" of [relay] key into host and port. */
static int
config_hostport(const char *path, const char *key, const char *v,
    char **host, unsigned short *port, char *err, size_t errlen)
{
	const char *colon;
	char *end;
	long p;

	if ((colon = strrchr(v, ':')) == NULL) {
		snprintf(err, errlen, "%s: [relay] %s must be host:port", path,
		    key);
		return -1;
	}
	errno = 0;
	p = strtol(colon + 1, &end, 10);
	if (errno != 0 || *end != '\0' || end == colon + 1 || p < 0 ||
	    p > 65535) {
		snprintf(err, errlen, "%s: [relay] %s: bad port", path, key);
		return -1;
	}
	*port = (unsigned short)p;
	if (v[0] == '[' && colon > v + 1 && colon[-1] == ']')
		*host = strndup(v + 1, (size_t)(colon - v - 2));
	else
		*host = strndup(v, (size_t)(colon - v));
	return *host == NULL ? -1 : 0;
}

static int
config_listen(struct relay_config *cfg, const struct ini *ini, char *err,
    size_t errlen)
{
	const char *v = ini_get(ini, "relay", "listen");

	if (config_hostport(cfg->path, "listen", v ? v : "127.0.0.1:8080",
	    &cfg->host, &cfg->port, err, errlen) != 0)
		return -1;
	v = ini_get(ini, "relay", "metrics_listen");
	if (v != NULL && *v != '\0' && config_hostport(cfg->path,
	    "metrics_listen", v, &cfg->metrics_host, &cfg->metrics_port, err,
	    errlen) != 0)
		return -1;
	return 0;
}

static int
config_size(const char *path, const char *v, const char *what, size_t def,
    size_t *out, char *err, size_t errlen)
{
	char *end;
	unsigned long long n;

	if (v == NULL) {
		*out = def;
		return 0;
	}
	errno = 0;
	n = strtoull(v, &end, 10);
	/* 64K, 64M, 1G: binary multiples, as the spec writes them. */
	if (*end != '\0' && end[1] == '\0' && strchr("KMG", *end) != NULL &&
	    n <= (1ULL << 40)) {
		n <<= *end == 'K' ? 10 : *end == 'M' ? 20 : 30;
		end++;
	}
	if (errno != 0 || *v < '0' || *v > '9' || *end != '\0' || end == v ||
	    n == 0 || n > (1ULL << 40)) {
		snprintf(err, errlen, "%s: %s: not a byte count: %s", path, what, v);
		return -1;
	}
	*out = (size_t)n;
	return 0;
}

static int
config_secret(struct relay_config *cfg, const struct ini *ini, const char *key,
    char **out, size_t *len, char *err, size_t errlen)
{
	const char *v = ini_get(ini, "whatsapp", key);
	char *p, reason[512];

	if (v == NULL || *v == '\0') {
		snprintf(err, errlen, "%s: [whatsapp] %s is required", cfg->path, key);
		return -1;
	}
	if ((p = config_resolve_path(cfg->path, v)) == NULL)
		return -1;
	*out = secfile_read(p, CONFIG_SECRET_MAX, 1, len, reason, sizeof reason);
	free(p);
	if (*out == NULL) {
		snprintf(err, errlen, "[whatsapp] %s: %s", key, reason);
		return -1;
	}
	return 0;
}

static int
config_duration(const struct ini *ini, const char *key, int64_t def,
    int64_t *out, const char *path, char *err, size_t errlen)
{
	const char *v = ini_get(ini, "sla", key);
	long long d;

	*out = def;
	if (v == NULL)
		return 0;
	if ((d = ini_parse_duration(v)) < 0) {
		snprintf(err, errlen, "%s: [sla] %s: bad duration '%s'", path, key, v);
		return -1;
	}
	*out = d;
	return 0;
}

static int
config_sla(struct relay_config *cfg, const struct ini *ini, char *err,
    size_t errlen)
{
	static const char *prio[3] = { "normal", "high", "urgent" };
	char key[64];
	int i;

	if (config_duration(ini, "first_response", 0, &cfg->sla_first,
	    cfg->path, err, errlen) != 0 ||
	    config_duration(ini, "next_response", 0, &cfg->sla_next,
	    cfg->path, err, errlen) != 0)
		return -1;
	for (i = 0; i < 3; i++) {
		snprintf(key, sizeof key, "%s.first_response", prio[i]);
		if (config_duration(ini, key, cfg->sla_first,
		    &cfg->sla_first_prio[i], cfg->path, err, errlen) != 0)
			return -1;
		snprintf(key, sizeof key, "%s.next_response", prio[i]);
		if (config_duration(ini, key, cfg->sla_next,
		    &cfg->sla_next_prio[i], cfg->path, err, errlen) != 0)
			return -1;
	}
	return 0;
}

/* A [sec] key in whole seconds: 1 to max, or 0 where it means none. */
struct config_secs {
	const char *sec, *key;
	long def, max;
	bool zero_ok;
	long *out;
};

/* A [sec] key that counts: min to max. */
struct config_count {
	const char *sec, *key;
	unsigned def;
	unsigned long min, max;
	unsigned *out;
};

static int
config_secs_get(const char *path, const struct ini *ini,
    const struct config_secs *c, char *err, size_t errlen)
{
	const char *v = ini_get(ini, c->sec, c->key);
	long long d;

	*c->out = c->def;
	if (v == NULL)
		return 0;
	if (c->zero_ok && strcmp(v, "0") == 0) {
		d = 0;
	} else if ((d = ini_parse_duration(v)) <= 0 || d > c->max) {
		snprintf(err, errlen, "%s: [%s] %s: bad duration", path, c->sec,
		    c->key);
		return -1;
	}
	*c->out = (long)d;
	return 0;
}

static int
config_count_get(const char *path, const struct ini *ini,
    const struct config_count *c, char *err, size_t errlen)
{
	const char *v = ini_get(ini, c->sec, c->key);
	char *end;
	unsigned long n;

	*c->out = c->def;
	if (v == NULL)
		return 0;
	n = strtoul(v, &end, 10);
	if (*v < '0' || *v > '9' || *end != '\0' || n < c->min || n > c->max) {
		if (c->min == 0)
			snprintf(err, errlen, "%s: [%s] %s: not a count", path,
			    c->sec, c->key);
		else
			snprintf(err, errlen, "%s: [%s] %s: %lu to %lu", path,
			    c->sec, c->key, c->min, c->max);
		return -1;
	}
	*c->out = (unsigned)n;
	return 0;
}

/* The relay's timeouts and limits: [relay] request_timeout (0: none),
 * send_timeout, max_conns_per_address (0: no limit), auth_fail_limit (0:
 * off) and auth_fail_window; [escalation] timeout and max_running. */
static int
config_limits(struct relay_config *cfg, const struct ini *ini, char *err,
    size_t errlen)
{
	const struct config_secs secs[] = {
		{ "relay", "request_timeout", 30, 3600, true,
		    &cfg->request_timeout },
		{ "relay", "send_timeout", 30, 3600, false, &cfg->send_timeout },
		{ "relay", "auth_fail_window", 60, 86400, false,
		    &cfg->auth_fail_window },
		{ "escalation", "timeout", 30, 3600, false,
		    &cfg->escalation_timeout },
	};
	const struct config_count counts[] = {
		{ "relay", "max_conns_per_address", 32, 0, 100000,
		    &cfg->max_conns_per_address },
		{ "relay", "auth_fail_limit", 100, 0, 1000000,
		    &cfg->auth_fail_limit },
		{ "escalation", "max_running", 4, 1, 256,
		    &cfg->escalation_max_running },
	};
	size_t i;

	for (i = 0; i < sizeof secs / sizeof secs[0]; i++) {
		if (config_secs_get(cfg->path, ini, &secs[i], err, errlen) != 0)
			return -1;
	}
	for (i = 0; i < sizeof counts / sizeof counts[0]; i++) {
		if (config_count_get(cfg->path, ini, &counts[i], err,
		    errlen) != 0)
			return -1;
	}
	return 0;
}

/* [relay] trusted_proxies: whose X-Forwarded-For names the address a
 * failed token is counted against. */
static int
config_proxies(struct relay_config *cfg, const struct ini *ini, char *err,
    size_t errlen)
{
	const char *v = ini_get(ini, "relay", "trusted_proxies");
	char why[256];

	if (v != NULL && proxy_list_parse(v, &cfg->trusted_proxies, why,
	    sizeof why) != 0) {
		snprintf(err, errlen, "%s: [relay] %s", cfg->path, why);
		return -1;
	}
	return 0;
}

/* Like ssh with its files: the configuration and the escalation
 * command decide what the relay runs and whom it trusts, so nobody else
 * may be able to change them.  Owned by us or root, not group- or
 * world-writable. */
static int
config_check_owner(const char *path, const char *what, char *err,
    size_t errlen)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		snprintf(err, errlen, "%s %s: %s", what, path, strerror(errno));
		return -1;
	}
	if (st.st_uid != geteuid() && st.st_uid != 0) {
		snprintf(err, errlen, "%s %s is owned by uid %u, not by this user "
		    "or root: refused", what, path, (unsigned)st.st_uid);
		return -1;
	}
	if ((st.st_mode & 022) != 0) {
		snprintf(err, errlen, "%s %s: permissions %04o let others change "
		    "it; run: chmod go-w %s", what, path,
		    (unsigned)(st.st_mode & 07777), path);
		return -1;
	}
	return 0;
}

/* Keys the relay reads, by section kind ("team" for [team X]). */
static const char *const config_known[] = {
	"relay listen", "relay database", "relay max_body", "relay media_max",
	"relay threads", "relay send_timeout", "relay auth_fail_limit",
	"relay auth_fail_window", "relay trusted_proxies",
	"relay metrics_listen", "relay max_body_total",
	"relay max_conns_per_address", "relay request_timeout",
	"whatsapp graph_url", "whatsapp phone_number_id",
	"whatsapp display_phone_number", "whatsapp access_token_file",
	"whatsapp app_secret_file", "whatsapp verify_token",
	"escalation command", "escalation timeout",
	"escalation max_running", "csat enabled", "csat question",
	"sla first_response", "sla next_response",
	"sla normal.first_response", "sla normal.next_response",
	"sla high.first_response", "sla high.next_response",
	"sla urgent.first_response", "sla urgent.next_response",
	"team name", "agent name", "agent teams", "agent token_sha256",
	/* spec/relay-api.md, numbers, roles, assignment and hours */
	"whatsapp waba_id", "agent numbers", "agent role", "agent visibility",
	"number phone_number_id", "number display_phone_number",
	"number waba_id", "number access_token_file", "number default_team",
	"assignment mode", "assignment capacity", "assignment online_only",
	"assignment reassign_after", "hours timezone", "hours mon", "hours tue",
	"hours wed", "hours thu", "hours fri", "hours sat", "hours sun",
	"hours closed", "hours away_message", "whatsapp template_refresh",
	"media dir", "media retention", "media max_total",
	"media download_hosts",
	NULL,
};

/* A misspelt key silently keeps its default: say so, with the line. */
static void
config_warn_unknown(const struct ini *ini, const char *path)
{
	char want[128], kind[64];
	size_t i, k;

	for (i = 0; i < ini->n; i++) {
		const struct ini_entry *e = &ini->entries[i];

		snprintf(kind, sizeof kind, "%.*s", (int)strcspn(e->section, " "),
		    e->section);
		/* [hours] day ranges are many; its parser rejects a bad key. */
		if (strcmp(kind, "hours") == 0)
			continue;
		snprintf(want, sizeof want, "%s %s", kind, e->key);
		for (k = 0; config_known[k] != NULL; k++) {
			if (strcmp(config_known[k], want) == 0)
				break;
		}
		if (config_known[k] == NULL)
			log_msg(LOG_WARNING, "event=config_unknown_key file=%s "
			    "line=%d section=\"%s\" key=\"%s\" message=\"not "
			    "a setting the relay knows; ignored\"", path, e->line,
			    e->section, e->key);
	}
	for (i = 0; i < ini->n_sections; i++) {
		const char *sec = ini->sections[i];

		if (strcmp(sec, "relay") != 0 && strcmp(sec, "whatsapp") != 0 &&
		    strcmp(sec, "escalation") != 0 && strcmp(sec, "sla") != 0 &&
		    strcmp(sec, "csat") != 0 && strcmp(sec, "media") != 0 &&
		    strncmp(sec, "team ", 5) != 0 &&
		    strncmp(sec, "agent ", 6) != 0 &&
		    strncmp(sec, "number ", 7) != 0 &&
		    strncmp(sec, "assignment ", 11) != 0 &&
		    strncmp(sec, "hours ", 6) != 0)
			/* The line of its first key, as ttydesk names it (an
			 * empty section has none). */
			log_msg(LOG_WARNING, "event=config_unknown_section file=%s "
			    "line=%d section=\"%s\" message=\"not a section the "
			    "relay knows; ignored\"", path,
			    config_line(ini, sec, NULL), sec);
	}
}

static char *
config_strdup_or(const char *v, const char *def)
{
	if (v == NULL)
		v = def;
	return v == NULL ? NULL : strdup(v);
}

int
config_load_cmd(const char *path, struct relay_config *cfg)
{
	char err[512];

	if (config_load(path, 0, cfg, err, sizeof err) != 0) {
		fprintf(stderr, "ttydesk-relay: %s\n", err);
		return -1;
	}
	return 0;
}

int
config_load(const char *path, int secrets, struct relay_config *cfg,
    char *err, size_t errlen)
{
	struct ini ini;
	struct relay_directory *dir;
	const char *v;

	memset(cfg, 0, sizeof *cfg);
	if (config_check_owner(path, "configuration", err, errlen) != 0)
		return -1;
	if (ini_load(path, &ini, err, errlen) != 0)
		return -1;
	if ((cfg->path = strdup(path)) == NULL)
		goto nomem;
	config_warn_unknown(&ini, path);
	if (config_listen(cfg, &ini, err, errlen) != 0)
		goto fail;
	v = ini_get(&ini, "relay", "database");
	if ((cfg->database = config_resolve_path(path, v ? v : "relay.db")) == NULL)
		goto nomem;
	if (config_size(path, ini_get(&ini, "relay", "max_body"), "[relay] max_body",
	    4194304, &cfg->max_body, err, errlen) != 0)
		goto fail;
	if (config_size(path, ini_get(&ini, "relay", "media_max"),
	    "[relay] media_max", 104857600, &cfg->media_max, err, errlen) != 0)
		goto fail;
	if (config_size(path, ini_get(&ini, "relay", "max_body_total"),
	    "[relay] max_body_total", 64 << 20, &cfg->max_body_total, err,
	    errlen) != 0)
		goto fail;
	if (config_limits(cfg, &ini, err, errlen) != 0)
		goto fail;
	cfg->threads = 1;
	if ((v = ini_get(&ini, "relay", "threads")) != NULL) {
		char *end;
		long t = strtol(v, &end, 10);

		if (*v == '\0' || *end != '\0' || t < 1 || t > 64) {
			snprintf(err, errlen, "%s: [relay] threads must be 1 to 64",
			    path);
			goto fail;
		}
		cfg->threads = (unsigned)t;
	}
	if (config_proxies(cfg, &ini, err, errlen) != 0)
		goto fail;
	cfg->graph_url = config_strdup_or(ini_get(&ini, "whatsapp", "graph_url"),
	    "https://graph.facebook.com/v21.0");
	cfg->phone_number_id = config_strdup_or(ini_get(&ini, "whatsapp",
	    "phone_number_id"), NULL);
	cfg->display_phone_number = config_strdup_or(ini_get(&ini, "whatsapp",
	    "display_phone_number"), "");
	cfg->verify_token = config_strdup_or(ini_get(&ini, "whatsapp",
	    "verify_token"), NULL);
	if (cfg->graph_url == NULL || cfg->display_phone_number == NULL)
		goto nomem;
	while (*cfg->graph_url && cfg->graph_url[strlen(cfg->graph_url) - 1] == '/')
		cfg->graph_url[strlen(cfg->graph_url) - 1] = '\0';
	if ((v = ini_get(&ini, "escalation", "command")) != NULL && *v != '\0' &&
	    (cfg->escalation_command = config_resolve_path(path, v)) == NULL)
		goto nomem;
	/* A command not there yet fails when it runs, and is logged. */
	if (secrets && cfg->escalation_command != NULL &&
	    access(cfg->escalation_command, F_OK) == 0 &&
	    config_check_owner(cfg->escalation_command, "[escalation] command",
	    err, errlen) != 0)
		goto fail;
	if (config_sla(cfg, &ini, err, errlen) != 0)
		goto fail;
	if ((v = ini_get(&ini, "csat", "enabled")) != NULL &&
	    (cfg->csat = ini_parse_bool(v)) < 0) {
		snprintf(err, errlen, "%s: [csat] enabled must be yes or no", path);
		goto fail;
	}
	cfg->csat_question = config_strdup_or(ini_get(&ini, "csat", "question"),
	    "How did we do? Please rate our help.");
	if (cfg->csat_question == NULL)
		goto nomem;
	if (config_media_load(cfg, &ini, err, errlen) != 0)
		goto fail;
	if ((dir = config_dir_build(&ini, path, secrets, err, errlen)) == NULL)
		goto fail;
	atomic_store(&cfg->dir, dir);
	/* The first number stands for "the business" where one is needed
	 * without a conversation (old clients' /v1/me). */
	if (cfg->phone_number_id == NULL) {
		free(cfg->display_phone_number);
		cfg->phone_number_id = strdup(dir->numbers[0].phone_number_id);
		cfg->display_phone_number = strdup(
		    dir->numbers[0].display_phone_number);
		if (cfg->phone_number_id == NULL ||
		    cfg->display_phone_number == NULL)
			goto nomem;
	}
	if (secrets && (config_secret(cfg, &ini, "access_token_file",
	    &cfg->access_token, &cfg->access_token_len, err, errlen) != 0 ||
	    config_secret(cfg, &ini, "app_secret_file", &cfg->app_secret,
	    &cfg->app_secret_len, err, errlen) != 0))
		goto fail;
	ini_free(&ini);
	return 0;
nomem:
	snprintf(err, errlen, "%s: out of memory", path);
fail:
	ini_free(&ini);
	config_free(cfg);
	return -1;
}

int
config_reload_agents(struct relay_config *cfg, char *err, size_t errlen)
{
	struct ini ini;
	struct relay_directory *d, *old;

	if (ini_load(cfg->path, &ini, err, errlen) != 0)
		return -1;
	d = config_dir_build(&ini, cfg->path, 1, err, errlen);
	ini_free(&ini);
	if (d == NULL)
		return -1;
	old = atomic_load(&cfg->dir);
	d->retired = old;
	atomic_store(&cfg->dir, d);
	return 0;
}

static void
config_secrets_free(struct relay_secrets *x)
{
	if (x == NULL)
		return;
	if (x->access_token != NULL)
		secfile_wipe(x->access_token, x->access_token_len);
	if (x->app_secret != NULL)
		secfile_wipe(x->app_secret, x->app_secret_len);
	free(x->verify_token);
	free(x);
}

/* The secrets of the file as it is now, or NULL with err. */
static struct relay_secrets *
config_secrets_read(struct relay_config *cfg, const struct ini *ini,
    char *err, size_t errlen)
{
	struct relay_secrets *x = calloc(1, sizeof *x);
	const char *vt = ini_get(ini, "whatsapp", "verify_token");

	if (x == NULL || (vt != NULL && (x->verify_token = strdup(vt)) ==
	    NULL)) {
		snprintf(err, errlen, "%s: out of memory", cfg->path);
		goto fail;
	}
	if (config_secret(cfg, ini, "access_token_file", &x->access_token,
	    &x->access_token_len, err, errlen) != 0 ||
	    config_secret(cfg, ini, "app_secret_file", &x->app_secret,
	    &x->app_secret_len, err, errlen) != 0)
		goto fail;
	return x;
fail:
	config_secrets_free(x);
	return NULL;
}

int
config_reload(struct relay_config *cfg, char *err, size_t errlen)
{
	struct relay_secrets *x = NULL;
	struct ini ini;

	if (cfg->access_token != NULL) {
		if (config_check_owner(cfg->path, "configuration", err,
		    errlen) != 0 || ini_load(cfg->path, &ini, err, errlen) != 0)
			return -1;
		x = config_secrets_read(cfg, &ini, err, errlen);
		ini_free(&ini);
		if (x == NULL)
			return -1;
	}
	if (config_reload_agents(cfg, err, errlen) != 0) {
		config_secrets_free(x);
		return -1;
	}
	if (x != NULL) {
		/* Requests that read the old ones may still use them: they
		 * stay allocated until config_free(), as directories do. */
		x->retired = atomic_load(&cfg->secrets);
		atomic_store(&cfg->secrets, x);
	}
	return 0;
}

const char *
config_access_token(const struct relay_config *cfg, size_t *len)
{
	const struct relay_secrets *x = atomic_load(
	    &((struct relay_config *)cfg)->secrets);

	*len = x ? x->access_token_len : cfg->access_token_len;
	return x ? x->access_token : cfg->access_token;
}

const char *
config_app_secret(const struct relay_config *cfg, size_t *len)
{
	const struct relay_secrets *x = atomic_load(
	    &((struct relay_config *)cfg)->secrets);

	*len = x ? x->app_secret_len : cfg->app_secret_len;
	return x ? x->app_secret : cfg->app_secret;
}

const char *
config_verify_token(const struct relay_config *cfg)
{
	const struct relay_secrets *x = atomic_load(
	    &((struct relay_config *)cfg)->secrets);

	return x ? x->verify_token : cfg->verify_token;
}

void
config_free(struct relay_config *cfg)
{
	struct relay_directory *d, *next;
	struct relay_secrets *x, *xn;

	for (x = atomic_load(&cfg->secrets); x != NULL; x = xn) {
		xn = x->retired;
		config_secrets_free(x);
	}

	FREE_ALL(cfg->path, cfg->host, cfg->metrics_host, cfg->database,
	    cfg->graph_url, cfg->phone_number_id, cfg->display_phone_number,
	    cfg->verify_token, cfg->escalation_command, cfg->csat_question);
	proxy_list_free(&cfg->trusted_proxies);
	config_media_free(cfg);
	if (cfg->access_token != NULL)
		secfile_wipe(cfg->access_token, cfg->access_token_len);
	if (cfg->app_secret != NULL)
		secfile_wipe(cfg->app_secret, cfg->app_secret_len);
	for (d = atomic_load(&cfg->dir); d != NULL; d = next) {
		next = d->retired;
		config_dir_free(d);
	}
	memset(cfg, 0, sizeof *cfg);
}

const struct relay_directory *
config_dir(const struct relay_config *cfg)
{
	return atomic_load(&((struct relay_config *)cfg)->dir);
}

const struct relay_agent *
config_find_agent_by_token(const struct relay_config *cfg, const char *token,
    size_t len)
{
	const struct relay_directory *d = config_dir(cfg);
	const struct relay_agent *found = NULL;
	unsigned char h[32];
	size_t i;

	crypto_hash_sha256(h, (const unsigned char *)token, len);
	/* Compare against every agent so timing says nothing about which. */
	for (i = 0; i < d->n_agents; i++) {
		if (sodium_memcmp(h, d->agents[i].token_hash, 32) == 0 &&
		    found == NULL)
			found = &d->agents[i];
	}
	sodium_memzero(h, sizeof h);
	return found;
}

const struct relay_agent *
config_find_agent(const struct relay_config *cfg, const char *id)
{
	const struct relay_directory *d = config_dir(cfg);

	return vec_find_str(d->agents, d->n_agents, sizeof *d->agents,
	    offsetof(struct relay_agent, id), id);
}

const struct relay_team *
config_find_team(const struct relay_config *cfg, const char *id)
{
	const struct relay_directory *d = config_dir(cfg);

	return vec_find_str(d->teams, d->n_teams, sizeof *d->teams,
	    offsetof(struct relay_team, id), id);
}

const struct relay_number *
config_find_number(const struct relay_config *cfg, const char *id)
{
	const struct relay_directory *d = config_dir(cfg);

	return vec_find_str(d->numbers, d->n_numbers, sizeof *d->numbers,
	    offsetof(struct relay_number, id), id);
}

const struct relay_number *
config_number_by_phone(const struct relay_config *cfg,
    const char *phone_number_id)
{
	const struct relay_directory *d = config_dir(cfg);

	return vec_find_str(d->numbers, d->n_numbers, sizeof *d->numbers,
	    offsetof(struct relay_number, phone_number_id), phone_number_id);
}

const char *
config_number_waba(const struct relay_config *cfg,
    const struct relay_number *n)
{
	return n != NULL && n->waba_id != NULL ? n->waba_id : cfg->waba_id;
}

int
config_agent_has_number(const struct relay_agent *a, const char *id)
{
	size_t i;

	if (a == NULL || a->n_numbers == 0)
		return 1;
	for (i = 0; i < a->n_numbers; i++) {
		if (strcmp(a->numbers[i], id) == 0)
			return 1;
	}
	return 0;
}

const char *
config_number_token(const struct relay_config *cfg, const char *id)
{
	const struct relay_number *n = config_find_number(cfg, id);

	const char *tok;
	size_t len;

	if (n != NULL && n->access_token != NULL)
		return n->access_token;
	/* The default token of the last SIGHUP, not the one read at start. */
	tok = config_access_token(cfg, &len);
	return tok ? tok : "";
}
