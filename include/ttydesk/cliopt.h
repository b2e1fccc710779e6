/*
 * Command-line options that take a string, as a table: each option's
 * getopt_long value and the variable its argument goes to.  The option
 * loops of ttydesk and ttydesk-relay keep only the options that do
 * something else in their switch.
 */
#ifndef TTYDESK_CLIOPT_H
#define TTYDESK_CLIOPT_H

#include <stdbool.h>
#include <stddef.h>

struct cliopt_str {
	int val;            /* getopt_long's value for the option */
	const char **dst;   /* where its argument goes */
};

/* Stores arg at the row of val among the n rows: true, or false when val
 * is none of them. */
bool cliopt_take(const struct cliopt_str *rows, size_t n, int val,
    const char *arg);

#endif
