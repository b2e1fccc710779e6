#!/usr/bin/env python3
"""Relay storage per message and search latency on SQLite.

Builds a relay database of N inbound text messages (about 100 bytes of
text each, 20 per customer, timestamps spread over the last 400 days)
through the relay's real webhook intake, then prints:

  * the file's bytes per message, and bytes per message of every table
    and index (SQLite's dbstat), search index included;
  * /v1/search latency, p50 and p99 over 100 queries, for a word found only
    in one conversation older than 200 days (that conversation resolved),
    and for common words (newest page of many hits).

usage: relay_storage.py [N ...]    (default 100000; e.g. 100000 1000000)
env TTYDESK_BUILD_DIR: the relay to run (a Release build measures best).
"""

import http.client
import json
import os
import random
import sqlite3
import sys
import threading
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "pylib"))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "fake"))

import relayproc  # noqa: E402
import wa_payloads as wp  # noqa: E402

PNID = "106540352242922"
PER_CONV = 20
PER_HOOK = 100          # messages per webhook (5 customers)
CLIENTS = 4
DAY = 86400
SPAN = 400 * DAY


def vocabulary(rng, n=20000):
	letters = "abcdefghijklmnopqrstuvwxyz"
	words = set()
	while len(words) < n:
		words.add("".join(rng.choice(letters)
		    for _ in range(rng.randint(3, 9))))
	return sorted(words)


def marker(k):
	"""A word found in customer k's conversation only."""
	return "zq%05dx" % k


def text_for(rng, vocab, cum, k, j):
	words = [marker(k)] if j == 0 else []
	words += rng.choices(vocab, cum_weights=cum, k=24)
	return " ".join(words)[:100].rsplit(" ", 1)[0]


def hooks(n, now, secret):
	"""Yields (raw body, signature) webhooks holding n messages."""
	rng = random.Random(16)
	vocab = vocabulary(rng)
	cum, total = [], 0.0
	for i in range(len(vocab)):
		total += 1.0 / (i + 1)
		cum.append(total)
	start = now - SPAN
	i = 0
	while i < n:
		values = []
		for _ in range(PER_HOOK // PER_CONV):
			if i >= n:
				break
			k = i // PER_CONV
			c = wp.Customer("1555%07d" % k, None, "Customer %d" % k)
			msgs = []
			for j in range(PER_CONV):
				if i >= n:
					break
				ts = start + i * SPAN // n
				msgs.append(wp.inbound_message(c, "text",
				    text=text_for(rng, vocab, cum, k, j),
				    timestamp=ts))
				i += 1
			values.append(wp.message_value(PNID, "15550100", c, msgs))
		raw = wp.to_bytes(wp.envelope(values))
		yield raw, wp.sign(secret, raw)


def post_all(url, work):
	u = urllib.parse.urlsplit(url)
	lock = threading.Lock()
	failures = [0]
	it = iter(work)

	def client():
		conn = http.client.HTTPConnection(u.hostname, u.port, timeout=120)
		while True:
			with lock:
				item = next(it, None)
			if item is None:
				break
			raw, sig = item
			conn.request("POST", "/webhook", body=raw, headers={
			    "Content-Type": "application/json",
			    "X-Hub-Signature-256": sig})
			r = conn.getresponse()
			r.read()
			if r.status != 200:
				with lock:
					failures[0] += 1
		conn.close()

	threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
	for t in threads:
		t.start()
	for t in threads:
		t.join()
	return failures[0]


def get(url, token, path, method="GET", body=None):
	u = urllib.parse.urlsplit(url)
	conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
	hdrs = {"Authorization": "Bearer " + token}
	if body is not None:
		body = json.dumps(body).encode()
		hdrs["Content-Type"] = "application/json"
	conn.request(method, path, body=body, headers=hdrs)
	r = conn.getresponse()
	data = r.read()
	conn.close()
	return r.status, data


def pct(v, p):
	v = sorted(v)
	return v[min(len(v) - 1, int(p * (len(v) - 1) + 0.5))]


def search_times(url, token, queries):
	times, found = [], 0
	for q, want in queries:
		path = "/v1/search?limit=20&q=" + urllib.parse.quote(q)
		t0 = time.monotonic()
		status, data = get(url, token, path)
		times.append((time.monotonic() - t0) * 1e3)
		if status != 200:
			return None, 0
		if want is None or any(h["conversation"] == want
		    for h in json.loads(data)["results"]):
			found += 1
	return times, found


def measure_search(url, token, n, now):
	rng = random.Random(7)
	convs = (n + PER_CONV - 1) // PER_CONV
	# Customers whose conversation ended over 200 days ago.
	old = [k for k in range(convs)
	    if (k + 1) * PER_CONV * SPAN // n < SPAN - 200 * DAY]
	picks = rng.sample(old, min(100, len(old)))
	targets = []
	for k in picks:
		status, data = get(url, token, "/v1/search?q=" + marker(k))
		if status != 200:
			print("search: not available (HTTP %d)" % status)
			return
		res = json.loads(data)["results"]
		if res:
			conv = res[0]["conversation"]
			get(url, token, "/v1/conversations/%s/status" % conv,
			    "POST", {"status": "resolved"})
			targets.append((marker(k), conv))
	times, found = search_times(url, token, targets)
	print("search old word: p50 %.2f ms, p99 %.2f ms over %d queries, "
	    "%d of %d found the old resolved conversation" % (pct(times, 0.5),
	    pct(times, 0.99), len(times), found, len(targets)))
	vocab = vocabulary(random.Random(16))
	common = [(w, None) for w in vocab[:100]]
	times, _ = search_times(url, token, common)
	print("search common word: p50 %.2f ms, p99 %.2f ms over %d queries"
	    % (pct(times, 0.5), pct(times, 0.99), len(times)))
	times, _ = search_times(url, token, [(w[:3] + "*", None)
	    for w, _ in common])
	print("search prefix (3 letters*): p50 %.2f ms, p99 %.2f ms over %d "
	    "queries" % (pct(times, 0.5), pct(times, 0.99), len(times)))


def storage(path, n):
	db = sqlite3.connect(path)
	rows = db.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name "
	    "ORDER BY 2 DESC").fetchall()
	db.close()
	size = os.path.getsize(path)
	print("database: %.1f MB, %.0f bytes/message (%d messages)" % (
	    size / 1e6, size / n, n))
	for name, b in rows:
		if b / n >= 0.5:
			print("  %-28s %7.1f bytes/message" % (name, b / n))


def run(n):
	now = int(time.time())
	relay = relayproc.Relay(graph_url="http://127.0.0.1:9",
	    max_body=64 << 20, relay_options={"threads": "4"})
	token = list(relay.agents.values())[0].token
	try:
		relay.start()
		t0 = time.monotonic()
		failed = post_all(relay.url, hooks(n, now, relay.app_secret))
		dt = time.monotonic() - t0
		print("%d messages: ingested in %.1f s (%.0f messages/s), %d "
		    "webhooks failed" % (n, dt, n / dt, failed))
		measure_search(relay.url, token, n, now)
		relay.stop()
		storage(relay.db, n)
	finally:
		relay.cleanup()


def main():
	sys.stdout.reconfigure(line_buffering=True)
	for a in sys.argv[1:] or ["100000"]:
		run(int(a))


if __name__ == "__main__":
	main()
