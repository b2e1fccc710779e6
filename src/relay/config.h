/*
 * The relay's configuration (spec/relay-api.md, "Running the relay").
 *
 * Ownership: config_load() fills a struct relay_config that owns every
 * string; config_free() releases it (secrets with secfile_wipe()).
 */
#ifndef RELAY_CONFIG_H
#define RELAY_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "proxyaddr.h"

#define CONFIG_SECRET_MAX 8192
#define CONFIG_SECRET_HDR (CONFIG_SECRET_MAX + 64)

struct hours;

/* [assignment TEAM] mode (config_team.c). */
enum assign_mode {
	ASSIGN_OFF,
	ASSIGN_ROUND_ROBIN,
	ASSIGN_BALANCED,
};

struct relay_team {
	char *id;
	char *name;
	/* [assignment TEAM]: ASSIGN_OFF when the team has no section. */
	enum assign_mode assign_mode;
	int64_t capacity;       /* open conversations per agent, 0: no limit */
	int online_only;
	int64_t reassign_after; /* seconds, 0: never */
	struct hours *hours;    /* [hours TEAM], NULL: always open */
};

/* One WhatsApp business number ([number ID], or "main" from an old
 * config's [whatsapp]). */
struct relay_number {
	char *id;
	char *name;                 /* NULL unless the section names one */
	char *phone_number_id;
	char *display_phone_number;
	char *waba_id;              /* NULL when not configured */
	char *default_team;         /* NULL: new conversations in no team */
	char *access_token;         /* sodium_malloc'd, NULL: the default */
	size_t access_token_len;
};

/* [agent X] role and visibility (spec/relay-api.md, "Roles"). */
enum relay_role { ROLE_AGENT, ROLE_SUPERVISOR, ROLE_ADMIN };
enum relay_visibility { VIS_ALL, VIS_TEAMS };

struct relay_agent {
	char *id;
	char *name;
	char **teams;
	size_t n_teams;
	char **numbers;             /* none: every number */
	size_t n_numbers;
	enum relay_role role;
	enum relay_visibility visibility;
	unsigned char token_hash[32];
};

struct relay_directory {
	struct relay_team *teams;
	size_t n_teams;
	struct relay_agent *agents;
	size_t n_agents;
	struct relay_number *numbers; /* at least one */
	size_t n_numbers;
	struct relay_directory *retired;
};

/* The secrets as a SIGHUP re-read them: replaced whole, never changed. */
struct relay_secrets {
	char *access_token; /* sodium_malloc'd */
	size_t access_token_len;
	char *app_secret;   /* sodium_malloc'd */
	size_t app_secret_len;
	char *verify_token;
	struct relay_secrets *retired;
};

/* [media]: the relay's own copy of inbound media (media_store.c). */
struct relay_media_config {
	char *dir;          /* absolute path */
	int64_t retention;  /* seconds; 0: kept forever */
	uint64_t max_total; /* bytes; 0: no limit */
	char **hosts;       /* download_hosts patterns ("*.fbsbx.com") */
	size_t n_hosts;
};

struct relay_config {
	char *path;        /* the config file itself */
	char *host;        /* listen address */
	unsigned short port;
	char *metrics_host; /* [relay] metrics_listen, NULL: none */
	unsigned short metrics_port;
	char *database;    /* absolute or as given when a URI */
	size_t max_body;
	size_t max_body_total; /* bodies in memory, all connections */
	unsigned max_conns_per_address; /* untrusted peers; 0: no limit */
	long request_timeout; /* seconds to receive a request; 0: none */
	size_t media_max;
	char *graph_url;
	char *phone_number_id;
	char *display_phone_number;
	char *access_token; /* sodium_malloc'd */
	size_t access_token_len;
	char *app_secret;   /* sodium_malloc'd */
	size_t app_secret_len;
	char *verify_token;
	char *escalation_command;
	long escalation_timeout;   /* seconds before the hook is killed */
	unsigned escalation_max_running; /* hooks at once */
	/* Swapped whole on SIGHUP; old ones stay allocated until config_free()
	 * so a request thread never sees freed memory. */
	struct relay_directory *_Atomic dir;
	/* After a SIGHUP, the secrets read then (kept like dir); before,
	 * NULL and the fields above hold them.  Use config_secret_*(). */
	struct relay_secrets *_Atomic secrets;
	int64_t sla_first;  /* seconds, 0 when none */
	int64_t sla_next;
	int64_t sla_first_prio[3];
	int64_t sla_next_prio[3];
	long send_timeout;  /* seconds, Graph request timeout */
	unsigned threads;   /* HTTP threads */
	unsigned auth_fail_limit; /* failed bearer tokens per address and */
	long auth_fail_window;    /* window (seconds) before 429; 0: off */
	struct proxy_list trusted_proxies; /* whose X-Forwarded-For counts */
	int csat;           /* [csat] enabled */
	char *csat_question;
	struct relay_media_config media;
	char *waba_id;            /* [whatsapp] waba_id, NULL when none */
	int64_t template_refresh; /* seconds between template listings */
};

/* Returns 0, or -1 with the reason in err.  With secrets == 0 the access
 * token and app secret files are not read (add-agent does not need them). */
int config_load(const char *path, int secrets, struct relay_config *cfg,
    char *err, size_t errlen);
void config_free(struct relay_config *cfg);
/* config_load for the ttydesk-relay commands (add-agent, export, report,
 * ...): no secrets, the reason on stderr.  0, or -1. */
int config_load_cmd(const char *path, struct relay_config *cfg);

/* Re-read the [agent], [team] and [number] sections (SIGHUP), number
 * tokens included.  On error cfg is unchanged. */
int config_reload_agents(struct relay_config *cfg, char *err, size_t errlen);

/* Re-read agents, teams and the secrets (access token, app secret,
 * verify token) for SIGHUP.  On error nothing changes. */
int config_reload(struct relay_config *cfg, char *err, size_t errlen);
/* The current secrets (after the last reload). */
const char *config_access_token(const struct relay_config *cfg, size_t *len);
const char *config_app_secret(const struct relay_config *cfg, size_t *len);
const char *config_verify_token(const struct relay_config *cfg);

/* The current directory of teams and agents. */
const struct relay_directory *config_dir(const struct relay_config *cfg);
const struct relay_agent *config_find_agent_by_token(
    const struct relay_config *cfg, const char *token, size_t len);
const struct relay_agent *config_find_agent(const struct relay_config *cfg,
    const char *id);
const struct relay_team *config_find_team(const struct relay_config *cfg,
    const char *id);

/* The number with this id, or with this phone_number_id; NULL when none
 * (valid until config_free()). */
const struct relay_number *config_find_number(const struct relay_config *cfg,
    const char *id);
const struct relay_number *config_number_by_phone(
    const struct relay_config *cfg, const char *phone_number_id);
/* The WhatsApp Business Account whose templates number n sends: its
 * waba_id, else [whatsapp] waba_id (n NULL: that one); NULL when none. */
const char *config_number_waba(const struct relay_config *cfg,
    const struct relay_number *n);
/* Whether an agent may see the conversations of number id. */
int config_agent_has_number(const struct relay_agent *a, const char *id);
/* Supervisors and admins: assign to others, large bulk, reports. */
int config_agent_supervises(const struct relay_agent *a);
/* The names of a role and a visibility ("agent", "teams"...). */
const char *config_role_name(enum relay_role role);
const char *config_visibility_name(enum relay_visibility v);
/* The token for number id's requests: its own, else the default. */
const char *config_number_token(const struct relay_config *cfg,
    const char *id);

/* "a, b ,c" into a malloc'd array of trimmed, non-empty strings (*out
 * NULL and *n 0 for none); -1 when out of memory. */
int config_split_list(const char *s, char ***out, size_t *n);

/* An agent or team id as the loader accepts it: 1 to 64 of a-z A-Z 0-9
 * _ - . (add-agent checks with this too). */
int config_valid_id(const char *id);
/* config_media.c: [media] and the template settings; called by
 * config_load(), freed by config_media_free(). */
struct ini;
int config_media_load(struct relay_config *cfg, const struct ini *ini,
    char *err, size_t errlen);
void config_media_free(struct relay_config *cfg);

/* config_team.c: the [assignment TEAM] and [hours TEAM] sections into
 * d's teams (a section of a team that does not exist is an error);
 * 0, or -1 with "PATH:LINE: ..." in err. */
struct relay_directory;
int config_team_load(struct relay_directory *d, const struct ini *ini,
    const char *path, char *err, size_t errlen);
void config_team_free(struct relay_team *t);
const char *config_assign_mode_name(enum assign_mode m);

/* path relative to the folder of base, malloc'd. */
char *config_resolve_path(const char *base, const char *path);

#endif
