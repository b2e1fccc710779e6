#!/usr/bin/env python3
"""Two relays on one PostgreSQL database, as behind a load balancer:
a webhook stored by A wakes a long-poll on B (LISTEN/NOTIFY, wake time
measured), 1,000 sends spread over both relays reach the Graph API
exactly once each, and `kill -9` of A in the middle of a burst of
webhooks and sends loses nothing acknowledged, sends nothing twice, and
B carries on (A's claims are taken over after their lease)."""

import os
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
    "..", "pylib"))
from harness import unique_phone, wp  # noqa: E402
from agentapi import AgentClient, WebhookClient, wait_until  # noqa: E402
import fake_graph  # noqa: E402
import pgcluster  # noqa: E402
import relayproc  # noqa: E402

PNID = "106540352242922"


def percentile(values, p):
	v = sorted(values)
	return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))]


@unittest.skipUnless(pgcluster.available(), "no PostgreSQL server binaries")
class TwoRelays(unittest.TestCase):
	def setUp(self):
		self.fake = fake_graph.FakeGraph("pending", "pending", PNID,
		    status_delays=None)
		self.fake.start()
		self.addCleanup(self.fake.stop)
		uri = pgcluster.shared().new_database()
		a = relayproc.Relay(self.fake.graph_url, phone_number_id=PNID,
		    database=uri, relay_options={"send_timeout": "2s"})
		b = relayproc.Relay(self.fake.graph_url, phone_number_id=PNID,
		    database=uri, app_secret=a.app_secret,
		    access_token=a.access_token, verify_token=a.verify_token,
		    agents=list(a.agents.values()),
		    relay_options={"send_timeout": "2s"})
		self.relays = [a, b]
		for r in self.relays:
			self.addCleanup(r.cleanup)
			r.start()
		self.fake.access_token = a.access_token
		self.fake.app_secret = a.app_secret
		self.fake.display_phone_number = "15550100"
		self.fake.set_relay_url(b.url)
		token = a.agents["alice"].token
		self.agent = [AgentClient(r.url, token) for r in self.relays]
		self.hooks = [WebhookClient(r.url, a.app_secret)
		    for r in self.relays]

	def tearDown(self):
		for r in self.relays:
			if r.running():
				self.assertEqual(r.stop(), 0, r.log_tail())

	def inbound(self, which, text=None, customer=None):
		"""A customer message posted to relay `which`; (message, status)."""
		c = customer or self.fake.customer(unique_phone(), None, "Multi")
		m = wp.inbound_message(c, "text", text=text or "hi")
		body = wp.envelope([wp.message_value(PNID, "15550100", c, [m])])
		return m, self.hooks[which].post(body).status

	def conversations(self, n, which=0):
		convs = []
		for i in range(n):
			m, code = self.inbound(which, "start %d" % i)
			self.assertEqual(code, 200)
			convs.append(m["id"])
		evs = self.agent[which].all_events()
		by_wamid = {e["message"]["id"]: e["conversation"] for e in evs
		    if e["type"] == "message"}
		return [by_wamid[w] for w in convs]

	def test_webhook_to_a_wakes_long_poll_on_b(self):
		self.conversations(1)
		waits, seqs = [], []
		for i in range(40):
			after = self.agent[1].sync(0, limit=1).data["next"]
			last = self.agent[1].all_events(after)
			after = last[-1]["seq"] if last else after
			got = {}

			def poll():
				r = self.agent[1].sync(after, wait=10)
				got["t"] = time.monotonic()
				got["r"] = r

			t = threading.Thread(target=poll)
			t.start()
			time.sleep(0.05)   # the long-poll is parked on B
			m, code = self.inbound(0, "wake %d" % i)
			acked = time.monotonic()
			self.assertEqual(code, 200)
			t.join(15)
			self.assertFalse(t.is_alive())
			r = got["r"]
			self.assertEqual(r.status, 200, r)
			self.assertTrue(any(e["type"] == "message" and
			    e["message"]["id"] == m["id"] for e in r.data["events"]),
			    r.data)
			waits.append(max(0.0, got["t"] - acked))
			seqs += [e["seq"] for e in r.data["events"]]
		p50, p99 = percentile(waits, 50), percentile(waits, 99)
		sys.stderr.write("cross-relay wake after the webhook's 200: "
		    "p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d wakes)\n" % (
		    p50 * 1000, p99 * 1000, max(waits) * 1000, len(waits)))
		# The target is 100 ms; the assertion leaves room for a loaded
		# CI machine (2 shared cores) without hiding a missed NOTIFY,
		# which would cost the whole 10 s wait.
		self.assertLess(p99, 0.5, waits)
		self.assertEqual(seqs, sorted(set(seqs)))

	def test_one_seq_no_gaps_across_relays(self):
		done = []

		def burst(which):
			for i in range(60):
				done.append(self.inbound(which, "seq %d" % i)[1])

		ts = [threading.Thread(target=burst, args=(w,)) for w in (0, 1)]
		for t in ts:
			t.start()
		for t in ts:
			t.join()
		self.assertEqual(done, [200] * 120)
		for a in self.agent:
			evs = a.all_events()
			seqs = [e["seq"] for e in evs]
			self.assertEqual(seqs, list(range(1, len(seqs) + 1)))
			self.assertEqual(len([e for e in evs if e["type"] ==
			    "message"]), 120)

	def test_database_connections_dropped(self):
		# A PostgreSQL restart or a proxy closing idle connections: every
		# relay connection (writer, reader, listener) is cut.
		self.conversations(1)
		db = self.relays[0].database.split("/")[3].split("?")[0]
		killed = pgcluster.shared().psql("SELECT COUNT(pg_terminate_backend("
		    "pid)) FROM pg_stat_activity WHERE datname = '%s' AND pid <> "
		    "pg_backend_pid()" % db, db)
		self.assertGreaterEqual(int(killed), 6)   # 3 per relay
		after = self.agent[1].all_events()[-1]["seq"]
		m, code = self.inbound(0, "after the cut")
		self.assertEqual(code, 200)
		r = self.agent[1].sync(after, wait=10)
		self.assertEqual(r.status, 200, r)
		self.assertIn(m["id"], [e["message"]["id"] for e in
		    r.data["events"] if e["type"] == "message"])
		# The listener is back: a long-poll on B wakes for A again.
		wait_until(lambda: int(pgcluster.shared().psql("SELECT COUNT(*) "
		    "FROM pg_stat_activity WHERE datname = '%s' AND query LIKE "
		    "'LISTEN%%'" % db, db)) >= 2, timeout=10, what="listeners back")
		after = r.data["next"]
		got = {}
		t = threading.Thread(target=lambda: got.update(
		    r=self.agent[1].sync(after, wait=10), t=time.monotonic()))
		t.start()
		time.sleep(0.1)
		m, code = self.inbound(0, "wake after the cut")
		acked = time.monotonic()
		t.join(15)
		self.assertIn(m["id"], [e["message"]["id"] for e in
		    got["r"].data["events"] if e["type"] == "message"])
		self.assertLess(got["t"] - acked, 1.0)

	def test_1000_sends_exactly_once(self):
		convs = self.conversations(20)
		texts = ["bulk %d %s" % (i, wp.new_media_id()) for i in range(1000)]
		codes = {}

		def sender(k):
			for i in range(k, len(texts), 8):
				r = self.agent[i % 2].send_text(convs[i % len(convs)],
				    texts[i])
				codes[i] = r.status

		ts = [threading.Thread(target=sender, args=(k,)) for k in range(8)]
		t0 = time.monotonic()
		for t in ts:
			t.start()
		for t in ts:
			t.join()
		self.assertEqual(sorted(set(codes.values())), [202])
		want = set(texts)
		wait_until(lambda: len([s for s in self.fake.accepted_sends()
		    if s["body"].get("text", {}).get("body") in want]) >= 1000,
		    timeout=120, what="1000 sends at the fake")
		took = time.monotonic() - t0
		time.sleep(1.5)   # a second send would show up by now
		got = [s["body"]["text"]["body"] for s in self.fake.accepted_sends()
		    if s["body"].get("text", {}).get("body") in want]
		self.assertEqual(len(got), 1000)
		self.assertEqual(set(got), want)
		# Both relays' senders took part.
		relays = pgcluster.shared().psql("SELECT COUNT(DISTINCT "
		    "split_part(claimed_by, '/', 2)) FROM outbound",
		    self.relays[0].database.split("/")[3].split("?")[0])
		self.assertEqual(relays.strip(), "2")
		sys.stderr.write("1000 sends over 2 relays: %.1f s\n" % took)
		# Every send ends "sent" in the one log.
		evs = self.agent[1].all_events()
		sent = {e["status"]["message"] for e in evs if e["type"] ==
		    "status" and e["status"]["status"] == "sent"}
		outs = {e["message"]["id"] for e in evs if e["type"] == "message"
		    and e["message"]["direction"] == "out"}
		self.assertEqual(len(outs), 1000)
		wait_until(lambda: outs <= {e["status"]["message"] for e in
		    self.agent[1].all_events() if e["type"] == "status" and
		    e["status"]["status"] == "sent"}, timeout=30,
		    what="sent statuses")

	def test_kill_a_mid_burst(self):
		convs = self.conversations(10)
		acked_in, acked_out = {}, {}
		lock = threading.Lock()
		stop = threading.Event()

		def hooks(k):
			i = 0
			while not stop.is_set() and i < 150:
				which = (i + k) % 2
				text = "in %d %d" % (k, i)
				try:
					m, code = self.inbound(which, text)
				except OSError:
					code = 0
				if code != 200:   # a load balancer retries on B
					m, code = self.inbound(1, text)
				if code == 200:
					with lock:
						acked_in[m["id"]] = text
				i += 1

		def sends(k):
			i = 0
			while not stop.is_set() and i < 100:
				which = (i + k) % 2
				text = "out %d %d %s" % (k, i, wp.new_media_id())
				conv = convs[(i + k) % len(convs)]
				cid = "cid-%d-%d" % (k, i)
				try:
					r = self.agent[which].send_text(conv, text, client_id=cid)
				except OSError:
					r = None
				if r is None or r.status != 202:
					r = self.agent[1].send_text(conv, text, client_id=cid)
				if r.status == 202:
					with lock:
						acked_out[r.data["message"]["id"]] = text
				i += 1

		ts = [threading.Thread(target=hooks, args=(k,)) for k in range(3)]
		ts += [threading.Thread(target=sends, args=(k,)) for k in range(3)]
		for t in ts:
			t.start()
		wait_until(lambda: len(acked_in) + len(acked_out) > 200,
		    timeout=60, what="burst under way")
		self.relays[0].kill()
		for t in ts:
			t.join(120)
		self.assertGreater(len(acked_in), 300)
		self.assertGreater(len(acked_out), 200)

		b = self.agent[1]
		# Every acknowledged webhook is in the log, once.
		evs = b.all_events()
		ins = [e["message"]["id"] for e in evs if e["type"] == "message"
		    and e["message"]["direction"] == "in"]
		for wamid in acked_in:
			self.assertEqual(ins.count(wamid), 1, wamid)
		self.assertEqual(len(ins), len(set(ins)))
		# Every acknowledged send ends sent (B sent it) or failed as
		# "delivery unknown" (A died while it was in flight, B took it
		# over after the lease): reported, never resent.
		def final():
			evs = b.all_events()
			st = {}
			for e in evs:
				if e["type"] == "status" and e["status"]["message"] in \
				    acked_out and e["status"]["status"] in ("sent",
				    "failed"):
					st[e["status"]["message"]] = e["status"]
			return st if len(st) == len(acked_out) else None

		st = wait_until(final, timeout=90, what="every send settled")
		got = [s["body"]["text"]["body"] for s in self.fake.accepted_sends()
		    if s["body"].get("type") == "text"]
		unknown = 0
		for lid, text in acked_out.items():
			n = got.count(text)
			self.assertLessEqual(n, 1, text)
			if st[lid]["status"] == "sent":
				self.assertEqual(n, 1, text)
			else:
				self.assertEqual(st[lid]["error"]["title"],
				    "delivery unknown", st[lid])
				unknown += 1
		sys.stderr.write("kill -9 mid-burst: %d webhooks and %d sends "
		    "acknowledged, %d sends delivery-unknown (A's in flight)\n" % (
		    len(acked_in), len(acked_out), unknown))
		self.assertLess(unknown, 64)
		# B carries on.
		m, code = self.inbound(1, "after the kill")
		self.assertEqual(code, 200)
		r = b.send_text(convs[0], "still here")
		self.assertEqual(r.status, 202)
		wait_until(lambda: [s for s in self.fake.accepted_sends() if
		    s["body"].get("text", {}).get("body") == "still here"],
		    timeout=30, what="B sends")


if __name__ == "__main__":
	unittest.main(verbosity=2)
