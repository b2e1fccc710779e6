/*
 * The per-team policy sections of the relay config: [assignment TEAM]
 * (automatic assignment) and [hours TEAM] (business hours).  They live in
 * the team entries of the directory, so a SIGHUP reloads them with the
 * agents and teams.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/ini.h"

#include "config.h"
#include "hours.h"

void
config_team_free(struct relay_team *t)
{
	free(t->id);
	free(t->name);
	hours_free(t->hours);
}

const char *
config_assign_mode_name(enum assign_mode m)
{
	switch (m) {
	case ASSIGN_ROUND_ROBIN:
		return "round_robin";
	case ASSIGN_BALANCED:
		return "balanced";
	case ASSIGN_OFF:
		break;
	}
	return "off";
}

static struct relay_team *
config_team_named(struct relay_directory *d, const char *id)
{
	size_t i;

	for (i = 0; i < d->n_teams; i++) {
		if (strcmp(d->teams[i].id, id) == 0)
			return &d->teams[i];
	}
	return NULL;
}

/* One key of [assignment TEAM]; 0, or -1 with what is wrong in err. */
static int
config_assign_key(struct relay_team *t, const char *key, const char *v,
    char *err, size_t errlen)
{
	long long n;
	int b;

	if (strcmp(key, "mode") == 0) {
		if (strcmp(v, "off") == 0)
			t->assign_mode = ASSIGN_OFF;
		else if (strcmp(v, "round_robin") == 0)
			t->assign_mode = ASSIGN_ROUND_ROBIN;
		else if (strcmp(v, "balanced") == 0)
			t->assign_mode = ASSIGN_BALANCED;
		else
			goto bad;
		return 0;
	}
	if (strcmp(key, "capacity") == 0) {
		char *end;

		n = strtoll(v, &end, 10);
		if (*v == '\0' || *end != '\0' || n < 0 || n > 100000)
			goto bad;
		t->capacity = n;
		return 0;
	}
	if (strcmp(key, "online_only") == 0) {
		if ((b = ini_parse_bool(v)) < 0)
			goto bad;
		t->online_only = b;
		return 0;
	}
	if (strcmp(key, "reassign_after") == 0) {
		if ((n = ini_parse_duration(v)) < 0)
			goto bad;
		t->reassign_after = n;
		return 0;
	}
	snprintf(err, errlen, "unknown key '%s' (mode, capacity, online_only, "
	    "reassign_after)", key);
	return -1;
bad:
	snprintf(err, errlen, "%s: bad value '%s' (mode: off, round_robin or "
	    "balanced; capacity: a count, 0 for no limit; online_only: yes or "
	    "no; reassign_after: a duration like 30m, 0 for never)", key, v);
	return -1;
}

/* Every entry of section sec through one key function. */
static int
config_team_section(struct relay_team *t, const struct ini *ini,
    const char *sec, const char *path, char *err, size_t errlen)
{
	char why[512];
	size_t i;
	int hours = strncmp(sec, "hours ", 6) == 0, line = 0;
	struct hours *h;

	for (i = 0; i < ini->n; i++) {
		const struct ini_entry *e = &ini->entries[i];

		if (strcmp(e->section, sec) != 0)
			continue;
		line = e->line;
		why[0] = '\0';
		if (!hours) {
			if (config_assign_key(t, e->key, e->value, why,
			    sizeof why) != 0)
				goto fail;
			continue;
		}
		if ((h = hours_parse_line(t->hours, e->key, e->value, why,
		    sizeof why)) == NULL)
			goto fail;
		t->hours = h;
	}
	if (hours && t->hours == NULL && (t->hours = hours_parse_line(NULL,
	    "sun", "closed", why, sizeof why)) == NULL)
		goto fail;
	if (hours && hours_check(t->hours, why, sizeof why) != 0)
		goto fail;
	return 0;
fail:
	snprintf(err, errlen, "%s:%d: [%s] %s", path, line, sec, why);
	return -1;
}

int
config_team_load(struct relay_directory *d, const struct ini *ini,
    const char *path, char *err, size_t errlen)
{
	struct relay_team *t;
	const char *sec, *id;
	size_t i;

	for (i = 0; i < ini->n_sections; i++) {
		sec = ini->sections[i];
		if (strncmp(sec, "assignment ", 11) == 0)
			id = sec + 11;
		else if (strncmp(sec, "hours ", 6) == 0)
			id = sec + 6;
		else
			continue;
		if ((t = config_team_named(d, id)) == NULL) {
			snprintf(err, errlen, "%s: [%s]: no team '%s' (no [team %s] "
			    "section and no agent in it)", path, sec, id, id);
			return -1;
		}
		if (config_team_section(t, ini, sec, path, err, errlen) != 0)
			return -1;
	}
	return 0;
}
