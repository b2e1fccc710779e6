/* ttydesk: the agent's terminal inbox.  Placeholder until the TUI lands. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

static void usage(FILE *f)
{
	fprintf(f, "usage: ttydesk [--config PATH] [--profile NAME]\n"
	    "       ttydesk keygen PATH\n"
	    "       ttydesk --version | --help\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"profile", required_argument, NULL, 'p'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "c:p:hV", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
		case 'p':
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("ttydesk %s\n", TTYDESK_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	fprintf(stderr, "ttydesk: the terminal interface is not built yet\n");
	return 1;
}
