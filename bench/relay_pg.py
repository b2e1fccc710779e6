#!/usr/bin/env python3
"""Webhook ingest per second on this machine: one relay on SQLite, one
relay on PostgreSQL, two relays on one PostgreSQL database (webhooks
spread round-robin, as a load balancer would).  Every webhook is signed
and answered 200 only after its commit; PostgreSQL runs with fsync on,
like SQLite's synchronous=FULL.  Clients: 16 threads with keep-alive
connections, bodies signed beforehand.

usage: relay_pg.py [webhooks]    (env TTYDESK_BUILD_DIR: the relay to run)
"""

import http.client
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


def blast(urls, work):
	"""Posts work over CLIENTS threads, round-robin over urls; returns
	(seconds, failures)."""
	failures = [0]
	lock = threading.Lock()

	def client(k):
		u = urls[k % len(urls)].split("//")[1]
		host, port = u.split(":")
		conn = http.client.HTTPConnection(host, int(port), timeout=60)
		for raw, sig in work[k::CLIENTS]:
			try:
				conn.request("POST", "/webhook", body=raw, headers={
				    "Content-Type": "application/json",
				    "X-Hub-Signature-256": sig})
				r = conn.getresponse()
				r.read()
				ok = r.status == 200
			except (OSError, http.client.HTTPException):
				conn.close()
				conn = http.client.HTTPConnection(host, int(port),
				    timeout=60)
				ok = False
			if not ok:
				with lock:
					failures[0] += 1
		conn.close()

	ts = [threading.Thread(target=client, args=(k,)) for k in range(CLIENTS)]
	t0 = time.monotonic()
	for t in ts:
		t.start()
	for t in ts:
		t.join()
	return time.monotonic() - t0, failures[0]


def run(label, n, database_for, count):
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
		print("ingest, %s: %.0f webhooks/s" % (label, (n - 200) / secs))
		if failed:
			print("  (%d webhooks not acknowledged)" % failed)
	finally:
		for r in relays:
			r.stop()
			r.cleanup()
		fake.stop()


def main(argv):
	n = int(argv[1]) if len(argv) > 1 else 4000
	print("%d signed webhooks, %d client threads, %d CPUs" % (n, CLIENTS,
	    os.cpu_count() or 0))
	run("SQLite, 1 relay", n, lambda: "relay.db", 1)
	if not pgcluster.available():
		print("PostgreSQL not installed: scripts/install-deps")
		return 0
	cluster = pgcluster.Cluster(durable=True).start()
	try:
		run("PostgreSQL, 1 relay", n, cluster.new_database, 1)
		run("PostgreSQL, 2 relays", n, cluster.new_database, 2)
	finally:
		cluster.stop()
	return 0


if __name__ == "__main__":
	sys.exit(main(sys.argv))
