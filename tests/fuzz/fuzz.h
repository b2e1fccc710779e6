/*
 * Shared bits of the fuzz harnesses: reading every string a parser hands
 * back (so ASan sees a dangling or unterminated one) and a loud abort for
 * a broken invariant (libFuzzer and the driver both report it as a crash).
 */
#ifndef TTYDESK_FUZZ_H
#define TTYDESK_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static volatile size_t fuzz_sink;

static inline void
fuzz_str(const char *s)
{
	if (s != NULL)
		fuzz_sink += strlen(s);
}

static inline void
fuzz_bytes(const void *p, size_t len)
{
	const unsigned char *b = p;
	size_t i, sum = 0;

	for (i = 0; i < len; i++)
		sum += b[i];
	fuzz_sink += sum;
}

#define FUZZ_ASSERT(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, \
		    __LINE__, #cond); \
		abort(); \
	} \
} while (0)

#endif
