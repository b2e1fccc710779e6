/*
 * The store commands of ttydesk-relay (migrate.c): each takes the config
 * path, prints to stdout/stderr and returns the process exit code.
 */
#ifndef RELAY_MIGRATE_H
#define RELAY_MIGRATE_H

/* Creates or upgrades the schema; prints the version. */
int migrate_main(const char *config);
/* The whole store as JSON lines on stdout. */
int export_main(const char *config);
/* Loads a dump from stdin into an empty database. */
int import_main(const char *config);
/* backup --config PATH FILE (backup.c). */
int backup_main(const char *config, const char *file);

#endif
