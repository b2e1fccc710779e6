/*
 * Agent management on the configuration file (agents.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "ttydesk/ini.h"

#include "agents.h"
#include "config.h"

#define AGENTS_FILE_MAX (4 * 1024 * 1024)

/* A name or team list must stay one INI value: no line breaks or control
 * bytes, nothing the parser reads as a comment or a section. */
static bool
agents_valid_value(const char *s)
{
	const char *p;

	if (s == NULL || *s == '\0' || strlen(s) > 200)
		return false;
	for (p = s; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '#' ||
		    *p == ';' || *p == '[' || *p == ']')
			return false;
	}
	return true;
}

/* "a, b" where every team is a valid id, as the loader wants it. */
static bool
agents_valid_teams(const char *teams)
{
	char **v;
	size_t n, i;
	bool ok = true;

	if (teams == NULL || *teams == '\0')
		return true;
	if (!agents_valid_value(teams) || config_split_list(teams, &v, &n) != 0)
		return false;
	for (i = 0; i < n; i++) {
		ok = ok && config_valid_id(v[i]);
		free(v[i]);
	}
	free(v);
	return ok;
}

static char *
agents_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (f == NULL)
		goto fail;
	for (;;) {
		if (n + 1 >= cap) {
			char *nb;

			cap = cap ? cap * 2 : 8192;
			if (cap > AGENTS_FILE_MAX || (nb = realloc(buf, cap)) ==
			    NULL) {
				errno = EFBIG;
				goto fail;
			}
			buf = nb;
		}
		if ((r = fread(buf + n, 1, cap - n - 1, f)) == 0)
			break;
		n += r;
	}
	if (ferror(f))
		goto fail;
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
fail:
	fprintf(stderr, "ttydesk-relay: %s: %s\n", path, strerror(errno));
	if (f != NULL)
		fclose(f);
	free(buf);
	return NULL;
}

/* The new text replaces the file whole: a crash leaves the old or the
 * new file, never half of one. */
static int
agents_write(const char *path, const char *text, size_t len)
{
	struct stat st;
	char *tmp = NULL;
	int fd = -1;

	if (stat(path, &st) != 0 || asprintf(&tmp, "%s.tmp.%ld", path,
	    (long)getpid()) < 0) {
		tmp = NULL;
		goto fail;
	}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    st.st_mode & 07777)) < 0)
		goto fail;
	/* Owner and group too: the relay's user reads it through its group
	 * (root:ttydesk-relay 0640 in the deployment guide). */
	if (fchown(fd, st.st_uid, st.st_gid) != 0 && (st.st_uid != geteuid() ||
	    errno != EPERM))
		goto fail;
	if (fchmod(fd, st.st_mode & 07777) != 0 ||
	    write(fd, text, len) != (ssize_t)len || fsync(fd) != 0)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		goto fail;
	free(tmp);
	return 0;
fail:
	fprintf(stderr, "ttydesk-relay: %s: %s\n", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	if (tmp != NULL)
		unlink(tmp);
	free(tmp);
	return -1;
}

/* The byte range of [agent id]: from its header line to the next
 * header (or the end).  -1 when absent, -2 when the header is there
 * more than once: the loader merges such sections, so editing one of
 * them could leave the token that counts in the other. */
static int
agents_find(const char *text, size_t len, const char *id, size_t *start,
    size_t *end)
{
	char want[128], name[256];
	size_t p = 0, nl;
	int found = 0;
	bool in = false;

	snprintf(want, sizeof want, "agent %s", id);
	*end = len;
	while (p < len) {
		const char *e = memchr(text + p, '\n', len - p);

		nl = e ? (size_t)(e - text) + 1 : len;
		if (ini_header(text + p, nl - p - (e ? 1 : 0), name,
		    sizeof name)) {
			if (in)
				*end = p;
			in = strcmp(name, want) == 0;
			if (in && found++ == 0)
				*start = p;
		}
		p = nl;
	}
	return found == 0 ? -1 : found > 1 ? -2 : 0;
}

/* A fresh token on stdout's behalf, its SHA-256 in hex. */
static void
agents_token(char token[65], char hex[65])
{
	unsigned char rnd[32], hash[32];

	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(token, 65, rnd, sizeof rnd);
	crypto_hash_sha256(hash, (unsigned char *)token, strlen(token));
	sodium_bin2hex(hex, 65, hash, sizeof hash);
	sodium_memzero(rnd, sizeof rnd);
}

/* What a command held: the token wiped, the texts and the configuration
 * freed.  Returns rc. */
static int
agents_end(int rc, char token[65], char *text, char *out,
    struct relay_config *cfg)
{
	sodium_memzero(token, 65);
	free(text);
	free(out);
	config_free(cfg);
	return rc;
}

int
agents_add(const char *path, const char *id, const char *name,
    const char *teams)
{
	struct relay_config cfg;
	char token[65], hex[65], *text = NULL, *out = NULL;
	size_t len;
	int n, rc = 1;

	if (!config_valid_id(id)) {
		fprintf(stderr, "ttydesk-relay: add-agent: '%s' is not an agent "
		    "id: 1 to 64 of a-z A-Z 0-9 _ - .\n", id);
		return 2;
	}
	if (!agents_valid_value(name) || !agents_valid_teams(teams)) {
		fprintf(stderr, "ttydesk-relay: add-agent: NAME must be one line "
		    "without # ; [ ]; TEAMS a comma-separated list of team ids\n");
		return 2;
	}
	if (config_load_cmd(path, &cfg) != 0)
		return 1;
	if (config_find_agent(&cfg, id) != NULL) {
		fprintf(stderr, "ttydesk-relay: agent %s already exists in %s\n",
		    id, path);
		goto out;
	}
	if ((text = agents_read(path, &len)) == NULL)
		goto out;
	agents_token(token, hex);
	n = asprintf(&out, "%s%s\n[agent %s]\nname = %s\nteams = %s\n"
	    "token_sha256 = %s\n", text, len > 0 && text[len - 1] != '\n' ?
	    "\n" : "", id, name, teams ? teams : "", hex);
	if (n < 0) {
		out = NULL;
		goto out;
	}
	if (agents_write(path, out, (size_t)n) != 0)
		goto out;
	printf("%s\n", token);
	fprintf(stderr, "agent %s added to %s; the token above is shown only "
	    "once\n", id, path);
	rc = 0;
out:
	return agents_end(rc, token, text, out, &cfg);
}

/* The section of id with its token_sha256 line replaced (or added). */
static char *
agents_with_hash(const char *text, size_t len, size_t start, size_t end,
    const char *hex, size_t *outlen)
{
	size_t p, nl, cut_at = 0, cut_end = 0, ins;
	char line[128], *out;
	bool found = false;
	int n;

	/* The header line ends the first line of the section. */
	ins = start;
	while (ins < end && text[ins] != '\n')
		ins++;
	if (ins < end)
		ins++;
	for (p = ins; p < end; p = nl) {
		const char *e = memchr(text + p, '\n', end - p);
		const char *k = text + p;

		nl = e ? (size_t)(e - text) + 1 : end;
		while (k < text + nl && (*k == ' ' || *k == '\t'))
			k++;
		if ((size_t)(text + nl - k) > 12 &&
		    strncmp(k, "token_sha256", 12) == 0 &&
		    strspn(k + 12, " \t") + 12 < (size_t)(text + nl - k) &&
		    k[12 + strspn(k + 12, " \t")] == '=') {
			found = true;
			cut_at = p;
			cut_end = nl;
		}
	}
	n = snprintf(line, sizeof line, "token_sha256 = %s\n", hex);
	if (!found) {
		cut_at = cut_end = ins;
		if (ins > 0 && text[ins - 1] != '\n')
			n = snprintf(line, sizeof line, "\ntoken_sha256 = %s\n",
			    hex);
	}
	if ((out = malloc(len - (cut_end - cut_at) + (size_t)n + 1)) == NULL)
		return NULL;
	memcpy(out, text, cut_at);
	memcpy(out + cut_at, line, (size_t)n);
	memcpy(out + cut_at + (size_t)n, text + cut_end, len - cut_end);
	*outlen = cut_at + (size_t)n + len - cut_end;
	out[*outlen] = '\0';
	return out;
}

static int
agents_edit(const char *path, const char *id, bool rotate)
{
	struct relay_config cfg;
	char token[65], hex[65], *text = NULL, *out = NULL;
	size_t len, start, end, outlen;
	int found, rc = 1;

	memset(token, 0, sizeof token);
	if (!config_valid_id(id)) {
		fprintf(stderr, "ttydesk-relay: '%s' is not an agent id\n", id);
		return 2;
	}
	if (config_load_cmd(path, &cfg) != 0)
		return 1;
	if ((text = agents_read(path, &len)) == NULL)
		goto out;
	if (config_find_agent(&cfg, id) == NULL ||
	    (found = agents_find(text, len, id, &start, &end)) == -1) {
		fprintf(stderr, "ttydesk-relay: no agent %s in %s\n", id, path);
		goto out;
	}
	if (found != 0) {
		fprintf(stderr, "ttydesk-relay: [agent %s] is in %s more than "
		    "once; merge them into one section first\n", id, path);
		goto out;
	}
	if (rotate) {
		agents_token(token, hex);
		if ((out = agents_with_hash(text, len, start, end, hex,
		    &outlen)) == NULL)
			goto out;
	} else {
		memmove(text + start, text + end, len - end);
		outlen = len - (end - start);
		out = text;
		text = NULL;
	}
	if (agents_write(path, out, outlen) != 0)
		goto out;
	/* Only the token on stdout: scripts read it from there. */
	if (rotate)
		printf("%s\n", token);
	else
		fprintf(stderr, "agent %s removed from %s\n", id, path);
	rc = 0;
out:
	return agents_end(rc, token, text, out, &cfg);
}

int
agents_rotate(const char *path, const char *id)
{
	return agents_edit(path, id, true);
}

int
agents_remove(const char *path, const char *id)
{
	return agents_edit(path, id, false);
}

int
agents_list(const char *path)
{
	struct relay_config cfg;
	const struct relay_directory *d;
	size_t i, j;

	if (config_load_cmd(path, &cfg) != 0)
		return 1;
	d = config_dir(&cfg);
	for (i = 0; i < d->n_agents; i++) {
		printf("%s\t%s\t", d->agents[i].id, d->agents[i].name);
		for (j = 0; j < d->agents[i].n_teams; j++)
			printf("%s%s", j ? "," : "", d->agents[i].teams[j]);
		printf("\n");
	}
	config_free(&cfg);
	return 0;
}
