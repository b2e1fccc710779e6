/*
 * ttydesk-relay report --config PATH --from DATE --to DATE [--by ...]
 * [--csv | --json] (report_cli.c).
 */
#ifndef RELAY_REPORT_CLI_H
#define RELAY_REPORT_CLI_H

/* argv[0] is "report"; returns the process exit code (2: bad usage). */
int report_main(int argc, char **argv);

#endif
