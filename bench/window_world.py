#!/usr/bin/env python3
"""The cost of the open work, not of the history (docs/api.md, "Windowed
sync and history"), on a relay that holds a big world:

  N messages (100-byte texts) in N/20 conversations over 200 days of
  timestamps, one customer each; the 2,500 conversations with the newest
  messages open, the rest resolved.

The world is built through the relay itself: signed webhooks (20 messages
from one customer per webhook, from 4 processes), then POST /v1/bulk to
resolve.  It is kept in build/bench/window-world-SIZE/ (relay.conf,
relay.db, world.json with the agent token) so other benchmarks can start
a relay on it, and reused by the next run (--rebuild makes it anew).

Then it prints: the database's bytes and bytes per message; the time of a
whole snapshot (every page) for since = 30 days before the world's
"now"; the time of the newest history page of the oldest conversation
(200 days old); a page of resolved conversations; and, for comparison,
the old full replay /v1/sync?after=0.

usage: window_world.py [SIZE] [--rebuild]   SIZE: 100k (default), 1M, 10M
or a number of messages.  (env TTYDESK_BUILD_DIR: the relay to run.)
"""

import http.client
import json
import multiprocessing
import os
import shutil
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.abspath(os.path.join(HERE, ".."))
sys.path.insert(0, os.path.join(SOURCE, "tests", "pylib"))
sys.path.insert(0, os.path.join(SOURCE, "tests", "fake"))

import relayproc  # noqa: E402
import wa_payloads as wp  # noqa: E402

DAY = 86400
SPAN = 200 * DAY
PER_CONV = 20
OPEN = 2500
PNID = "106540352242922"
WORKERS = 4


def parse_size(s):
	mult = {"k": 10 ** 3, "m": 10 ** 6, "g": 10 ** 9}
	s = s.strip().lower()
	if s and s[-1] in mult:
		return int(float(s[:-1]) * mult[s[-1]])
	return int(s)


def label(n):
	for unit, v in (("M", 10 ** 6), ("k", 10 ** 3)):
		if n >= v and n % v == 0:
			return "%d%s" % (n // v, unit)
	return str(n)


def text_of(k, j):
	head = "message %d of conversation %d: " % (j, k)
	pad = "the quick brown fox jumps over the lazy dog " * 3
	return (head + pad)[:100]


def conv_start(k, convs, now):
	"""Conversation k's first message; the last one ends before now."""
	return now - SPAN + k * (SPAN - 3600) // convs


def webhook(k, convs, now, secret):
	c = wp.Customer("1555%08d" % k, None, "Customer %d" % k)
	t0 = conv_start(k, convs, now)
	msgs = [wp.inbound_message(c, "text", text=text_of(k, j),
	    timestamp=t0 + j * 90, wamid="wamid.bench.%d.%d" % (k, j))
	    for j in range(PER_CONV)]
	raw = wp.to_bytes(wp.envelope([wp.message_value(PNID, "15550100", c,
	    msgs)]))
	return raw, wp.sign(secret, raw)


def post_part(args):
	"""One process: the webhooks of conversations k = part mod WORKERS."""
	url, part, convs, now, secret = args
	host, port = url.split("//")[1].split(":")
	conn = http.client.HTTPConnection(host, int(port), timeout=120)
	failed = 0
	for k in range(part, convs, WORKERS):
		raw, sig = webhook(k, convs, now, secret)
		for attempt in range(5):
			try:
				conn.request("POST", "/webhook", body=raw, headers={
				    "Content-Type": "application/json",
				    "X-Hub-Signature-256": sig})
				r = conn.getresponse()
				r.read()
				if r.status == 200:
					break
			except (OSError, http.client.HTTPException):
				conn.close()
				conn = http.client.HTTPConnection(host, int(port),
				    timeout=120)
			time.sleep(0.2 * (attempt + 1))
		else:
			failed += 1
	conn.close()
	return failed


class Client:
	"""An agent's keep-alive connection."""

	def __init__(self, url, token):
		host, port = url.split("//")[1].split(":")
		self.addr = (host, int(port))
		self.token = token
		self.conn = http.client.HTTPConnection(*self.addr, timeout=600)

	def call(self, method, path, body=None):
		h = {"Authorization": "Bearer " + self.token}
		data = None
		if body is not None:
			data = json.dumps(body).encode()
			h["Content-Type"] = "application/json"
		self.conn.request(method, path, body=data, headers=h)
		r = self.conn.getresponse()
		raw = r.read()
		if r.status != 200:
			raise RuntimeError("%s %s: %d %s" % (method, path, r.status,
			    raw[:300]))
		return raw


def all_conversations(cl):
	"""(id, last_ts) of every conversation, newest first."""
	out, before = [], None
	while True:
		q = "/v1/conversations?limit=200"
		if before is not None:
			q += "&before=%d" % before
		d = json.loads(cl.call("GET", q))
		out += [(c["id"], c["last_ts"]) for c in d["conversations"]]
		if not d["more"]:
			return out
		before = d["conversations"][-1]["last_ts"]


def resolve(url, token, ids):
	cl = Client(url, token)
	for i in range(0, len(ids), 50):
		cl.call("POST", "/v1/bulk", {"client_id": "resolve-%s" % ids[i],
		    "conversations": ids[i:i + 50], "action": {"status":
		    "resolved"}})


def build_world(d, n):
	convs = n // PER_CONV
	now = int(time.time())
	if os.path.isdir(d):
		shutil.rmtree(d)
	os.makedirs(d)
	relay = relayproc.Relay("http://127.0.0.1:9/v21.0", workdir=d)
	relay.start()
	try:
		print("building: %d messages in %d conversations (%s)" % (n,
		    convs, d), flush=True)
		t0 = time.monotonic()
		with multiprocessing.Pool(WORKERS) as pool:
			failed = sum(pool.map(post_part, [(relay.url, p, convs, now,
			    relay.app_secret) for p in range(WORKERS)]))
		if failed:
			raise RuntimeError("%d webhooks refused" % failed)
		t = time.monotonic() - t0
		print("ingest: %.0f messages/s (%.1f s)" % (n / t, t), flush=True)
		token = relay.agents["alice"].token
		t0 = time.monotonic()
		listed = all_conversations(Client(relay.url, token))
		if len(listed) != convs:
			raise RuntimeError("%d conversations listed, %d made" %
			    (len(listed), convs))
		shut = [c for c, _ in listed[OPEN:]]
		chunk = (len(shut) + WORKERS - 1) // WORKERS
		with ThreadPoolExecutor(WORKERS) as ex:
			list(ex.map(lambda i: resolve(relay.url, token,
			    shut[i:i + chunk]), range(0, len(shut), chunk)))
		print("resolving: %d conversations in %.1f s" % (len(shut),
		    time.monotonic() - t0), flush=True)
		world = {"messages": convs * PER_CONV, "conversations": convs,
		    "open": min(OPEN, convs), "now": now,
		    "database": relay.db, "config": relay.config_path,
		    "app_secret": relay.app_secret,
		    "access_token": relay.access_token,
		    "agent": "alice", "agent_token": token,
		    "oldest_conversation": listed[-1][0],
		    "oldest_last_ts": listed[-1][1]}
	finally:
		relay.stop()
	with open(os.path.join(d, "world.json"), "w") as fp:
		json.dump(world, fp, indent=1)
	return world


def open_world(d):
	"""The world kept by an earlier run, or None."""
	try:
		with open(os.path.join(d, "world.json")) as fp:
			w = json.load(fp)
	except (OSError, ValueError):
		return None
	return w if os.path.exists(w["database"]) else None


def timed(fn, runs=1):
	times = []
	for _ in range(runs):
		t0 = time.monotonic()
		fn()
		times.append(time.monotonic() - t0)
	return times


def cpu_seconds(pid):
	"""CPU time (user + system) a process used so far: on a shared
	machine the wall time also counts waiting for a core."""
	with open("/proc/%d/stat" % pid) as fp:
		f = fp.read().rsplit(")", 1)[1].split()
	return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")


def page_tail(raw):
	"""(more, cursor) from the end of a snapshot page: what a client needs
	to go on, without parsing the events."""
	tail = json.loads("{" + raw[raw.rindex(b'"cursor":'):].decode())
	return tail["more"], tail["cursor"]


def snapshot(cl, since, limit, parse):
	"""Every page; returns (pages, events, bytes).  Without parse, the
	events are not decoded (the relay's time, not Python's)."""
	q = "/v1/snapshot?since=%d&limit=%d" % (since, limit)
	pages = events = size = 0
	through = cursor = None
	more = True
	while more:
		path = q if through is None else "%s&through=%d&cursor=%s" % (q,
		    through, cursor)
		raw = cl.call("GET", path)
		if through is None:
			through = json.loads(raw[:raw.index(b',')] + b"}")["through"]
		if parse:
			d = json.loads(raw)
			events += len(d["events"])
			more, cursor = d["more"], d["cursor"]
		else:
			more, cursor = page_tail(raw)
		pages += 1
		size += len(raw)
	return pages, events, size


def replay(cl):
	after, events, size = 0, 0, 0
	while True:
		raw = cl.call("GET", "/v1/sync?after=%d&limit=5000" % after)
		d = json.loads(raw)
		events += len(d["events"])
		size += len(raw)
		after = d["next"]
		if not d["more"]:
			return events, size


def measure(d, w):
	db = w["database"]
	size = sum(os.path.getsize(p) for p in (db, db + "-wal")
	    if os.path.exists(p))
	print("database: %s" % db)
	print("database size: %.1f MB" % (size / 1e6))
	print("bytes per message: %.0f B" % (size / w["messages"]))
	relay = relayproc.Relay("http://127.0.0.1:9/v21.0", workdir=d,
	    app_secret=w["app_secret"], access_token=w["access_token"],
	    agents=[relayproc.Agent("alice", "Alice Moreau", ["tier1",
	    "tier2"], token=w["agent_token"])])
	t0 = time.monotonic()
	relay.start(timeout=3600)
	print("relay start: %.2f s" % (time.monotonic() - t0))
	try:
		cl = Client(relay.url, w["agent_token"])
		since = w["now"] - 30 * DAY
		for limit in (200, 1000):
			res = []
			c0 = cpu_seconds(relay.proc.pid)
			t = timed(lambda: res.append(snapshot(cl, since, limit,
			    False)), 3)
			cpu = (cpu_seconds(relay.proc.pid) - c0) / 3
			pages, _, nbytes = res[0]
			print("snapshot since 30 days, limit %d: %.2f s (%d pages, "
			    "%.1f MB; best of 3, first %.2f s), relay CPU %.2f s" %
			    (limit, min(t), pages, nbytes / 1e6, t[0], cpu))
		res = []
		t = timed(lambda: res.append(snapshot(cl, since, 200, True)))
		print("snapshot since 30 days, decoded by Python: %.2f s (%d "
		    "events)" % (t[0], res[0][1]))
		conv = w["oldest_conversation"]
		days = (w["now"] - w["oldest_last_ts"]) / DAY
		t = timed(lambda: cl.call("GET", "/v1/conversations/%s/messages?"
		    "limit=50" % conv), 21)
		print("history page of a %.0f-day-old conversation: %.1f ms "
		    "(median of 21, first %.1f ms)" % (days,
		    statistics.median(t) * 1e3, t[0] * 1e3))
		t = timed(lambda: cl.call("GET", "/v1/conversations?status="
		    "resolved&limit=50&before=%d" % (w["oldest_last_ts"] +
		    DAY)), 21)
		print("resolved list page 200 days back: %.1f ms (median of 21)"
		    % (statistics.median(t) * 1e3))
		res = []
		c0 = cpu_seconds(relay.proc.pid)
		t = timed(lambda: res.append(replay(cl)))
		print("full replay /v1/sync?after=0: %.2f s (%d events, %.1f MB, "
		    "decoded by Python), relay CPU %.2f s" % (t[0], res[0][0],
		    res[0][1] / 1e6, cpu_seconds(relay.proc.pid) - c0))
	finally:
		relay.stop()


def main(argv):
	rebuild = "--rebuild" in argv
	args = [a for a in argv if not a.startswith("-")]
	n = parse_size(args[0]) if args else 100000
	if n < PER_CONV:
		print("window_world: SIZE must be at least %d" % PER_CONV,
		    file=sys.stderr)
		return 2
	bench = os.environ.get("TTYDESK_BENCH_BUILD_DIR") or os.path.join(
	    SOURCE, "build", "bench")
	os.environ.setdefault("TTYDESK_BUILD_DIR", bench)
	d = os.path.join(bench, "window-world-%s" % label(n))
	w = None if rebuild else open_world(d)
	if w is None:
		w = build_world(d, n)
	else:
		print("reusing the world in %s" % d)
	print("world: %d messages, %d conversations, %d open" % (w["messages"],
	    w["conversations"], w["open"]))
	measure(d, w)
	return 0


if __name__ == "__main__":
	sys.exit(main(sys.argv[1:]))
