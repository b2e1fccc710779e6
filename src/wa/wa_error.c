/*
 * Graph API answers -> what the sender should do.  The code table comes
 * from Meta's error-code reference; an unknown code falls back on the
 * HTTP status.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "wa_private.h"

struct wa_code {
	int from, to; /* inclusive range */
	enum wa_error_class cls;
	const char *title;
};

static const struct wa_code wa_codes[] = {
	{ 131047, 131047, WA_ERR_WINDOW_CLOSED, "Re-engagement message" },

	{ 130429, 130429, WA_ERR_RATE_LIMITED, "Rate limit hit" },
	{ 131056, 131056, WA_ERR_RATE_LIMITED,
	    "Pair rate limit hit (too many messages to this customer)" },
	{ 131048, 131048, WA_ERR_RATE_LIMITED, "Spam rate limit hit" },
	{ 133016, 133016, WA_ERR_RATE_LIMITED,
	    "Account register/deregister rate limit exceeded" },
	{ 4, 4, WA_ERR_RATE_LIMITED, "Too many API calls" },
	{ 80007, 80007, WA_ERR_RATE_LIMITED, "Rate limit issues" },

	{ 1, 1, WA_ERR_RETRY, "API unknown error" },
	{ 2, 2, WA_ERR_RETRY, "API service temporarily unavailable" },
	{ 131000, 131000, WA_ERR_RETRY, "Something went wrong" },
	{ 131016, 131016, WA_ERR_RETRY, "Service unavailable" },
	{ 131057, 131057, WA_ERR_RETRY, "Account in maintenance mode" },
	{ 133004, 133004, WA_ERR_RETRY, "Server temporarily unavailable" },

	{ 190, 190, WA_ERR_AUTH, "Access token has expired or is invalid" },
	{ 368, 368, WA_ERR_AUTH,
	    "Temporarily blocked for policy violations" },
	{ 3, 3, WA_ERR_AUTH, "App lacks the capability for this call" },
	{ 10, 10, WA_ERR_AUTH, "Permission denied" },
	{ 200, 299, WA_ERR_AUTH, "API permission missing" },
	{ 131005, 131005, WA_ERR_AUTH, "Access denied" },
	{ 131031, 131031, WA_ERR_AUTH, "Business account has been locked" },
	{ 131037, 131037, WA_ERR_AUTH,
	    "Display name of the number needs approval" },
	{ 131042, 131042, WA_ERR_AUTH, "Business eligibility payment issue" },
	{ 131045, 131045, WA_ERR_AUTH, "Phone number registration error" },
	{ 133010, 133010, WA_ERR_AUTH, "Phone number not registered" },

	{ 100, 100, WA_ERR_PERMANENT, "Invalid parameter" },
	{ 131008, 131008, WA_ERR_PERMANENT, "Required parameter is missing" },
	{ 131009, 131009, WA_ERR_PERMANENT, "Parameter value is not valid" },
	{ 131021, 131021, WA_ERR_PERMANENT, "Recipient cannot be sender" },
	{ 131026, 131026, WA_ERR_PERMANENT, "Message undeliverable" },
	{ 131030, 131030, WA_ERR_PERMANENT,
	    "Recipient phone number not in allowed list" },
	{ 131049, 131049, WA_ERR_PERMANENT,
	    "Meta chose not to deliver this message" },
	{ 131050, 131050, WA_ERR_PERMANENT,
	    "Customer stopped marketing messages" },
	{ 131051, 131051, WA_ERR_PERMANENT, "Unsupported message type" },
	{ 131052, 131052, WA_ERR_PERMANENT, "Media download error" },
	{ 131053, 131053, WA_ERR_PERMANENT, "Media upload error" },
	{ 131055, 131055, WA_ERR_PERMANENT, "Method not allowed" },
	{ 130472, 130472, WA_ERR_PERMANENT,
	    "Customer's number is part of an experiment" },
	{ 132000, 132000, WA_ERR_PERMANENT,
	    "Template parameter count mismatch" },
	{ 132001, 132001, WA_ERR_PERMANENT,
	    "Template does not exist in this language" },
	{ 132005, 132005, WA_ERR_PERMANENT, "Template text too long" },
	{ 132007, 132007, WA_ERR_PERMANENT,
	    "Template format character policy violated" },
	{ 132012, 132012, WA_ERR_PERMANENT,
	    "Template parameter format mismatch" },
	{ 132015, 132015, WA_ERR_PERMANENT, "Template is paused" },
	{ 132016, 132016, WA_ERR_PERMANENT, "Template is disabled" },
	{ 132000, 132099, WA_ERR_PERMANENT, "Template error" },
	{ 135000, 135000, WA_ERR_PERMANENT, "Generic user error" },
};

const char *
wa_error_class_name(enum wa_error_class c)
{
	switch (c) {
	case WA_ERR_NONE:
		return "none";
	case WA_ERR_RETRY:
		return "retry";
	case WA_ERR_RATE_LIMITED:
		return "rate_limited";
	case WA_ERR_WINDOW_CLOSED:
		return "window_closed";
	case WA_ERR_AUTH:
		return "auth";
	case WA_ERR_PERMANENT:
		return "permanent";
	}
	return "unknown";
}

static const struct wa_code *
wa_code_find(int code)
{
	size_t i;

	for (i = 0; i < sizeof wa_codes / sizeof wa_codes[0]; i++)
		if (code >= wa_codes[i].from && code <= wa_codes[i].to)
			return &wa_codes[i];
	return NULL;
}

static enum wa_error_class
wa_class_from_http(long status)
{
	if (status >= 200 && status < 300)
		return WA_ERR_NONE;
	if (status == 429)
		return WA_ERR_RATE_LIMITED;
	if (status == 401 || status == 403)
		return WA_ERR_AUTH;
	if (status >= 400 && status < 500)
		return WA_ERR_PERMANENT;
	/* 5xx, and no answer at all (0): the request may work next time. */
	return WA_ERR_RETRY;
}

/* Copy at most size-1 bytes without cutting a UTF-8 sequence in two. */
static void
wa_copy(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n >= size) {
		n = size - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* "(#131047) Re-engagement message" -> "Re-engagement message". */
static const char *
wa_strip_code(const char *msg)
{
	const char *p = msg;

	if (p[0] != '(' || p[1] != '#')
		return msg;
	for (p += 2; isdigit((unsigned char)*p); p++)
		/* nothing */;
	if (*p != ')')
		return msg;
	for (p++; *p == ' '; p++)
		/* nothing */;
	return *p != '\0' ? p : msg;
}

static void
wa_error_fill(const json_t *e, struct wa_error_info *out)
{
	const char *title = wa_json_nstr(e, "error_user_title");
	const char *details = wa_json_nstr(json_object_get(e, "error_data"),
	    "details");

	out->code = wa_json_code(json_object_get(e, "code"));
	title = wa_json_or(title, e, "title");
	if (title == NULL && wa_json_nstr(e, "message") != NULL)
		title = wa_strip_code(wa_json_str(e, "message"));
	details = wa_json_or(details, e, "error_data");
	details = wa_json_or(details, e, "error_user_msg");
	details = wa_json_or(details, e, "details");
	if (title != NULL)
		wa_copy(out->title, sizeof out->title, title);
	if (details != NULL)
		wa_copy(out->details, sizeof out->details, details);
}

void
wa_classify_error(long http_status, const char *body, size_t len,
    struct wa_error_info *out)
{
	const struct wa_code *known;
	json_t *root = NULL;
	const json_t *e;

	memset(out, 0, sizeof *out);
	if (body != NULL && len != 0)
		root = json_loadb(body, len, 0, NULL);
	e = json_object_get(root, "error");
	/* Graph error bodies are {"error": {...}}; some proxies answer a
	 * bare {"code", "message"}. */
	if (!json_is_object(e) && json_object_get(root, "code") != NULL)
		e = root;
	if (json_is_object(e))
		wa_error_fill(e, out);
	json_decref(root);

	known = out->code != 0 ? wa_code_find(out->code) : NULL;
	if (known != NULL)
		out->cls = known->cls;
	else if (out->code != 0 && http_status >= 200 && http_status < 300)
		out->cls = WA_ERR_PERMANENT; /* an error object in a 2xx */
	else
		out->cls = wa_class_from_http(http_status);
	if (out->cls == WA_ERR_NONE || out->title[0] != '\0')
		return;
	if (known != NULL)
		wa_copy(out->title, sizeof out->title, known->title);
	else if (out->code != 0)
		snprintf(out->title, sizeof out->title, "Graph API error %d",
		    out->code);
	else if (http_status == 0)
		snprintf(out->title, sizeof out->title, "No answer from the "
		    "Graph API");
	else
		snprintf(out->title, sizeof out->title, "Graph API answered "
		    "HTTP %ld", http_status);
}
