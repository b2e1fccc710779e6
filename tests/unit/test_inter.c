/* Interactive messages an agent composes: Meta's object, the relay's
 * own limits with its words, and the preview. */
#include <jansson.h>

#include "check.h"
#include "inter.h"

static void
test_buttons(void)
{
	char why[256], *p;
	json_t *o, *want;

	o = inter_buttons("Reschedule to Tuesday?", " Yes, reschedule | No ",
	    why, sizeof why);
	CHECK(o != NULL);
	want = json_loads("{\"type\": \"button\", \"body\": {\"text\": "
	    "\"Reschedule to Tuesday?\"}, \"action\": {\"buttons\": ["
	    "{\"type\": \"reply\", \"reply\": {\"id\": \"btn-1\", \"title\": "
	    "\"Yes, reschedule\"}}, {\"type\": \"reply\", \"reply\": {\"id\": "
	    "\"btn-2\", \"title\": \"No\"}}]}}", 0, NULL);
	CHECK(json_equal(o, want));
	p = inter_preview(o);
	CHECK_STR(p, "Reschedule to Tuesday?\n[Yes, reschedule] [No]");
	free(p);
	json_decref(o);
	json_decref(want);

	/* Meta's limits, in the relay's words. */
	CHECK(inter_buttons("Pick", "a|b|c|d", why, sizeof why) == NULL);
	CHECK(strstr(why, "3") != NULL);
	CHECK(inter_buttons("Pick", "a title of twenty-one", why,
	    sizeof why) == NULL);
	CHECK(strstr(why, "21 characters, over Meta's limit of 20") != NULL);
	CHECK(inter_buttons("", "a", why, sizeof why) == NULL);
	CHECK(inter_buttons("Pick", " | ", why, sizeof why) == NULL);
	CHECK_STR(why, "no titles: separate them with |");
}

static void
test_list(void)
{
	char why[256], *p, rows[400];
	json_t *o;
	int i;

	o = inter_list("When suits you?", "Choose a slot", "Tue 9-12|Wed 14-17",
	    why, sizeof why);
	CHECK(o != NULL);
	p = inter_preview(o);
	CHECK_STR(p, "When suits you?\n[Choose a slot]\n- Tue 9-12\n- Wed 14-17");
	free(p);
	json_decref(o);
	/* 11 rows: over Meta's 10. */
	rows[0] = '\0';
	for (i = 0; i < 11; i++)
		snprintf(rows + strlen(rows), sizeof rows - strlen(rows),
		    "%srow %d", i ? "|" : "", i);
	CHECK(inter_list("x", "Open", rows, why, sizeof why) == NULL);
	CHECK(strstr(why, "10") != NULL);
	CHECK(inter_list("x", "", "a", why, sizeof why) == NULL);
}

int
main(void)
{
	RUN(test_buttons);
	RUN(test_list);
	return check_done();
}
