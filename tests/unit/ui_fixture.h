/* Shared by the UI unit tests: a model built from relay event JSON. */
#ifndef TTYDESK_UI_FIXTURE_H
#define TTYDESK_UI_FIXTURE_H

#include <stdio.h>
#include <string.h>

#include "ttydesk/event.h"
#include "ttydesk/model.h"

static inline int
fx_apply(struct td_model *m, const char *json)
{
	struct td_event ev;
	char err[256];
	int rc;

	memset(&ev, 0, sizeof ev);
	if (event_parse_text(json, strlen(json), &ev, err, sizeof err) != 0) {
		fprintf(stderr, "fixture event does not parse: %s: %s\n", err, json);
		return -1;
	}
	rc = model_apply(m, &ev);
	event_free(&ev);
	return rc;
}

/* A conversation "c1" with a contact, state and a few messages. */
static inline struct td_model *
fx_model(long long now)
{
	struct td_model *m = model_new("alice");
	char buf[2048];

	if (m == NULL)
		return NULL;
	snprintf(buf, sizeof buf, "{\"seq\":1,\"ts\":%lld,\"type\":\"contact\","
	    "\"conversation\":\"c1\",\"contact\":{\"wa_id\":\"34600111222\","
	    "\"name\":\"Mar\\u00eda \\u674e\\ud83d\\udc09\"}}", now - 600);
	fx_apply(m, buf);
	snprintf(buf, sizeof buf, "{\"seq\":2,\"ts\":%lld,\"type\":\"conversation\","
	    "\"conversation\":\"c1\",\"state\":{\"status\":\"open\",\"assignee\":"
	    "\"alice\",\"team\":\"tier1\",\"priority\":\"urgent\","
	    "\"last_inbound_ts\":%lld}}", now - 600, now - 600);
	fx_apply(m, buf);
	snprintf(buf, sizeof buf, "{\"seq\":3,\"ts\":%lld,\"type\":\"message\","
	    "\"conversation\":\"c1\",\"message\":{\"id\":\"wamid.A\",\"direction\":"
	    "\"in\",\"kind\":\"text\",\"from\":\"34600111222\",\"text\":"
	    "\"Hello \\u001b[31mthere\\u001b]0;pwned\\u0007, my order 1234 has not "
	    "arrived yet and I am getting worried about it\",\"status\":"
	    "\"received\"}}", now - 600);
	fx_apply(m, buf);
	snprintf(buf, sizeof buf, "{\"seq\":4,\"ts\":%lld,\"type\":\"message\","
	    "\"conversation\":\"c1\",\"message\":{\"id\":\"wamid.B\",\"direction\":"
	    "\"out\",\"kind\":\"text\",\"from\":\"biz\",\"agent\":\"alice\",\"text\":"
	    "\"Sorry to hear that, let me check\",\"reply_to\":\"wamid.A\","
	    "\"status\":\"pending\"}}", now - 300);
	fx_apply(m, buf);
	snprintf(buf, sizeof buf, "{\"seq\":5,\"ts\":%lld,\"type\":\"status\","
	    "\"conversation\":\"c1\",\"status\":{\"message\":\"wamid.B\","
	    "\"status\":\"read\"}}", now - 200);
	fx_apply(m, buf);
	snprintf(buf, sizeof buf, "{\"seq\":6,\"ts\":%lld,\"type\":\"message\","
	    "\"conversation\":\"c1\",\"message\":{\"id\":\"wamid.C\",\"direction\":"
	    "\"in\",\"kind\":\"reaction\",\"from\":\"34600111222\",\"reaction\":"
	    "{\"to\":\"wamid.B\",\"emoji\":\"\\ud83d\\udc4d\"},\"status\":"
	    "\"received\"}}", now - 100);
	fx_apply(m, buf);
	snprintf(buf, sizeof buf, "{\"seq\":7,\"ts\":%lld,\"type\":\"message\","
	    "\"conversation\":\"c1\",\"message\":{\"id\":\"n1\",\"direction\":"
	    "\"note\",\"kind\":\"text\",\"from\":\"alice\",\"agent\":\"alice\","
	    "\"text\":\"VIP customer\",\"status\":\"received\"}}", now - 90);
	fx_apply(m, buf);
	snprintf(buf, sizeof buf, "{\"seq\":8,\"ts\":%lld,\"type\":\"message\","
	    "\"conversation\":\"c1\",\"message\":{\"id\":\"wamid.D\",\"direction\":"
	    "\"in\",\"kind\":\"image\",\"from\":\"34600111222\",\"caption\":"
	    "\"the box\",\"reply_to\":\"wamid.GONE\",\"media\":{\"id\":\"m1\","
	    "\"mime_type\":\"image/jpeg\",\"filename\":\"../../etc/passwd\"},"
	    "\"status\":\"received\"}}", now - 60);
	fx_apply(m, buf);
	snprintf(buf, sizeof buf, "{\"seq\":9,\"ts\":%lld,\"type\":\"message\","
	    "\"conversation\":\"c1\",\"message\":{\"id\":\"wamid.E\",\"direction\":"
	    "\"out\",\"kind\":\"text\",\"from\":\"biz\",\"agent\":\"bob\",\"text\":"
	    "\"Template needed\",\"status\":\"pending\"}}", now - 30);
	fx_apply(m, buf);
	snprintf(buf, sizeof buf, "{\"seq\":10,\"ts\":%lld,\"type\":\"status\","
	    "\"conversation\":\"c1\",\"status\":{\"message\":\"wamid.E\","
	    "\"status\":\"failed\",\"error\":{\"code\":131047,\"title\":"
	    "\"Re-engagement message\"}}}", now - 20);
	fx_apply(m, buf);
	snprintf(buf, sizeof buf, "{\"seq\":11,\"ts\":%lld,\"type\":\"message\","
	    "\"conversation\":\"c1\",\"message\":{\"id\":\"wamid.F\",\"direction\":"
	    "\"in\",\"kind\":\"location\",\"from\":\"34600111222\",\"location\":"
	    "{\"latitude\":48.8584,\"longitude\":2.2945,\"name\":\"Tour Eiffel\"},"
	    "\"status\":\"received\"}}", now - 10);
	fx_apply(m, buf);
	return m;
}

#endif
