/*
 * ttydesk-relay add-agent, rotate-token, remove-agent, list-agents: the
 * [agent ID] sections of the configuration file, edited line by line so
 * comments and the order of everything else stay as the operator wrote
 * them.  A changed file replaces the old one whole (rename), with its
 * mode.  The running relay picks the change up on SIGHUP.
 */
#ifndef RELAY_AGENTS_H
#define RELAY_AGENTS_H

/* Each returns the process exit status (0, 1 failure, 2 usage). */
int agents_add(const char *path, const char *id, const char *name,
    const char *teams);
int agents_rotate(const char *path, const char *id);
int agents_remove(const char *path, const char *id);
int agents_list(const char *path);

#endif
