/*
 * How many webhook bodies per second wa_parse_webhook() reads: a
 * one-message text body (the common case), a one-status body, and the
 * whole corpus in turn.  Prints figures; never passes or fails.
 */
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ttydesk/wa.h"

static const char text_body[] =
    "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":"
    "\"102290129340398\",\"changes\":[{\"field\":\"messages\",\"value\":{"
    "\"messaging_product\":\"whatsapp\",\"metadata\":{\"display_phone_number\":"
    "\"15550783881\",\"phone_number_id\":\"106540352242922\"},\"contacts\":[{"
    "\"profile\":{\"name\":\"Sheena Nelson\"},\"wa_id\":\"16505551234\","
    "\"user_id\":\"US.13491208655302741918\"}],\"messages\":[{\"from\":"
    "\"16505551234\",\"id\":\"wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEz"
    "NDdFODU3MUMxMAA=\",\"timestamp\":\"1749416383\",\"type\":\"text\","
    "\"text\":{\"body\":\"Does it come in another color?\"}}]}}]}]}";

static const char status_body[] =
    "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1022\","
    "\"changes\":[{\"field\":\"messages\",\"value\":{\"messaging_product\":"
    "\"whatsapp\",\"metadata\":{\"display_phone_number\":\"15550783881\","
    "\"phone_number_id\":\"106540352242922\"},\"statuses\":[{\"id\":"
    "\"wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=\","
    "\"status\":\"delivered\",\"timestamp\":\"1750263773\",\"recipient_id\":"
    "\"16505551234\",\"conversation\":{\"id\":\"c1\",\"origin\":{\"type\":"
    "\"service\"}},\"pricing\":{\"billable\":true,\"pricing_model\":\"PMP\","
    "\"category\":\"service\"}}]}}]}]}";

/* CPU time of this process, not wall time: the build machine is shared,
 * and the codec's cost is what we want to see. */
static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Parse the bodies round-robin for about secs seconds. */
static void
run(const char *label, char **bodies, size_t *lens, size_t n, double secs)
{
	struct wa_webhook w;
	size_t parses = 0, items = 0, bytes = 0, i;
	char err[256];
	double start = now(), t;

	do {
		for (i = 0; i < n; i++) {
			if (wa_parse_webhook(bodies[i], lens[i], &w, err,
			    sizeof err) != 0) {
				fprintf(stderr, "%s: %s\n", label, err);
				return;
			}
			items += w.n_items;
			bytes += lens[i];
			parses++;
			wa_webhook_free(&w);
		}
		t = now() - start;
	} while (t < secs);
	printf("%-24s %10.0f bodies/s  %10.0f items/s  %7.1f MB/s  "
	    "%6.2f us/body\n", label, (double)parses / t, (double)items / t,
	    (double)bytes / t / 1e6, t / (double)parses * 1e6);
}

/* The floor under any jansson-based codec: json_loadb() alone. */
static void
run_jansson(const char *body, size_t len, double secs)
{
	size_t parses = 0, i;
	double start = now(), t;
	json_t *root;

	do {
		for (i = 0; i < 1000; i++) {
			root = json_loadb(body, len, 0, NULL);
			json_decref(root);
		}
		parses += 1000;
		t = now() - start;
	} while (t < secs);
	printf("%-24s %10.0f bodies/s  (json_loadb + json_decref only)\n",
	    "  jansson alone", (double)parses / t);
}

static size_t
load_corpus(const char *dir, char **bodies, size_t *lens, size_t max)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	size_t n = 0, l;
	char path[4096];
	FILE *f;
	long size;

	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL && n < max) {
		l = strlen(de->d_name);
		if (l < 6 || strcmp(de->d_name + l - 5, ".json") != 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if ((f = fopen(path, "rb")) == NULL)
			continue;
		fseek(f, 0, SEEK_END);
		size = ftell(f);
		rewind(f);
		if (size > 0 && (bodies[n] = malloc((size_t)size)) != NULL &&
		    fread(bodies[n], 1, (size_t)size, f) == (size_t)size)
			lens[n++] = (size_t)size;
		fclose(f);
	}
	closedir(d);
	return n;
}

int
main(int argc, char **argv)
{
	const char *dir = getenv("TTYDESK_CORPUS_DIR");
	double secs = argc > 1 ? atof(argv[1]) : 2.0;
	char *one[1], *corpus[256];
	size_t len[1], clens[256], n, i;

	if (dir == NULL)
		dir = TTYDESK_SOURCE_DIR "/tests/corpus/webhooks";
	printf("bench_wa: wa_parse_webhook(), %.1f CPU-seconds per case "
	    "(rates per CPU-second, one thread)\n", secs);
	one[0] = (char *)text_body;
	len[0] = sizeof text_body - 1;
	run("one text message", one, len, 1, secs);
	run_jansson(text_body, sizeof text_body - 1, secs);
	one[0] = (char *)status_body;
	len[0] = sizeof status_body - 1;
	run("one status", one, len, 1, secs);
	n = load_corpus(dir, corpus, clens, 256);
	if (n != 0) {
		char label[64];

		snprintf(label, sizeof label, "corpus (%zu files)", n);
		run(label, corpus, clens, n, secs);
	}
	for (i = 0; i < n; i++)
		free(corpus[i]);
	return 0;
}
