#!/usr/bin/env python3
"""Webhook ingest per second on this machine: one relay on SQLite, one
relay on PostgreSQL, two relays on one PostgreSQL database (webhooks
spread round-robin, as a load balancer would).  Every webhook is signed
and answered 200 only after its commit; PostgreSQL runs with fsync on,
like SQLite's synchronous=FULL.  Clients: 16 threads with keep-alive
connections in 4 processes, bodies signed beforehand.  Then the
cross-relay wake time: a long-poll parked on relay B, a webhook to relay A,
time from A's 200 to B's answer (p50, p99 of 100).

usage: relay_pg.py [webhooks [rounds]]    (env TTYDESK_BUILD_DIR: the relay to run)
"""

import http.client
import json
import os
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "pylib"))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "fake"))

import fake_graph  # noqa: E402
import pgcluster  # noqa: E402
import relayproc  # noqa: E402
import wa_payloads as wp  # noqa: E402

PNID = "106540352242922"
CLIENTS = 16
PROCS = 4


def bodies(n, secret):
	customers = [wp.Customer("1555%08d" % (7000000 + i), None, "Bench %d" % i)
	    for i in range(64)]
	out = []
	for i in range(n):
		c = customers[i % len(customers)]
		m = wp.inbound_message(c, "text", text="bench %d" % i)
		raw = wp.to_bytes(wp.envelope([wp.message_value(PNID, "15550100",
		    c, [m])]))
		out.append((raw, wp.sign(secret, raw)))
	return out


def client(url, work, failures, lock):
	host, port = url.split("//")[1].split(":")
	conn = http.client.HTTPConnection(host, int(port), timeout=60)
	for raw, sig in work:
		try:
			conn.request("POST", "/webhook", body=raw, headers={
			    "Content-Type": "application/json",
			    "X-Hub-Signature-256": sig})
			r = conn.getresponse()
			r.read()
			ok = r.status == 200
		except (OSError, http.client.HTTPException):
			conn.close()
			conn = http.client.HTTPConnection(host, int(port), timeout=60)
			ok = False
		if not ok:
			with lock:
				failures[0] += 1
	conn.close()


def blast(urls, work):
	"""Posts work from PROCS processes of CLIENTS // PROCS threads (one
	Python process alone is slower than the relay), connection k to
	urls[k % len(urls)]; returns (seconds, failures)."""
	per = CLIENTS // PROCS
	t0 = time.monotonic()
	kids = []
	for p in range(PROCS):
		rfd, wfd = os.pipe()
		pid = os.fork()
		if pid == 0:
			os.close(rfd)
			failures, lock = [0], threading.Lock()
			ts = [threading.Thread(target=client, args=(urls[(p * per + i)
			    % len(urls)], work[p * per + i::CLIENTS], failures, lock))
			    for i in range(per)]
			for t in ts:
				t.start()
			for t in ts:
				t.join()
			os.write(wfd, b"%d" % failures[0])
			os._exit(0)
		os.close(wfd)
		kids.append((pid, rfd))
	failed = 0
	for pid, rfd in kids:
		with os.fdopen(rfd, "rb") as fp:
			failed += int(fp.read() or b"0")
		os.waitpid(pid, 0)
	return time.monotonic() - t0, failed


def run(n, database_for, count):
	"""One round: count relays on database_for(); returns webhooks/s."""
	fake = fake_graph.FakeGraph("pending", "pending", PNID,
	    status_delays=None).start()
	relays = []
	try:
		db = database_for()
		first = None
		for i in range(count):
			kw = {}
			if first is not None:
				kw = dict(app_secret=first.app_secret,
				    access_token=first.access_token,
				    agents=list(first.agents.values()))
			r = relayproc.Relay(fake.graph_url, phone_number_id=PNID,
			    database=db, **kw)
			r.start()
			relays.append(r)
			first = first or r
		work = bodies(n, first.app_secret)
		blast([r.url for r in relays], work[:200])   # warm up
		secs, failed = blast([r.url for r in relays], work[200:])
		if failed:
			print("  (%d webhooks not acknowledged)" % failed)
		return (n - 200) / secs
	finally:
		for r in relays:
			r.stop()
			r.cleanup()
		fake.stop()


def wake(db, rounds=100):
	"""Long-poll on relay B, webhook to relay A: time from A's 200 to
	B's answer."""
	fake = fake_graph.FakeGraph("pending", "pending", PNID,
	    status_delays=None).start()
	a = relayproc.Relay(fake.graph_url, phone_number_id=PNID, database=db)
	b = relayproc.Relay(fake.graph_url, phone_number_id=PNID, database=db,
	    app_secret=a.app_secret, access_token=a.access_token,
	    agents=list(a.agents.values()))
	token = a.agents["alice"].token
	work = bodies(rounds, a.app_secret)
	waits = []
	try:
		a.start()
		b.start()
		host, port = a.url.split("//")[1].split(":")
		hook = http.client.HTTPConnection(host, int(port), timeout=30)
		after = 0
		for raw, sig in work:
			box = {}

			def poll():
				c = http.client.HTTPConnection("127.0.0.1", b.port,
				    timeout=30)
				c.request("GET", "/v1/sync?after=%d&wait=10" % after,
				    headers={"Authorization": "Bearer " + token})
				box["body"] = c.getresponse().read()
				box["t"] = time.monotonic()
				c.close()

			t = threading.Thread(target=poll)
			t.start()
			time.sleep(0.02)
			hook.request("POST", "/webhook", body=raw, headers={
			    "Content-Type": "application/json",
			    "X-Hub-Signature-256": sig})
			hook.getresponse().read()
			acked = time.monotonic()
			t.join()
			waits.append(max(0.0, box["t"] - acked))
			after = json.loads(box["body"])["next"]
	finally:
		for r in (a, b):
			r.stop()
			r.cleanup()
		fake.stop()
	waits.sort()
	print("cross-relay wake (webhook to A, long-poll on B), p50: %.1f ms" %
	    (waits[len(waits) // 2] * 1000))
	print("cross-relay wake (webhook to A, long-poll on B), p99: %.1f ms" %
	    (waits[int(0.99 * (len(waits) - 1) + 0.5)] * 1000))


def main(argv):
	n = int(argv[1]) if len(argv) > 1 else 4000
	rounds = int(argv[2]) if len(argv) > 2 else 3
	print("(%d signed webhooks, %d client connections, %d CPUs, %d rounds "
	    "with the scenarios interleaved, best and median as the machine "
	    "is shared)" % (n, CLIENTS, os.cpu_count() or 0, rounds))
	scenarios = [("SQLite, 1 relay", lambda: "relay.db", 1)]
	cluster = None
	if pgcluster.available():
		cluster = pgcluster.Cluster(durable=True).start()
		scenarios += [("PostgreSQL, 1 relay", cluster.new_database, 1),
		    ("PostgreSQL, 2 relays", cluster.new_database, 2)]
	else:
		print("PostgreSQL not installed: scripts/install-deps")
	rates = {s[0]: [] for s in scenarios}
	try:
		for _ in range(rounds):
			for label, db, count in scenarios:
				rates[label].append(run(n, db, count))
		if cluster:
			wake(cluster.new_database())
	finally:
		if cluster:
			cluster.stop()
	for label, _, _ in scenarios:
		v = sorted(rates[label])
		print("ingest, %s, best: %.0f webhooks/s" % (label, v[-1]))
		print("ingest, %s, median: %.0f webhooks/s" % (label,
		    v[len(v) // 2]))
	return 0


if __name__ == "__main__":
	sys.exit(main(sys.argv))
