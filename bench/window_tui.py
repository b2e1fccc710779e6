#!/usr/bin/env python3
"""ttydesk on a big relay world (bench/window_world.py builds it: N messages
in N/20 conversations over 200 days, 2,500 open): what a new agent and a
restart cost with the working set ([cache] window = 30d).

It copies the world's database (the world itself is left alone), starts
the relay on the copy, and drives the real ttydesk in tmux:

  first sync   a new cache until the snapshot is loaded and the All queue
               shows the working set
  restart      process start to the first full frame (the list drawn)
  RSS          ttydesk's resident memory after the first sync and after
               the restart (VmRSS, VmHWM)
  search/open  `/` a word of the oldest conversation, Enter: time to the
               relay's hit box, then Enter to its first message shown

usage: window_tui.py WORLD_DIR   (env TTYDESK_BUILD_DIR: ttydesk and
ttydesk-relay to run; a Release build measures what agents get)
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.abspath(os.path.join(HERE, ".."))
sys.path.insert(0, os.path.join(SOURCE, "tests", "pylib"))
sys.path.insert(0, os.path.join(SOURCE, "tests", "e2e"))

import relayproc  # noqa: E402
from tui_tmux import TuiSession, _pids_with_arg  # noqa: E402


def rss_kb(config):
	for pid in _pids_with_arg(config):
		with open("/proc/%d/status" % pid) as fp:
			st = dict(l.split(":", 1) for l in fp if ":" in l)
		return (int(st["VmRSS"].split()[0]), int(st["VmHWM"].split()[0]))
	return (0, 0)


def all_count(screen):
	m = re.search(r"All (\d+)", screen)
	return int(m.group(1)) if m else -1


def timed_wait(t, pred, timeout, what):
	t0 = time.monotonic()
	t.wait_for(pred, timeout=timeout, what=what)
	return time.monotonic() - t0


def main():
	if len(sys.argv) != 2:
		sys.exit(__doc__)
	src = os.path.abspath(sys.argv[1])
	with open(os.path.join(src, "world.json")) as fp:
		world = json.load(fp)
	work = tempfile.mkdtemp(prefix="ttydesk-window-tui-")
	for f in ("relay.db", "relay.conf"):
		shutil.copy(os.path.join(src, f), work)
	shutil.copytree(os.path.join(src, "secrets"),
	    os.path.join(work, "secrets"))
	# The world's config names its own port: take a free one.
	port = relayproc.free_port()
	with open(os.path.join(work, "relay.conf")) as fp:
		conf = fp.read()
	conf = re.sub(r"listen = .*", "listen = 127.0.0.1:%d" % port, conf)
	with open(os.path.join(work, "relay.conf"), "w") as fp:
		fp.write(conf)
	proc = subprocess.Popen([relayproc.relay_binary(),
	    "--config", os.path.join(work, "relay.conf")], cwd=work,
	    stdout=subprocess.DEVNULL,
	    stderr=subprocess.DEVNULL)
	url = "http://127.0.0.1:%d" % port
	try:
		time.sleep(1.0)
		t = TuiSession(url, world["agent_token"], width=160, height=50)
		print("world: %d messages, %d conversations, %d open" % (
		    world["messages"], world["conversations"], world["open"]))
		t0 = time.monotonic()
		t.start()
		t.wait_for("online", timeout=600)
		t.wait_for(lambda s: "loading" not in s and all_count(s) >= 0,
		    timeout=600, what="the snapshot loaded")
		first = time.monotonic() - t0
		s = t.screen()
		rss = rss_kb(t.config)
		print("first sync: %.2f s (All %d); RSS %d kB, peak %d kB" % (
		    first, all_count(s), rss[0], rss[1]))
		time.sleep(6)  # idle: compaction
		t.keys("Escape", "q")
		t.wait_for("TTYDESK-EXIT=", timeout=60)
		t.tmux("kill-server", check=False)
		t.started = False

		t0 = time.monotonic()
		t.start()
		t.wait_for(lambda s: all_count(s) > 0 or "Mine" in s, timeout=60,
		    what="the first frame")
		frame = time.monotonic() - t0
		t.wait_for("online", timeout=60)
		rss = rss_kb(t.config)
		print("restart to first frame: %.3f s (tmux polling included); "
		    "RSS %d kB, peak %d kB" % (frame, rss[0], rss[1]))

		word = "conversation %s:" % world["oldest_conversation"][1:]
		t.keys("/")
		t.literal(word.split()[1])
		t0 = time.monotonic()
		t.keys("Enter")
		found = timed_wait(t, lambda s: "older conversations on the "
		    "relay" in s or "relay search unavailable" in s, 60,
		    "the relay's hits")
		if "relay search unavailable" in t.screen():
			print("search: this relay has no /v1/search")
			t.close()
			return
		t0 = time.monotonic()
		t.keys("Enter")
		opened = timed_wait(t, "message 19 of " + word, 60,
		    "the old conversation's newest message")
		print("search: %.3f s to the relay's hits; open: %.3f s to its "
		    "messages" % (found, opened))
		t.keys("Escape", "Escape", "q")
		t.close()
	finally:
		proc.terminate()
		proc.wait(30)
		shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
	main()
