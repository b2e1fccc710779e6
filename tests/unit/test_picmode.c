/*
 * How pictures reach the terminal: [ui] images values, what the
 * environment says the terminal takes (a multiplexer always means
 * symbols), and the full-screen view's output in each mode: kitty
 * graphics, sixel, or block symbols with colours.
 */
#include <string.h>

#include "check.h"
#include "picmode.h"
#include "picture.h"

static const char *const *env_now;

static const char *
env_get(const char *name)
{
	size_t n = strlen(name), i;

	for (i = 0; env_now[i] != NULL; i++)
		if (strncmp(env_now[i], name, n) == 0 && env_now[i][n] == '=')
			return env_now[i] + n + 1;
	return NULL;
}

static enum picmode
detect(const char *const *env)
{
	env_now = env;
	return picmode_detect(env_get);
}

static void
test_parse_and_detect(void)
{
	static const char *const kitty[] = { "TERM=xterm-kitty", NULL };
	static const char *const kitty_id[] = { "TERM=xterm-256color",
	    "KITTY_WINDOW_ID=3", NULL };
	static const char *const wezterm[] = { "TERM_PROGRAM=WezTerm", NULL };
	static const char *const foot[] = { "TERM=foot", NULL };
	static const char *const wt[] = { "TERM=xterm-256color",
	    "WT_SESSION=1b2c", NULL };
	static const char *const tmux_kitty[] = { "TERM=tmux-256color",
	    "KITTY_WINDOW_ID=3", "TMUX=/tmp/tmux-0/default,1,0", NULL };
	static const char *const screen[] = { "TERM=screen", "STY=1.pts",
	    NULL };
	static const char *const plain[] = { "TERM=xterm-256color", NULL };
	enum picmode m = PICMODE_OFF;

	CHECK_INT(picmode_parse("auto", &m), 0);
	CHECK_INT(m, PICMODE_AUTO);
	CHECK_INT(picmode_parse("kitty", &m), 0);
	CHECK_INT(m, PICMODE_KITTY);
	CHECK_INT(picmode_parse("sixel", &m), 0);
	CHECK_INT(picmode_parse("symbols", &m), 0);
	CHECK_INT(m, PICMODE_SYMBOLS);
	CHECK_INT(picmode_parse("off", &m), 0);
	CHECK_INT(m, PICMODE_OFF);
	CHECK_INT(picmode_parse("iterm", &m), -1);
	CHECK_INT(picmode_parse("", &m), -1);
	CHECK_STR(picmode_name(PICMODE_SIXEL), "sixel");

	CHECK_INT(detect(kitty), PICMODE_KITTY);
	CHECK_INT(detect(kitty_id), PICMODE_KITTY);
	CHECK_INT(detect(wezterm), PICMODE_KITTY);
	CHECK_INT(detect(foot), PICMODE_SIXEL);
	CHECK_INT(detect(wt), PICMODE_SIXEL);
	CHECK_INT(detect(tmux_kitty), PICMODE_SYMBOLS);
	CHECK_INT(detect(screen), PICMODE_SYMBOLS);
	CHECK_INT(detect(plain), PICMODE_SYMBOLS);
}

static void
test_print_modes(void)
{
	char path[4096], err[256], *out;
	unsigned char *png;
	size_t len, n = 0;

	snprintf(path, sizeof path, "%s/images/quadrants.png", check_env_dir(
	    "TTYDESK_FIXTURES_DIR", TTYDESK_SOURCE_DIR "/tests/fixtures"));
	png = (unsigned char *)check_read_file(path, &len);
	CHECK(png != NULL);
	if (png == NULL)
		return;
	out = picture_print(png, len, 80, 24, PICTURE_OUT_KITTY,
	    PICTURE_PALETTE_240, 0, 0, &n, err, sizeof err);
	CHECK(out != NULL && n > 0 && strstr(out, "\033_G") != NULL);
	free(out);
	out = picture_print(png, len, 80, 24, PICTURE_OUT_SIXEL,
	    PICTURE_PALETTE_240, 0, 0, &n, err, sizeof err);
	CHECK(out != NULL && strstr(out, "\033P") != NULL &&
	    strchr(out, 'q') != NULL);
	free(out);
	/* Symbols: colours and block characters, grown to the screen. */
	out = picture_print(png, len, 80, 24, PICTURE_OUT_SYMBOLS,
	    PICTURE_PALETTE_240, 0, 0, &n, err, sizeof err);
	CHECK(out != NULL && strstr(out, "\033[") != NULL &&
	    strstr(out, "\033_G") == NULL && strstr(out, "\033P") == NULL);
	CHECK(out != NULL && (strstr(out, "\xe2\x96") != NULL ||
	    strchr(out, ' ') != NULL));
	CHECK(out != NULL && strchr(out, '\n') != NULL);
	free(out);
	/* Broken bytes: an error, no output. */
	out = picture_print((const unsigned char *)"\x89PNG\r\n\x1a\nxx", 10,
	    80, 24, PICTURE_OUT_KITTY, PICTURE_PALETTE_240, 0, 0, &n, err,
	    sizeof err);
	CHECK(out == NULL && err[0] != '\0');
	free(png);
}

int
main(void)
{
	RUN(test_parse_and_detect);
	RUN(test_print_modes);
	return check_done();
}
