/*
 * Sealed records (docs/cache-format.md, "Record framing"): sealing one, and
 * scanning a whole log or snapshot file, which authenticates every record
 * and tells a torn tail (a crash mid-append) from damage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "store.h"

static const char magic_log[8] = { 'T', 'T', 'Y', 'D', 'L', 'O', 'G', 0 };
static const char magic_snap[8] = { 'T', 'T', 'Y', 'D', 'S', 'N', 'A', 'P' };
#define AD_SIZE (STORE_FHDR_SIZE + 8 + 1 + 4)

void
store_fhdr_make(uint8_t fhdr[STORE_FHDR_SIZE], bool snapshot,
    const uint8_t cache_id[STORE_ID_BYTES], const uint8_t link[STORE_ID_BYTES])
{
	memset(fhdr, 0, STORE_FHDR_SIZE);
	memcpy(fhdr, snapshot ? magic_snap : magic_log, 8);
	store_put_u32(fhdr + 8, STORE_VERSION);
	memcpy(fhdr + 16, cache_id, STORE_ID_BYTES);
	randombytes_buf(fhdr + 32, STORE_ID_BYTES);
	if (link != NULL)
		memcpy(fhdr + 48, link, STORE_ID_BYTES);
}

static void
store_hcheck(const uint8_t *fhdr, uint64_t recno, const uint8_t *frame,
    uint8_t out[4])
{
	crypto_generichash_state st;
	uint8_t n[8];

	store_put_u64(n, recno);
	crypto_generichash_init(&st, NULL, 0, 4);
	crypto_generichash_update(&st, fhdr + 32, STORE_ID_BYTES);
	crypto_generichash_update(&st, n, sizeof n);
	crypto_generichash_update(&st, frame, 8);
	crypto_generichash_final(&st, out, 4);
}

static void
store_ad(uint8_t ad[AD_SIZE], const uint8_t *fhdr, uint64_t recno,
    uint8_t type, uint32_t len)
{
	memcpy(ad, fhdr, STORE_FHDR_SIZE);
	store_put_u64(ad + STORE_FHDR_SIZE, recno);
	ad[STORE_FHDR_SIZE + 8] = type;
	store_put_u32(ad + STORE_FHDR_SIZE + 9, len);
}

int
store_seal(struct buf *b, const uint8_t fhdr[STORE_FHDR_SIZE],
    uint64_t recno, uint8_t type, const uint8_t key[32])
{
	uint8_t ad[AD_SIZE];
	uint8_t *f;
	size_t ptlen;
	uint32_t len;

	if (b->len < STORE_FRAME_SIZE ||
	    b->len - STORE_FRAME_SIZE > STORE_MAX_PLAIN)
		return -1;
	ptlen = b->len - STORE_FRAME_SIZE;
	if (buf_reserve(b, STORE_TAG_BYTES) != 0)
		return -1;
	f = (uint8_t *)b->s;
	len = (uint32_t)(ptlen + STORE_TAG_BYTES);
	store_put_u32(f, len);
	f[4] = type;
	f[5] = f[6] = f[7] = 0;
	store_hcheck(fhdr, recno, f, f + 8);
	randombytes_buf(f + 12, STORE_NONCE_BYTES);
	store_ad(ad, fhdr, recno, type, len);
	crypto_aead_xchacha20poly1305_ietf_encrypt(f + STORE_FRAME_SIZE, NULL,
	    f + STORE_FRAME_SIZE, ptlen, ad, sizeof ad, NULL, f + 12, key);
	b->len += STORE_TAG_BYTES;
	return 0;
}

static bool
store_all_zero(const uint8_t *p, size_t len)
{
	while (len > 0 && *p == 0) {
		p++;
		len--;
	}
	return len == 0;
}

static int
store_scan_fhdr(const char *name, bool snapshot, const uint8_t *buf,
    size_t size, const uint8_t cache_id[STORE_ID_BYTES], char *err,
    size_t errlen)
{
	if (size < STORE_FHDR_SIZE) {
		snprintf(err, errlen, "%s: file header truncated at offset %zu",
		    name, size);
		return CACHE_CORRUPT;
	}
	if (memcmp(buf, snapshot ? magic_snap : magic_log, 8) != 0 ||
	    store_get_u32(buf + 8) != STORE_VERSION ||
	    store_get_u32(buf + 12) != 0) {
		snprintf(err, errlen, "%s: bad file header at offset 0", name);
		return CACHE_CORRUPT;
	}
	if (sodium_memcmp(buf + 16, cache_id, STORE_ID_BYTES) != 0) {
		snprintf(err, errlen, "%s: belongs to another cache (cache id "
		    "at offset 16)", name);
		return CACHE_CORRUPT;
	}
	return CACHE_OK;
}

/* Record order rules: BEGIN first, END last and only in a snapshot. */
static int
store_scan_order(const char *name, bool snapshot, uint8_t type,
    uint64_t recno, size_t off, bool after_end, char *err, size_t errlen)
{
	const char *why = NULL;

	if (type < REC_BEGIN || type > REC_LAST)
		why = "unknown record type";
	else if ((recno == 0) != (type == REC_BEGIN))
		why = recno == 0 ? "first record is not BEGIN" : "BEGIN again";
	else if (type == REC_END && !snapshot)
		why = "END record in the log";
	else if (after_end)
		why = "record after END";
	if (why == NULL)
		return CACHE_OK;
	snprintf(err, errlen, "%s: record %llu at offset %zu: %s", name,
	    (unsigned long long)recno, off, why);
	return CACHE_CORRUPT;
}

static int
store_scan_end(const char *name, const struct store_scan *s, char *err,
    size_t errlen)
{
	const struct store_rec *r;
	uint64_t count;

	if (s->n == 0) {
		snprintf(err, errlen, "%s: no BEGIN record (truncated at "
		    "offset %zu)", name, s->end);
		return CACHE_CORRUPT;
	}
	r = &s->recs[s->n - 1];
	if (r->type != REC_END) {
		snprintf(err, errlen, "%s: ends at offset %zu without its END "
		    "record (truncated)", name, s->end);
		return CACHE_CORRUPT;
	}
	if (r->len < 8 || (count = store_get_u64(r->pt)) != r->recno) {
		snprintf(err, errlen, "%s: record %llu at offset %zu: END "
		    "count does not match", name,
		    (unsigned long long)r->recno, r->off);
		return CACHE_CORRUPT;
	}
	return CACHE_OK;
}

static int
store_scan_push(struct store_scan *s, size_t *cap, const struct store_rec *r)
{
	struct store_rec *n;

	if (s->n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		n = realloc(s->recs, *cap * sizeof *n);
		if (n == NULL)
			return -1;
		s->recs = n;
	}
	s->recs[s->n++] = *r;
	return 0;
}

int
store_scan_buf(const char *name, bool snapshot, bool salvage,
    uint8_t *buf, size_t size, const uint8_t cache_id[STORE_ID_BYTES],
    const uint8_t key[32], struct store_scan *out, char *err, size_t errlen)
{
	uint8_t ad[AD_SIZE], hc[4];
	struct store_rec r;
	size_t off, cap = 0, left;
	uint64_t recno = 0;
	uint32_t len;
	int rc;

	memset(out, 0, sizeof *out);
	rc = store_scan_fhdr(name, snapshot, buf, size, cache_id, err, errlen);
	if (rc != CACHE_OK && salvage) {
		out->damaged = true;
		return CACHE_OK;
	}
	if (rc != CACHE_OK)
		return rc;
	memcpy(out->fhdr, buf, STORE_FHDR_SIZE);
	for (off = STORE_FHDR_SIZE; off < size; recno++) {
		left = size - off;
		/* A crash mid-append leaves a short frame or zeros (a file
		 * system that grew the file before writing the data). */
		if (!snapshot && (left < STORE_FRAME_SIZE ||
		    store_all_zero(buf + off, left))) {
			out->torn = true;
			break;
		}
		if (left < STORE_FRAME_SIZE)
			goto truncated;
		store_hcheck(buf, recno, buf + off, hc);
		len = store_get_u32(buf + off);
		if (sodium_memcmp(hc, buf + off + 8, 4) != 0 ||
		    buf[off + 5] != 0 || buf[off + 6] != 0 || buf[off + 7] != 0) {
			snprintf(err, errlen, "%s: record %llu at offset %zu: "
			    "damaged or misplaced frame", name,
			    (unsigned long long)recno, off);
			goto corrupt;
		}
		if (len < STORE_TAG_BYTES ||
		    len > STORE_MAX_PLAIN + STORE_TAG_BYTES) {
			snprintf(err, errlen, "%s: record %llu at offset %zu: "
			    "bad length %u", name, (unsigned long long)recno,
			    off, len);
			goto corrupt;
		}
		if (left - STORE_FRAME_SIZE < len) {
			if (!snapshot) {
				out->torn = true;
				break;
			}
			goto truncated;
		}
		r.type = buf[off + 4];
		r.off = off;
		r.recno = recno;
		r.pt = buf + off + STORE_FRAME_SIZE;
		r.len = len - STORE_TAG_BYTES;
		rc = store_scan_order(name, snapshot, r.type, recno, off,
		    out->n > 0 && out->recs[out->n - 1].type == REC_END,
		    err, errlen);
		if (rc != CACHE_OK)
			goto corrupt;
		store_ad(ad, buf, recno, r.type, len);
		if (crypto_aead_xchacha20poly1305_ietf_decrypt(
		    buf + off + STORE_FRAME_SIZE, NULL, NULL,
		    buf + off + STORE_FRAME_SIZE, len, ad, sizeof ad,
		    buf + off + 12, key) != 0) {
			/* Data blocks of the last append never reached the
			 * disk: its tail reads as zeros.  A bit flip cannot
			 * zero a whole tag. */
			if (!snapshot && off + STORE_FRAME_SIZE + len == size &&
			    store_all_zero(buf + size - STORE_TAG_BYTES,
			    STORE_TAG_BYTES)) {
				out->torn = true;
				break;
			}
			snprintf(err, errlen, "%s: record %llu at offset %zu "
			    "fails authentication (damaged or forged)", name,
			    (unsigned long long)recno, off);
			goto corrupt;
		}
		if (store_scan_push(out, &cap, &r) != 0) {
			snprintf(err, errlen, "out of memory");
			store_scan_free(out);
			return CACHE_ERR;
		}
		off += STORE_FRAME_SIZE + len;
		out->end = off;
	}
	if (out->n == 0)
		out->end = STORE_FHDR_SIZE;
	if (snapshot && !salvage &&
	    store_scan_end(name, out, err, errlen) != CACHE_OK)
		goto corrupt;
	if (!snapshot && out->n == 0) {
		snprintf(err, errlen, "%s: no BEGIN record (truncated at "
		    "offset %zu)", name, (size_t)STORE_FHDR_SIZE);
		goto corrupt;
	}
	return CACHE_OK;

truncated:
	snprintf(err, errlen, "%s: truncated at offset %zu (record %llu is "
	    "incomplete)", name, size, (unsigned long long)recno);
corrupt:
	if (salvage) {
		/* Every record kept so far authenticated. */
		out->damaged = true;
		return CACHE_OK;
	}
	store_scan_free(out);
	return CACHE_CORRUPT;
}

void
store_scan_free(struct store_scan *s)
{
	free(s->recs);
	s->recs = NULL;
	s->n = 0;
}
