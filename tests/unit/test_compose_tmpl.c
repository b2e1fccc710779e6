/* Templates ({1} {2} parameters) and canned replies ({name}). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ttydesk/ini.h"
#include "tmpl.h"

static void
test_parse(void)
{
	struct tmpl t;
	char err[256];

	CHECK_INT(tmpl_parse("order_update", "en_US: Your order {1} ships {2}.",
	    &t, err, sizeof err), 0);
	CHECK_STR(t.name, "order_update");
	CHECK_STR(t.lang, "en_US");
	CHECK_STR(t.text, "Your order {1} ships {2}.");
	CHECK_INT(t.n_params, 2);
	tmpl_free(&t);
	CHECK_INT(tmpl_parse("hello", "pt_BR: Olá!", &t, err, sizeof err), 0);
	CHECK_INT(t.n_params, 0);
	tmpl_free(&t);
	/* Errors name the template and say what is wrong. */
	CHECK_INT(tmpl_parse("bad", "no language here", &t, err, sizeof err), -1);
	CHECK(strstr(err, "bad") != NULL && strstr(err, "language") != NULL);
	CHECK_INT(tmpl_parse("gap", "en: a {2}", &t, err, sizeof err), -1);
	CHECK(strstr(err, "{1}") != NULL);
	CHECK_INT(tmpl_parse("empty", "en:   ", &t, err, sizeof err), -1);
	CHECK_INT(tmpl_parse("lang", "e n: x", &t, err, sizeof err), -1);
}

static void
test_fill(void)
{
	const char *p[] = { "A-1042", "tomorrow" };
	char *s;

	s = tmpl_fill("Order {1} ships {2}; again {1}.", p, 2);
	CHECK_STR(s, "Order A-1042 ships tomorrow; again A-1042.");
	free(s);
	s = tmpl_fill("{1} and {3} and {x} and {", p, 2);
	CHECK_STR(s, "A-1042 and {3} and {x} and {");
	free(s);
	s = canned_fill("Thank you {name}, {name}!", "Ana Díaz");
	CHECK_STR(s, "Thank you Ana Díaz, Ana Díaz!");
	free(s);
	s = canned_fill("Hi {name} {other}", NULL);
	CHECK_STR(s, "Hi  {other}");
	free(s);
}

static void
test_section(void)
{
	const char *text = "[templates]\na = en: one\nb = en: two\na = en: three\n"
	    "[canned]\nthanks = Thanks {name}\n";
	struct ini ini;
	const char **k, **v;
	char err[256];
	size_t n;

	CHECK_INT(ini_parse(text, strlen(text), "cfg", &ini, err, sizeof err), 0);
	n = tmpl_section(&ini, "templates", &k, &v);
	CHECK_INT(n, 2);
	CHECK_STR(k[0], "a");
	CHECK_STR(v[0], "en: three"); /* the last value wins */
	CHECK_STR(k[1], "b");
	free(k);
	free(v);
	n = tmpl_section(&ini, "canned", &k, &v);
	CHECK_INT(n, 1);
	free(k);
	free(v);
	CHECK_INT(tmpl_section(&ini, "nothing", &k, &v), 0);
	free(k);
	free(v);
	ini_free(&ini);
}

int
main(void)
{
	RUN(test_parse);
	RUN(test_fill);
	RUN(test_section);
	return check_done();
}
