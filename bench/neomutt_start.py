#!/usr/bin/env python3
"""neomutt opening the messages of a window world (bench/window_world.py:
N messages in N/20 conversations over 200 days, the same texts) as one
maildir, with a warm header cache: the yardstick the start of ttydesk is
held against (bench/window_tui.py prints both and their ratio).  The
time runs from fork until the index's status line says "Msgs:N".

The maildir and the header cache are kept in build/bench/neomutt-SIZE/
and reused.  Measured on a bare pty like ttydesk, best of 3, after one
run that warms the header cache.  Without neomutt installed it says so.

usage: neomutt_start.py [SIZE]   SIZE: 100k (default) or a number.
"""

import email.utils
import os
import shutil
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.abspath(os.path.join(HERE, ".."))
sys.path.insert(0, HERE)

import ptytime  # noqa: E402
import window_world  # noqa: E402


def neomutt():
	return shutil.which("neomutt")


def build_maildir(d, n):
	"""n messages as window_world makes them, one file each."""
	done = os.path.join(d, ".complete-%d" % n)
	if os.path.exists(done):
		return
	shutil.rmtree(d, ignore_errors=True)
	for sub in ("cur", "new", "tmp"):
		os.makedirs(os.path.join(d, "mail", sub))
	convs = n // window_world.PER_CONV
	now = int(time.time())
	for k in range(convs):
		t0 = window_world.conv_start(k, convs, now)
		for j in range(window_world.PER_CONV):
			ts = t0 + 90 * j
			body = ("From: Customer %d <1555%08d@wa.example>\n"
			    "To: support@example.com\n"
			    "Subject: conversation %d\n"
			    "Date: %s\n"
			    "Message-ID: <%d.%d@bench.ttydesk>\n\n%s\n" % (k, k, k,
			    email.utils.formatdate(ts), k, j,
			    window_world.text_of(k, j)))
			name = "%d.%d_%d.bench:2,S" % (ts, k, j)
			with open(os.path.join(d, "mail", "cur", name), "w") as fp:
				fp.write(body)
	open(done, "w").close()


def muttrc(d):
	p = os.path.join(d, "muttrc")
	with open(p, "w") as fp:
		fp.write("set mbox_type = Maildir\n"
		    "set folder = \"%s\"\n"
		    "set header_cache = \"%s\"\n"
		    "set quit = yes\n"
		    "set wait_key = no\n"
		    "set mail_check = 3600\n" % (os.path.join(d, "mail"),
		    os.path.join(d, "hcache")))
	return p


def measure(n, build_dir):
	"""(seconds, cpu seconds) of neomutt's start on n messages, or None."""
	prog = neomutt()
	if prog is None:
		return None
	d = os.path.join(build_dir, "neomutt-%s" % window_world.label(n))
	build_maildir(d, n)
	argv = [prog, "-n", "-F", muttrc(d), "-R", "-f",
	    os.path.join(d, "mail")]
	env = {"HOME": d}
	# Its index's status line counts the messages once all are read.
	done = b"Msgs:%d" % n
	ptytime.quiet_time(argv, env=env, until=done)  # warms the cache
	return ptytime.best_quiet_time(argv, env=env, until=done)


def build_dir():
	"""Where the maildir and the header cache are kept."""
	return os.environ.get("TTYDESK_BENCH_BUILD_DIR") or os.path.join(
	    SOURCE, "build", "bench")


def main():
	n = window_world.parse_size(sys.argv[1]) if len(sys.argv) > 1 else \
	    100000
	r = measure(n, build_dir())
	if r is None:
		print("neomutt: not installed (apt-get install neomutt)")
		return
	print("neomutt start, %d messages as a maildir, warm header cache: "
	    "%.3f s, cpu %.3f s (bare pty, best of 3)" % (n, r[0], r[1]))


if __name__ == "__main__":
	main()
