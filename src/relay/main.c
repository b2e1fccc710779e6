/* ttydesk-relay: webhook intake and agent API.  Placeholder until the relay lands. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

static void usage(FILE *f)
{
	fprintf(f, "usage: ttydesk-relay --config PATH\n"
	    "       ttydesk-relay add-agent --config PATH ID --name NAME --teams A,B\n"
	    "       ttydesk-relay --version | --help\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "c:hV", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("ttydesk-relay %s\n", TTYDESK_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	fprintf(stderr, "ttydesk-relay: not built yet\n");
	return 1;
}
