#!/usr/bin/env python3
"""Faults seen from a real ttydesk in tmux, against a real relay:

* the relay is killed (-9) while ttydesk runs; a reply written while it
  is gone waits in ttydesk's encrypted outbox, survives ttydesk being
  quit and started again offline, and reaches the Graph API exactly once
  when the relay is back; sync resumes (a new customer message shows);
* the Graph API answers garbage (HTML with 200) or hangs past the relay's
  send_timeout: the agent's reply is not sent twice, ttydesk keeps
  answering keys and shows the message once (for the hang with "failed:
  delivery unknown"), and the next reply goes out.
"""

import os
import shutil
import sys
import time
import unittest

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(_HERE, "..", "pylib"))
sys.path.insert(0, os.path.join(_HERE, "..", "e2e"))
import harness  # noqa: E402
from harness import unique_phone, wait_until  # noqa: E402
from tui_tmux import TuiSession  # noqa: E402


def note(text):
	sys.stderr.write("  [faults-tui] %s\n" % text)


@unittest.skipUnless(shutil.which("tmux"), "needs tmux")
class TuiFaults(unittest.TestCase):
	relay_kw = {"extra_config": "\n[relay]\nsend_timeout = 3s\n"}

	def setUp(self):
		self.world = harness.RelayWorld(relay_kw=self.relay_kw)
		self.fake = self.world.fake
		self.relay = self.world.relay

	def tearDown(self):
		self.world.close()

	def session(self):
		t = TuiSession.for_agent(self.world, "alice")
		self.addCleanup(t.close)
		return t

	def sends(self, text, accepted=False):
		src = self.fake.accepted_sends() if accepted else \
		    self.fake.send_requests()
		return [s for s in src if (s.get("body") or {}).get("text",
		    {}).get("body") == text]

	def open_conv(self, t, name):
		t.wait_for(name)
		t.keys("/")
		t.literal(name)
		t.keys("Enter", "Enter")
		t.wait_for(lambda s: "[open" in s, what="the thread of " + name)

	def reply(self, t, text):
		t.keys("r")
		t.wait_for("C-s send")
		t.literal(text)
		t.keys("C-s")

	def test_outbox_survives_relay_death_and_restart(self):
		c = self.fake.customer(unique_phone(), None, "Olga Outbox")
		_, code = self.fake.customer_message(c, "text", text="still there?")
		self.assertEqual(code, 200)
		t = self.session()
		t.start()
		t.wait_for("online")
		self.open_conv(t, "Olga Outbox")
		port = self.relay.port
		self.relay.kill()
		t.wait_for("offline", timeout=30, what="ttydesk to notice")
		text = "queued while the relay is dead %d" % os.getpid()
		self.reply(t, text)
		s = t.wait_for(text, what="the queued reply on screen")
		self.assertEqual(s.count(text), 1, s)
		# Quit and start again, still offline: the outbox is on disk.
		t.keys("Escape", "q")
		t.wait_for("not at the relay yet", what="the quit warning")
		t.keys("y")
		t.wait_for("TTYDESK-EXIT=0")
		t.tmux("kill-server", check=False)
		t.start()
		t.wait_for("offline", timeout=30)
		self.relay.start(port=port)
		self.fake.set_relay_url(self.relay.url)
		t.wait_for("online", timeout=30, what="reconnect")
		sent = wait_until(lambda: self.sends(text, accepted=True), 30,
		    what="the queued reply at the Graph API")
		time.sleep(3)
		self.assertEqual(len(self.sends(text)), 1, "sent %d times" %
		    len(self.sends(text)))
		# Sync resumed: a new customer message shows up.
		_, code = self.fake.customer_message(c, "text",
		    text="back again after the outage")
		self.assertEqual(code, 200)
		self.open_conv(t, "Olga Outbox")
		s = t.wait_for("back again after the outage")
		self.assertEqual(s.count(text), 1, "the reply shown twice:\n" + s)
		note("sent once, wamid %s" % sent[0]["wamid"])
		t.keys("Escape", "q")
		t.wait_for("TTYDESK-EXIT=0")
		self.assertEqual(t.asan_reports(), [])

	def test_graph_garbage_and_hang_not_resent(self):
		c = self.fake.customer(unique_phone(), None, "Gary Garbage")
		_, code = self.fake.customer_message(c, "text", text="hello?")
		self.assertEqual(code, 200)
		t = self.session()
		t.start()
		t.wait_for("online")
		self.open_conv(t, "Gary Garbage")
		self.agent = self.world.agent("alice")
		results = {}
		for kind in ("garbage", "slow"):
			self.fake.slow_seconds = 30
			self.fake.fail_next(kind)
			text = "reply into %s %d" % (kind, os.getpid())
			t0 = time.monotonic()
			self.reply(t, text)
			wait_until(lambda: self.sends(text), 20,
			    what="the %s send attempt" % kind)
			# Past the relay's 3 s send_timeout and its bookkeeping.
			time.sleep(6)
			self.assertEqual(len(self.sends(text)), 1, "%s: sent %d "
			    "times" % (kind, len(self.sends(text))))
			# The screen still answers keys and shows it once.
			t.keys("k", "j")
			s = t.wait_for(text)
			self.assertEqual(s.count(text), 1, s)
			rows = s.splitlines()
			i = [k for k, l in enumerate(rows) if text in l][0]
			around = " / ".join(l.split("│", 1)[-1].strip() for l in
			    rows[max(0, i - 2):i + 2])
			results[kind] = (round(time.monotonic() - t0, 1), around)
			# The agent is told: for the hang the relay's status says
			# delivery is unknown.
			lid = [e["message"]["id"] for e in self.agent.all_events(0)
			    if e.get("type") == "message" and
			    e["message"].get("text") == text][0]
			st = [e["status"] for e in self.agent.all_events(0)
			    if e.get("type") == "status" and
			    e["status"]["message"] == lid]
			self.assertTrue(st, "no status for the %s send" % kind)
			if kind == "slow":
				self.assertEqual(st[-1]["status"], "failed", st)
				self.assertIn("unknown", str(st[-1].get("error"))
				    .lower(), st)
				t.wait_for("delivery unknown", what="ttydesk to say "
				    "the hung send's delivery is unknown")
			else:   # 200 with HTML: Meta may have it (relay's call)
				self.assertIn(st[-1]["status"], ("sent", "failed"))
		note("garbage/slow: %r" % results)
		ok = "after the faults %d" % os.getpid()
		self.reply(t, ok)
		wait_until(lambda: self.sends(ok, accepted=True), 20,
		    what="a normal send afterwards")
		self.assertTrue(self.relay.running())
		t.keys("Escape", "q")
		t.wait_for("TTYDESK-EXIT=0")
		self.assertEqual(t.asan_reports(), [])


if __name__ == "__main__":
	unittest.main(verbosity=2)
