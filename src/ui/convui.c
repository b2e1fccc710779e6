/* Per-conversation UI state in a small open-addressing hash map. */
#include <stdlib.h>
#include <string.h>

#include "ttydesk/freeall.h"
#include "ttydesk/sanitize.h"
#include "ttydesk/vec.h"
#include "convui.h"

struct convmap {
	struct convui **slots;
	size_t cap;  /* power of two */
	size_t n;
};

static uint64_t
convmap_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */

	while (*s != '\0') {
		h ^= (unsigned char)*s++;
		h *= 1099511628211ull;
	}
	return h;
}

struct convmap *
convmap_new(void)
{
	struct convmap *m = calloc(1, sizeof *m);

	if (m == NULL)
		return NULL;
	m->cap = 64;
	if ((m->slots = calloc(m->cap, sizeof *m->slots)) == NULL) {
		free(m);
		return NULL;
	}
	return m;
}

void
convui_free_lines(struct convui *cu)
{
	vec_free(&cu->extras, &cu->n_extras, sizeof *cu->extras,
	    aline_free_item);
	free(cu->lines);  /* views: the text belongs to blocks and extras */
	FREE_ALL(cu->msg_of, cu->first_line, cu->last_line);
	cu->lines = NULL;
	cu->msg_of = NULL;
	cu->first_line = cu->last_line = NULL;
	cu->n_lines = cu->n_msgs = 0;
	cu->built_width = 0;
}

void
convui_free_built(struct convui *cu)
{
	size_t i, k;

	convui_free_lines(cu);
	for (i = 0; i < cu->n_blocks; i++) {
		for (k = 0; k < cu->blocks[i].n; k++)
			aline_free(&cu->blocks[i].lines[k]);
		free(cu->blocks[i].lines);
	}
	free(cu->blocks);
	cu->blocks = NULL;
	cu->n_blocks = 0;
}

static void
convui_free(struct convui *cu)
{
	size_t i;

	convui_free_built(cu);
	for (i = 0; i < cu->n_sys; i++)
		free(cu->sys[i].text);
	free(cu->sys);
	free(cu->id);
	free(cu);
}

void
convmap_free(struct convmap *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->cap; i++) {
		if (m->slots[i] != NULL)
			convui_free(m->slots[i]);
	}
	free(m->slots);
	free(m);
}

struct convui *
convmap_find(const struct convmap *m, const char *id)
{
	size_t i = (size_t)convmap_hash(id) & (m->cap - 1);

	while (m->slots[i] != NULL) {
		if (strcmp(m->slots[i]->id, id) == 0)
			return m->slots[i];
		i = (i + 1) & (m->cap - 1);
	}
	return NULL;
}

static int
convmap_grow(struct convmap *m)
{
	struct convui **old = m->slots;
	size_t oldcap = m->cap, i, j;

	if ((m->slots = calloc(oldcap * 2, sizeof *m->slots)) == NULL) {
		m->slots = old;
		return -1;
	}
	m->cap = oldcap * 2;
	for (i = 0; i < oldcap; i++) {
		if (old[i] == NULL)
			continue;
		j = (size_t)convmap_hash(old[i]->id) & (m->cap - 1);
		while (m->slots[j] != NULL)
			j = (j + 1) & (m->cap - 1);
		m->slots[j] = old[i];
	}
	free(old);
	return 0;
}

struct convui *
convmap_get(struct convmap *m, const char *id)
{
	struct convui *cu = convmap_find(m, id);
	size_t i;

	if (cu != NULL)
		return cu;
	if ((m->n + 1) * 2 > m->cap && convmap_grow(m) != 0)
		return NULL;
	if ((cu = calloc(1, sizeof *cu)) == NULL)
		return NULL;
	if ((cu->id = strdup(id)) == NULL) {
		free(cu);
		return NULL;
	}
	cu->sel = -1;
	i = (size_t)convmap_hash(id) & (m->cap - 1);
	while (m->slots[i] != NULL)
		i = (i + 1) & (m->cap - 1);
	m->slots[i] = cu;
	m->n++;
	return cu;
}

void
convmap_invalidate_all(struct convmap *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++) {
		if (m->slots[i] != NULL)
			m->slots[i]->built_width = 0;
	}
}

void
convui_invalidate(struct convui *cu)
{
	cu->built_width = 0;
}

int
convui_add_sys(struct convui *cu, int64_t ts, int64_t seq, const char *text)
{
	struct sysline *ns;
	char *t;
	size_t i;

	if ((t = sanitize_text(text, strlen(text), SANITIZE_SINGLE_LINE)) == NULL)
		return -1;
	/* An event seen twice (cache replay, then the relay again) adds
	 * its lines once. */
	for (i = 0; i < cu->n_sys; i++) {
		if (cu->sys[i].seq == seq && strcmp(cu->sys[i].text, t) == 0) {
			free(t);
			return 0;
		}
	}
	if ((ns = realloc(cu->sys, (cu->n_sys + 1) * sizeof *ns)) == NULL) {
		free(t);
		return -1;
	}
	cu->sys = ns;
	/* Keep them in seq order (events usually come in order). */
	i = cu->n_sys;
	while (i > 0 && cu->sys[i - 1].seq > seq) {
		cu->sys[i] = cu->sys[i - 1];
		i--;
	}
	cu->sys[i].ts = ts;
	cu->sys[i].seq = seq;
	cu->sys[i].text = t;
	cu->n_sys++;
	cu->built_width = 0;
	return 0;
}
