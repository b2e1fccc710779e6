/*
 * Sanitizer and width throughput on three inputs: chat-like ASCII, mixed
 * text (accents, CJK, emoji), and hostile text (escapes and invalid
 * bytes everywhere).  Prints MB/s of process CPU time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_clock.h"
#include "ttydesk/sanitize.h"

#define SIZE (16u << 20)

static char *
fill(const char *const *parts, size_t nparts)
{
	char *buf = malloc(SIZE + 64);
	size_t o = 0, k = 0, n;

	while (o < SIZE) {
		n = strlen(parts[k % nparts]);
		memcpy(buf + o, parts[k % nparts], n);
		o += n;
		k++;
	}
	buf[SIZE] = '\0';
	return buf;
}

static void
bench(const char *name, const char *buf)
{
	double t0, secs;
	size_t total = 0, w;
	int i, reps = 8;
	char *out, *copy;

	t0 = bench_cpu();
	for (i = 0; i < reps; i++) {
		out = sanitize_text(buf, SIZE, 0);
		total += strlen(out);
		free(out);
	}
	secs = bench_cpu() - t0;
	printf("%-24s sanitize_text %8.0f MB/s", name,
	    (double)SIZE * reps / secs / 1e6);
	copy = malloc(SIZE);
	t0 = bench_cpu();
	for (i = 0; i < reps; i++) {
		memcpy(copy, buf, SIZE);
		total += sanitize_buf(copy, SIZE, 0);
	}
	secs = bench_cpu() - t0;
	printf("  sanitize_buf %8.0f MB/s", (double)SIZE * reps / secs / 1e6);
	out = sanitize_text(buf, SIZE, 0);
	t0 = bench_cpu();
	w = text_width(out, strlen(out));
	secs = bench_cpu() - t0;
	printf("  text_width %8.0f MB/s  (%zu)\n",
	    (double)strlen(out) / secs / 1e6, w + total % 2);
	free(out);
	free(copy);
}

int
main(void)
{
	static const char *const ascii[] = {
		"Hi, my order A-1042 has not arrived yet. Can you check? ",
		"Thanks! The tracking number is 1Z999AA10123456784.\n",
		"Sure, let me look that up for you right now. ",
	};
	static const char *const mixed[] = {
		"Bonjour, ma commande n'est pas arrivée. ",
		"\xe4\xbd\xa0\xe5\xa5\xbd\xef\xbc\x8c\xe6\x88\x91\xe7\x9a\x84"
		"\xe8\xae\xa2\xe5\x8d\x95 ",
		"Thanks \xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd \xf0\x9f\x87\xab\xf0\x9f"
		"\x87\xb7 ok\n",
	};
	static const char *const hostile[] = {
		"\x1b[31mred\x1b[0m ", "\x1b]0;title\x07", "a\xcc\x81\xcc\x81\xcc"
		"\x81\xcc\x81\xcc\x81\xcc\x81", "\xe2\x80\xae" "bidi ",
		"\xff\xc0\xaf\xed\xa0\x80 ", "\xc2\x9b" "2J text ",
	};
	char *a = fill(ascii, 3), *m = fill(mixed, 3), *h = fill(hostile, 6);

	bench("mostly ASCII chat", a);
	bench("mixed (accents/CJK/emoji)", m);
	bench("hostile", h);
	free(a);
	free(m);
	free(h);
	return 0;
}
