/*
 * The team at work (GET /v1/team, supervisors and admins): each agent's
 * online state, open conversations against capacity and oldest waiting
 * conversation, and each team's queue.  The last answer stays in
 * app->roster: it also names agents in system lines ("assigned to Bob").
 *
 * Ownership: roster_parse() fills a struct roster released with
 * roster_free(); app->roster is the app's (roster_forget()).
 */
#ifndef TTYDESK_ROSTER_H
#define TTYDESK_ROSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct app;

struct roster_wait {
	char *conversation;  /* NULL: nobody waits */
	int64_t since;
};

struct roster_agent {
	char *id;
	char *name;          /* sanitized; the id when the relay sent none */
	char role[16];
	char *teams;         /* "tier1, billing" (sanitized) */
	bool online;
	int64_t last_seen;   /* 0 unknown */
	int64_t open;
	int64_t capacity;    /* -1 none */
	struct roster_wait oldest;
};

struct roster_team {
	char *id;
	char mode[16];       /* "round_robin", "balanced", "off" */
	bool open_now;
	int64_t unassigned;
	struct roster_wait oldest;
};

struct roster {
	struct roster_agent *agents;
	size_t n_agents;
	struct roster_team *teams;
	size_t n_teams;
	int64_t at;          /* when it was fetched (app->now) */
};

/* 0, or -1 with err (the roster is then empty). */
int roster_parse(const char *body, size_t len, struct roster *ro, char *err,
    size_t errlen);
void roster_free(struct roster *ro);

/* Fetch the team; done gets status 200 (app->roster then holds the
 * answer) or err. */
typedef void (*roster_done_fn)(struct app *app, void *ud, long status,
    const char *err);
int roster_query(struct app *app, roster_done_fn done, void *ud, char *err,
    size_t errlen);
/* The agent's name as the relay knows it (the roster, or /v1/me for
 * oneself), else the id itself. */
const char *roster_name(const struct app *app, const char *id);
void roster_forget(struct app *app);

#endif
