#!/usr/bin/env python3
"""relay-api.md "Several relays on PostgreSQL": two relays with the same
config on one PostgreSQL database serve one business.  One strictly
increasing seq, a webhook acknowledged by one is visible on the other, a
long-poll on B wakes when A stores, each outbound message is sent by
exactly one relay, a dead relay's sends are taken over.  Skipped when
PostgreSQL is not installed."""

import os
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
    "..", "pylib"))
from harness import AgentClient, WebhookClient, wp, unique_phone  # noqa: E402
import fake_graph  # noqa: E402
import pgcluster  # noqa: E402
import relayproc  # noqa: E402


class TwoRelays(unittest.TestCase):

	@classmethod
	def setUpClass(cls):
		cls.pg = pgcluster.PgCluster()
		if not cls.pg.available():
			raise unittest.SkipTest("PostgreSQL not installed")
		cls.pg.start()
		cls.relays = []
		cls.fake = None
		try:
			cls._start()
		except Exception:
			cls._teardown()
			raise

	@classmethod
	def _start(cls):
		uri = cls.pg.create_db("ttydesk")
		cls.fake = fake_graph.FakeGraph("t", "s", "106540352242922",
		    status_delays=(0.05, 0.1, 0.15))
		cls.fake.start()
		a = relayproc.Relay(cls.fake.graph_url, database=uri)
		b = relayproc.Relay(cls.fake.graph_url, database=uri,
		    app_secret=a.app_secret, access_token=a.access_token,
		    verify_token=a.verify_token, agents=list(a.agents.values()))
		cls.relays = [a, b]
		cls.fake.access_token = a.access_token
		cls.fake.app_secret = a.app_secret
		a.port = relayproc.free_port()
		a.write_config()
		p = a.run_cli("migrate", "--config", a.config_path)
		if p.returncode != 0:
			raise AssertionError("ttydesk-relay migrate on PostgreSQL "
			    "failed (%d): %s%s" % (p.returncode, p.stdout, p.stderr))
		a.start()
		b.start()
		cls.fake.set_relay_url(a.url)
		cls.a, cls.b = a, b

	@classmethod
	def _teardown(cls):
		codes = []
		for r in cls.relays:
			try:
				codes.append(r.stop())
			except RuntimeError as e:
				codes.append(str(e))
			r.cleanup()
		if cls.fake:
			cls.fake.stop()
		cls.pg.stop()
		return codes

	@classmethod
	def tearDownClass(cls):
		codes = cls._teardown()
		bad = [c for c in codes if c not in (0, None)]
		if bad:
			raise AssertionError("relay exit codes %r" % codes)

	def agent(self, relay, aid="alice"):
		return AgentClient(relay.url, relay.agents[aid].token)

	def hooks(self, relay):
		return WebhookClient(relay.url, relay.app_secret)

	def post_text(self, relay, c=None, text="hi"):
		c = c or wp.Customer(unique_phone(), None, "PG")
		m = wp.inbound_message(c, "text", text=text)
		body = wp.envelope([wp.message_value(relay.phone_number_id,
		    "15550100", c, [m])])
		r = self.hooks(relay).post(body)
		self.assertEqual(r.status, 200, r)
		return m, c, body

	def conv_of(self, relay, wamid):
		for e in self.agent(relay).all_events(0):
			if e["type"] == "message" and e["message"]["id"] == wamid:
				return e["conversation"]
		self.fail("no message %s on %s" % (wamid, relay.url))

	def test_webhook_on_a_visible_on_b(self):
		m, _, _ = self.post_text(self.a, text="to A")
		evs = self.agent(self.b).all_events(0)
		got = [e for e in evs if e["type"] == "message" and
		    e["message"]["id"] == m["id"]]
		self.assertEqual(len(got), 1)

	def test_longpoll_on_b_wakes_on_a(self):
		last = self.agent(self.b).sync(0, limit=5000, wait=0).data
		while last["more"]:
			last = self.agent(self.b).sync(last["next"], limit=5000,
			    wait=0).data
		box = {}
		th = threading.Thread(target=lambda: box.update(
		    r=self.agent(self.b).sync(last["next"], wait=30),
		    t=time.monotonic()))
		th.start()
		time.sleep(0.5)
		t0 = time.monotonic()
		m, _, _ = self.post_text(self.a, text="wake B")
		th.join(40)
		self.assertIn("r", box)
		self.assertEqual(box["r"].status, 200)
		self.assertIn(m["id"], [e["message"]["id"] for e in
		    box["r"].data["events"] if e["type"] == "message"])
		self.assertLess(box["t"] - t0, 2.0, "B woke %.2f s after A "
		    "stored" % (box["t"] - t0))

	def test_one_seq_for_both(self):
		ids = []
		lock = threading.Lock()

		def post(relay, k):
			for i in range(15):
				m, _, _ = self.post_text(relay, text="%d-%d" % (k, i))
				with lock:
					ids.append(m["id"])
		ths = [threading.Thread(target=post, args=(r, k)) for k, r in
		    enumerate([self.a, self.b, self.a, self.b])]
		for t in ths:
			t.start()
		for t in ths:
			t.join(120)
		ea = self.agent(self.a).all_events(0)
		eb = self.agent(self.b).all_events(0)
		self.assertEqual(ea, eb)
		seqs = [e["seq"] for e in ea]
		self.assertEqual(seqs, sorted(set(seqs)))
		got = [e["message"]["id"] for e in ea if e["type"] == "message"]
		for i in ids:
			self.assertEqual(got.count(i), 1)

	def test_same_webhook_to_both_one_event(self):
		m, _, body = self.post_text(self.a, text="twice")
		self.assertEqual(self.hooks(self.b).post(body).status, 200)
		evs = self.agent(self.a).all_events(0)
		self.assertEqual(len([e for e in evs if e["type"] == "message"
		    and e["message"]["id"] == m["id"]]), 1)

	def test_each_send_goes_out_once(self):
		texts = []
		for i in range(8):
			m, c, _ = self.post_text(self.a, text="q%d" % i)
			conv = self.conv_of(self.a, m["id"])
			relay = (self.a, self.b)[i % 2]
			text = "pg answer %d %s" % (i, wp.new_media_id())
			r = self.agent(relay).send_text(conv, text)
			self.assertEqual(r.status, 202, r)
			texts.append(text)
		for t in texts:
			self.fake.wait_for(lambda f, t=t: [s for s in
			    f.accepted_sends() if s["body"]["text"]["body"] == t],
			    timeout=60)
		time.sleep(1.5)
		for t in texts:
			n = [s for s in self.fake.send_requests()
			    if s["body"]["text"]["body"] == t]
			self.assertEqual(len(n), 1, t)

	def test_idempotent_across_relays(self):
		m, _, _ = self.post_text(self.a, text="idem")
		conv = self.conv_of(self.a, m["id"])
		text = "pg idem %s" % wp.new_media_id()
		ra = self.agent(self.a).send_text(conv, text, client_id="x" + text)
		rb = self.agent(self.b).send_text(conv, text, client_id="x" + text)
		self.assertEqual(ra.status, 202, ra)
		self.assertEqual(rb.data, ra.data)
		self.fake.wait_for(lambda f: [s for s in f.accepted_sends()
		    if s["body"]["text"]["body"] == text], timeout=60)
		time.sleep(1.0)
		self.assertEqual(len([s for s in self.fake.send_requests()
		    if s["body"]["text"]["body"] == text]), 1)

	def test_zz_dead_relay_leaves_sends_to_the_other(self):
		# A cannot reach the Graph API (so nothing it holds can have
		# gone out), queues sends and dies; B must send each once.
		good = self.a.graph_url
		self.assertEqual(self.a.stop(), 0)
		self.a.graph_url = "http://127.0.0.1:%d/v21.0" % \
		    relayproc.free_port()
		self.a.start()
		m, _, _ = self.post_text(self.a, text="takeover")
		conv = self.conv_of(self.a, m["id"])
		texts = []
		for i in range(4):
			text = "takeover %d %s" % (i, wp.new_media_id())
			r = self.agent(self.a).send_text(conv, text)
			self.assertEqual(r.status, 202, r)
			texts.append(text)
		time.sleep(1.0)    # A tries and fails to connect
		self.a.kill()
		try:
			for t in texts:
				self.fake.wait_for(lambda f, t=t: [s for s in
				    f.accepted_sends() if s["body"]["text"]["body"]
				    == t], timeout=150)
			time.sleep(1.0)
			for t in texts:
				self.assertEqual(len([s for s in self.fake.send_requests()
				    if s["body"]["text"]["body"] == t]), 1, t)
		finally:
			self.a.graph_url = good
			self.a.start()


if __name__ == "__main__":
	unittest.main(verbosity=2)
