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

struct relay_team {
	char *id;
	char *name;
};

struct relay_agent {
	char *id;
	char *name;
	char **teams;
	size_t n_teams;
	unsigned char token_hash[32];
};

struct relay_directory {
	struct relay_team *teams;
	size_t n_teams;
	struct relay_agent *agents;
	size_t n_agents;
	struct relay_directory *retired;
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
	/* Swapped whole on SIGHUP; old ones stay allocated until config_free()
	 * so a request thread never sees freed memory. */
	struct relay_directory *_Atomic dir;
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

/* Re-read only the [agent] and [team] sections (SIGHUP).  On error cfg is
 * unchanged. */
int config_reload_agents(struct relay_config *cfg, char *err, size_t errlen);

/* The current directory of teams and agents. */
const struct relay_directory *config_dir(const struct relay_config *cfg);
const struct relay_agent *config_find_agent_by_token(
    const struct relay_config *cfg, const char *token, size_t len);
const struct relay_agent *config_find_agent(const struct relay_config *cfg,
    const char *id);
const struct relay_team *config_find_team(const struct relay_config *cfg,
    const char *id);

/* An agent or team id as the loader accepts it: 1 to 64 of a-z A-Z 0-9
 * _ - . (add-agent checks with this too). */
int config_valid_id(const char *id);
/* config_media.c: [media] and the template settings; called by
 * config_load(), freed by config_media_free(). */
struct ini;
int config_media_load(struct relay_config *cfg, const struct ini *ini,
    char *err, size_t errlen);
void config_media_free(struct relay_config *cfg);

/* path relative to the folder of base, malloc'd. */
char *config_resolve_path(const char *base, const char *path);

#endif
