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

static void
test_sections_cta_location(void)
{
	char why[256], *p;
	json_t *o, *secs;

	o = inter_list("Which slot?", "Choose", "#Morning | Tue 9-12 = the "
	    "early one | Wed 9-12 | #Afternoon | Tue 14-17", why, sizeof why);
	CHECK(o != NULL);
	secs = json_object_get(json_object_get(o, "action"), "sections");
	CHECK_INT(json_array_size(secs), 2);
	CHECK_STR(json_string_value(json_object_get(json_array_get(secs, 1),
	    "title")), "Afternoon");
	CHECK_STR(json_string_value(json_object_get(json_array_get(
	    json_object_get(json_array_get(secs, 0), "rows"), 0),
	    "description")), "the early one");
	/* Row ids stay unique across sections. */
	CHECK_STR(json_string_value(json_object_get(json_array_get(
	    json_object_get(json_array_get(secs, 1), "rows"), 0), "id")),
	    "row-3");
	p = inter_preview(o);
	CHECK_STR(p, "Which slot?\n[Choose]\nMorning\n- Tue 9-12 (the early "
	    "one)\n- Wed 9-12\nAfternoon\n- Tue 14-17");
	free(p);
	json_decref(o);
	/* A section without rows, a section title over 24. */
	CHECK(inter_list("x", "Open", "#Empty|#Full|a", why, sizeof why) ==
	    NULL);
	CHECK_STR(why, "section 1 has no rows");
	CHECK(inter_list("x", "Open", "#A section title of 25 chr|a|#B|b", why,
	    sizeof why) == NULL);
	CHECK(strstr(why, "over Meta's limit of 24") != NULL);

	o = inter_cta("Your order is on its way.", "Track order",
	    "https://shop.example/t/A-17", why, sizeof why);
	CHECK(o != NULL);
	p = inter_preview(o);
	CHECK_STR(p, "Your order is on its way.\n[Track order] "
	    "https://shop.example/t/A-17");
	free(p);
	json_decref(o);
	CHECK(inter_cta("x", "Open", "ftp://x", why, sizeof why) == NULL);
	CHECK(strstr(why, "http(s) URL") != NULL);
	CHECK(inter_cta("x", "A link text over twenty", "https://x", why,
	    sizeof why) == NULL);

	o = inter_location("Where should we deliver?", why, sizeof why);
	CHECK(o != NULL);
	CHECK_STR(json_string_value(json_object_get(json_object_get(o,
	    "action"), "name")), "send_location");
	p = inter_preview(o);
	CHECK_STR(p, "Where should we deliver?\n[Send location]");
	free(p);
	json_decref(o);
	CHECK(inter_location("", why, sizeof why) == NULL);
}

/* Saved ones, as [interactive] in the config writes them. */
static void
test_spec(void)
{
	char why[256];
	json_t *o;

	o = inter_from_spec("buttons: Move your visit? | Yes | No", why,
	    sizeof why);
	CHECK(o != NULL);
	CHECK_INT(json_array_size(json_object_get(json_object_get(o, "action"),
	    "buttons")), 2);
	json_decref(o);
	o = inter_from_spec("list: Which slot? | Choose | #AM | Tue | #PM | Wed",
	    why, sizeof why);
	CHECK(o != NULL);
	CHECK_STR(json_string_value(json_object_get(json_object_get(o,
	    "action"), "button")), "Choose");
	json_decref(o);
	o = inter_from_spec("cta: See it online | Open | https://x.test/o",
	    why, sizeof why);
	CHECK(o != NULL);
	CHECK_STR(json_string_value(json_object_get(o, "type")), "cta_url");
	json_decref(o);
	o = inter_from_spec("location: Where are you?", why, sizeof why);
	CHECK(o != NULL);
	json_decref(o);
	CHECK(inter_from_spec("no kind here", why, sizeof why) == NULL);
	CHECK(strstr(why, "buttons:") != NULL);
	CHECK(inter_from_spec("carousel: x", why, sizeof why) == NULL);
	CHECK_STR(why, "'carousel' is not buttons, list, cta or location");
	CHECK(inter_from_spec("buttons: x | a|b|c|d", why, sizeof why) == NULL);
}

int
main(void)
{
	RUN(test_buttons);
	RUN(test_list);
	RUN(test_sections_cta_location);
	RUN(test_spec);
	return check_done();
}
