#!/usr/bin/env python3
"""ttydesk on a big relay world (bench/window_world.py builds it: N messages
in N/20 conversations over 200 days, 2,500 open): what a new agent and a
restart cost with the working set ([cache] window = 30d).

It copies the world's database (the world itself is left alone), starts
the relay on the copy, and drives the real ttydesk in tmux:

  first sync   a new cache until the snapshot is loaded and the All queue
               shows the working set
  restart      process start to the first full frame (the whole cache
               replayed, the list drawn): in tmux (its polling included),
               on a bare pty (the process and the terminal, nothing else),
               and in-process (bench_tui_cache on a copy of the cache:
               open, replay and the frame, without exec and terminal)
  neomutt      up to 100k messages: neomutt on the same messages as a
               maildir with a warm header cache (bench/neomutt_start.py),
               and how many times faster ttydesk's restart is
  RSS          ttydesk's resident memory after the first sync and after
               the restart (VmRSS, VmHWM)
  search/open  `/` the customer's number of the oldest conversation
               (200 days old, outside the window), Enter: time to the
               relay's hit box, then Enter to its newest message shown

usage: window_tui.py WORLD_DIR [--window LENGTH]   (env TTYDESK_BUILD_DIR:
ttydesk and ttydesk-relay to run; a Release build measures what agents get)

--window sets the agents' [cache] window (default 30d): the 10M world
holds ten times the conversations per day of the 1M one, so a window a
tenth as long holds the same working set, and shows what the history
itself costs.
"""

import json
import os
import re
import socket
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.abspath(os.path.join(HERE, ".."))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(SOURCE, "tests", "pylib"))
sys.path.insert(0, os.path.join(SOURCE, "tests", "e2e"))

import ptytime  # noqa: E402
import neomutt_start  # noqa: E402
import relayproc  # noqa: E402
from agentapi import AgentClient  # noqa: E402
from tui_tmux import TuiSession, _pids_with_arg, ttydesk_binary  # noqa: E402


def rss_kb(config):
	for pid in _pids_with_arg(config):
		with open("/proc/%d/status" % pid) as fp:
			st = dict(l.split(":", 1) for l in fp if ":" in l)
		return (int(st["VmRSS"].split()[0]), int(st["VmHWM"].split()[0]))
	return (0, 0)


def all_count(screen):
	m = re.search(r"All (\d+)", screen)
	return int(m.group(1)) if m else -1


def pty_full_frame(config, runs=3):
	"""Seconds from fork to ttydesk's first full frame on a bare 160x50
	pty (ptytime.quiet_time), and its CPU time by then.  The relay is a
	socket that takes the connection and never answers, so nothing from
	the network redraws the screen after that frame.  The best of runs."""
	silent = socket.socket()
	silent.bind(("127.0.0.1", 0))
	silent.listen(16)
	with open(config) as fp:
		text = fp.read()
	offline = config + "-silent"
	with open(offline, "w") as fp:
		fp.write(re.sub(r"url = .*", "url = http://127.0.0.1:%d" %
		    silent.getsockname()[1], text))
	try:
		return ptytime.best_quiet_time([ttydesk_binary(), "--config",
		    offline], runs)
	finally:
		os.remove(offline)
		silent.close()


def in_process_restart(cache_dir, key_file):
	"""bench_tui_cache on a copy of the cache: its figure lines."""
	prog = os.path.join(os.environ.get("TTYDESK_BUILD_DIR", ""), "bench",
	    "bench_tui_cache")
	if not os.path.exists(prog):
		return ["(bench_tui_cache not built: %s)" % prog]
	copy = tempfile.mkdtemp(prefix="ttydesk-window-cache-")
	try:
		shutil.copytree(cache_dir, os.path.join(copy, "cache"))
		os.remove(os.path.join(copy, "cache", "lock"))
		out = subprocess.run([prog, os.path.join(copy, "cache"),
		    key_file], capture_output=True, text=True, timeout=300)
		return out.stdout.splitlines() + out.stderr.splitlines()
	finally:
		shutil.rmtree(copy, ignore_errors=True)


def cache_bytes(cache_dir):
	return sum(os.path.getsize(os.path.join(cache_dir, f))
	    for f in os.listdir(cache_dir))


def timed_wait(t, pred, timeout, what):
	t0 = time.monotonic()
	t.wait_for(pred, timeout=timeout, what=what)
	return time.monotonic() - t0


def main():
	args = sys.argv[1:]
	window = None
	if len(args) == 3 and args[1] == "--window":
		window = args[2]
		args = args[:1]
	if len(args) != 1:
		sys.exit(__doc__)
	src = os.path.abspath(args[0])
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
		t = TuiSession(url, world["agent_token"], width=160, height=50,
		    extra="\n[cache]\nwindow = %s\n" % window if window else "")
		print("world: %d messages, %d conversations, %d open; window %s" % (
		    world["messages"], world["conversations"], world["open"],
		    window or "30d (default)"))
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

		total = all_count(s)
		cache_dir = os.path.join(t.dir, "cache")
		print("cache: %.1f MB" % (cache_bytes(cache_dir) / 1e6))
		t0 = time.monotonic()
		t.start()
		t.wait_for(lambda s: all_count(s) == total and
		    "loading the cache" not in s, timeout=60,
		    what="the first full frame")
		frame = time.monotonic() - t0
		t.wait_for("online", timeout=60)
		rss = rss_kb(t.config)
		print("restart to first full frame, tmux: %.3f s (tmux polling "
		    "included); RSS %d kB, peak %d kB" % (frame, rss[0], rss[1]))
		t.keys("Escape", "q")
		t.wait_for("TTYDESK-EXIT=", timeout=60)
		t.tmux("kill-server", check=False)
		t.started = False
		ff = pty_full_frame(t.config)
		if ff is None:
			print("restart on a bare pty: the full frame never came")
		else:
			print("restart to first full frame, bare pty: %.3f s, cpu "
			    "%.3f s (best of 3, fork to the last byte before quiet, "
			    "relay silent)" % ff)
		for line in in_process_restart(cache_dir, os.path.join(t.dir,
		    "cache.key")):
			print("restart in-process: " + line)
		# The yardstick, on the same messages (up to 100k: a maildir of a
		# million files is a benchmark of its own).
		if world["messages"] <= 100000 and ff is not None:
			nm = neomutt_start.measure(world["messages"],
			    neomutt_start.build_dir())
			if nm is None:
				print("neomutt: not installed, no comparison")
			else:
				print("neomutt start on the same %d messages (maildir, "
				    "warm header cache): %.3f s, cpu %.3f s; ttydesk "
				    "%.1fx faster (wall), %.1fx (cpu)" % (
				    world["messages"], nm[0], nm[1], nm[0] / ff[0],
				    nm[1] / max(ff[1], 0.01)))
		t.start()
		t.wait_for("online", timeout=60)

		# The customer's number of the oldest conversation: one word that
		# only it holds (its texts share their words with every other).
		cl = AgentClient(url, world["agent_token"])
		r = cl.call("GET", "/v1/conversations/%s/messages?limit=1" %
		    world["oldest_conversation"])
		number = [e["message"]["from"] for e in r.data["events"]
		    if e.get("type") == "message"][0]
		# window_world.py numbers customer k 1555 + k in 8 digits.
		newest = "message 19 of conversation %d:" % int(number[4:])
		t.keys("/")
		t.literal(number)
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
		opened = timed_wait(t, newest, 60,
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
