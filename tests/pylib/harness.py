"""unittest glue: a fake Graph API plus a real relay per test class.

    import sys, os
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "pylib"))
    from harness import RelayTestCase, main

    class T(RelayTestCase):
        def test_x(self):
            conv, m = self.new_conversation()
            ...
    if __name__ == "__main__":
        main()
"""

import itertools
import os
import random
import sys
import time
import unittest

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, _HERE)
sys.path.insert(0, os.path.join(_HERE, "..", "fake"))

import agentapi  # noqa: E402
from agentapi import AgentClient, WebhookClient, wait_until  # noqa: E402,F401
import fake_graph  # noqa: E402
import relayproc  # noqa: E402
import wa_payloads as wp  # noqa: E402

_counter = itertools.count(random.randrange(1, 10 ** 6) * 1000)


def unique_phone():
	return "1555%08d" % (next(_counter) % 10 ** 8)


def unique_bsuid():
	return "US.%020d" % (random.randrange(10 ** 19, 10 ** 20))


class RelayWorld:
	"""A fake Graph API and a relay pointed at each other."""

	def __init__(self, status_delays=None, relay_kw=None):
		self.fake = fake_graph.FakeGraph("pending", "pending",
		    "106540352242922", status_delays=status_delays)
		self.fake.start()
		kw = dict(relay_kw or {})
		kw.setdefault("phone_number_id", "106540352242922")
		self.relay = relayproc.Relay(self.fake.graph_url, **kw)
		self.fake.access_token = self.relay.access_token
		self.fake.app_secret = self.relay.app_secret
		self.fake.phone_number_id = self.relay.phone_number_id
		self.fake.display_phone_number = "15550100"
		try:
			self.relay.start()
		except Exception:
			self.fake.stop()
			raise
		self.fake.set_relay_url(self.relay.url)

	def agent(self, agent_id="alice"):
		return AgentClient(self.relay.url,
		    self.relay.agents[agent_id].token)

	def hooks(self):
		return WebhookClient(self.relay.url, self.relay.app_secret)

	def restart(self):
		code = self.relay.restart()
		self.fake.set_relay_url(self.relay.url)
		return code

	def close(self):
		"""Stop the relay (SIGTERM) and the fake, remove the relay's temp
		folder (kept when TTYDESK_KEEP_RELAY_DIR is set); return the
		relay's exit code.  Read relay.log_text() before if needed."""
		try:
			code = self.relay.stop()
		finally:
			self.fake.stop()
			if os.environ.get("TTYDESK_KEEP_RELAY_DIR") is None:
				self.relay.cleanup()
		return code


class RelayTestCase(unittest.TestCase):
	"""One relay + fake for the whole class (fast); tests use fresh
	customers so they do not see each other's conversations."""

	status_delays = None   # fake's automatic status webhooks: off
	relay_kw = None
	world = None

	@classmethod
	def setUpClass(cls):
		cls.world = RelayWorld(cls.status_delays, cls.relay_kw)
		cls.fake = cls.world.fake
		cls.relay = cls.world.relay
		cls.alice = cls.world.agent("alice")
		cls.bob = cls.world.agent("bob")
		cls.hooks = cls.world.hooks()

	@classmethod
	def tearDownClass(cls):
		log = ""
		try:
			code = cls.relay.stop()
			# After the stop: what the relay wrote while stopping (a
			# sanitizer report, an abort) is what explains a bad exit.
			log = cls.relay.log_text()
		finally:
			cls.world.close()
			if os.environ.get("TTYDESK_KEEP_RELAY_DIR") is None:
				cls.relay.cleanup()
			else:
				sys.stderr.write("relay folder kept: %s\n" %
				    cls.relay.dir)
		if code not in (0, None):
			raise AssertionError("relay exited with %s on SIGTERM "
			    "(leak or crash?):\n%s" % (code,
			    "\n".join(log.splitlines()[-80:])))

	def _bad_count(self):
		res = getattr(getattr(self, "_outcome", None), "result", None)
		if res is None:
			return 0
		return len(getattr(res, "failures", [])) + len(getattr(res,
		    "errors", []))

	def setUp(self):
		self._bad_before = self._bad_count()

	def tearDown(self):
		# Show the relay's log for a test that just failed.
		if self._bad_count() > getattr(self, "_bad_before", 0):
			sys.stderr.write("\n---- relay log tail (%s) ----\n%s\n"
			    % (self.id(), self.relay.log_tail(40)))

	# ---- helpers ----------------------------------------------------

	def customer(self, bsuid=False, phone=True, name=None):
		wa = unique_phone() if phone and not bsuid else None
		uid = unique_bsuid() if bsuid else None
		return self.fake.customer(wa, uid, name or "Test Customer")

	def events(self, agent=None, after=0):
		return (agent or self.alice).all_events(after)

	def last_seq(self):
		evs = self.alice.all_events(0)
		return evs[-1]["seq"] if evs else 0

	def message_events(self, wamid, evs=None):
		evs = self.events() if evs is None else evs
		return [e for e in evs if e.get("type") == "message" and
		    e["message"].get("id") == wamid]

	def inbound(self, customer, mtype="text", expect=200, **kw):
		m, code = self.fake.customer_message(customer, mtype, **kw)
		self.assertEqual(code, expect, "webhook answered %s" % code)
		return m

	def new_conversation(self, customer=None, text="Hello, I need help",
	    timestamp=None, bsuid=False):
		"""A customer writes; returns (conversation id, message dict,
		customer)."""
		c = customer or self.customer(bsuid=bsuid)
		m = self.inbound(c, "text", text=text, timestamp=timestamp)
		evs = self.message_events(m["id"])
		self.assertEqual(len(evs), 1, "message event for %s: %r" %
		    (m["id"], evs))
		return evs[0]["conversation"], m, c

	def conv_events(self, conv, evs=None):
		evs = self.events() if evs is None else evs
		return [e for e in evs if e.get("conversation") == conv]

	def conv_state(self, conv, evs=None):
		st = [e for e in self.conv_events(conv, evs)
		    if e.get("type") == "conversation"]
		self.assertTrue(st, "no conversation event for %s" % conv)
		return st[-1]["state"]

	def wait_event(self, pred, after=0, timeout=60.0, agent=None,
	    what="event"):
		"""Long-poll until an event with pred(e) arrives; returns it."""
		agent = agent or self.alice
		deadline = time.monotonic() + timeout
		cur = after
		while True:
			left = deadline - time.monotonic()
			if left <= 0:
				raise AssertionError("timed out waiting for " + what)
			r = agent.sync(cur, limit=5000, wait=int(min(left, 10)) or 1)
			self.assertEqual(r.status, 200, r)
			for e in r.data["events"]:
				if pred(e):
					return e
			cur = r.data["next"]

	def sends_with_text(self, text, accepted_only=True):
		"""Sends the fake got whose text body is `text`."""
		src = self.fake.accepted_sends() if accepted_only else \
		    self.fake.send_requests()
		return [s for s in src if ((s.get("body") or {}).get("text")
		    or {}).get("body") == text]

	def wait_sent(self, text, count=1, timeout=60.0):
		"""Wait until the fake accepted `count` sends of `text`; return
		the list (wamid, to, body)."""
		return self.fake.wait_for(lambda f: (lambda l: l if len(l) >=
		    count else None)(self.sends_with_text(text)), timeout)

	def reply(self, conv, text=None, **kw):
		"""Agent alice replies; asserts 202; returns (event, wamid)."""
		text = text or "reply %s" % wp.new_media_id()
		r = self.alice.send_text(conv, text, **kw)
		self.assertEqual(r.status, 202, r)
		sent = self.wait_sent(text)
		ids = {r.data["message"]["id"], sent[0]["wamid"]}
		# Let the relay store the Graph answer first when it reports it
		# (a "sent" status); a relay that does not is given 5 s.
		try:
			self.wait_event(lambda e: e.get("type") == "status" and
			    e["status"].get("message") in ids, timeout=5,
			    what="the relay's own status")
		except AssertionError:
			pass
		return r.data, sent[0]["wamid"]

	def status_events(self, ids, evs=None):
		"""Status events whose message is one of ids."""
		evs = self.events() if evs is None else evs
		ids = set(ids)
		return [e for e in evs if e.get("type") == "status" and
		    e["status"].get("message") in ids]


def main():
	unittest.main(verbosity=2)
