#!/usr/bin/env python3
"""Another process holds a write lock on the relay's SQLite database
(BEGIN EXCLUSIVE, as a backup script or a careless sqlite3 shell would):

* a short lock (well under the relay's busy timeout): webhooks and sends
  wait and then succeed, each stored once;
* a long lock (past the busy timeout): the relay does not crash or hang;
  a webhook gets a 5xx (Meta retries); a send queued behind it gets a 5xx
  with an error object and nothing reaches the Graph API, or is stored
  once the lock goes; reads keep answering during
  the lock; the log says why; once the lock is gone the redelivered
  webhook and the retried send succeed, exactly once each.
"""

import os
import sqlite3
import sys
import threading
import time
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "pylib"))
from harness import RelayTestCase, main  # noqa: E402
import wa_payloads as wp  # noqa: E402


def note(text):
	sys.stderr.write("  [faults-sqlite] %s\n" % text)


class Locker:
	"""BEGIN EXCLUSIVE on the relay's database for `seconds`."""

	def __init__(self, path, seconds):
		self.path = path
		self.seconds = seconds
		self.locked = threading.Event()
		self.error = None
		self.th = threading.Thread(target=self.run, daemon=True)

	def run(self):
		db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
		try:
			db.execute("BEGIN EXCLUSIVE")
			self.locked.set()
			time.sleep(self.seconds)
			db.execute("ROLLBACK")
		except sqlite3.Error as e:
			self.error = e
			self.locked.set()
		finally:
			db.close()

	def __enter__(self):
		self.th.start()
		self.locked.wait(30)
		if self.error is not None:
			raise AssertionError("could not lock: %s" % self.error)
		return self

	def __exit__(self, *a):
		self.th.join(60)


class SqliteLocked(RelayTestCase):

	def post(self, c, text):
		m, _ = self.fake.customer_message(c, "text", post=False, text=text)
		body = wp.envelope([wp.message_value(self.fake.phone_number_id,
		    self.fake.display_phone_number, c, [m])])
		return m, body

	def in_thread(self, fn, *args):
		out = {}

		def run():
			t0 = time.monotonic()
			out["result"] = fn(*args)
			out["end"] = time.monotonic()
			out["secs"] = out["end"] - t0
		th = threading.Thread(target=run, daemon=True)
		th.start()
		return th, out

	def count(self, wamid):
		return len(self.message_events(wamid))

	def test_short_lock_waits_then_succeeds(self):
		conv, _, _ = self.new_conversation()
		c = self.customer()
		m, body = self.post(c, "during a short lock")
		with Locker(self.relay.db, 2.0):
			t_lock = time.monotonic()
			th, out = self.in_thread(self.fake.post_webhook, body)
			th2, out2 = self.in_thread(self.alice.send_text, conv,
			    "short lock send")
			th.join(30)
			th2.join(30)
		note("webhook %s after %.2f s, send %s after %.2f s" % (
		    out["result"], out["secs"], out2["result"].status,
		    out2["secs"]))
		self.assertEqual(out["result"], 200)
		self.assertGreater(out["end"] - t_lock, 1.9, "answered while "
		    "the database was locked?")
		self.assertEqual(out2["result"].status, 202, out2["result"])
		self.assertEqual(self.count(m["id"]), 1)
		self.wait_sent("short lock send")

	def test_long_lock_5xx_then_recovers(self):
		conv, _, _ = self.new_conversation()
		c = self.customer()
		m, body = self.post(c, "during a long lock")
		sends0 = len(self.fake.send_requests())
		after = self.last_seq()
		cid = "locked-send-%d" % os.getpid()
		with Locker(self.relay.db, 14.0):
			t0 = time.monotonic()
			th, out = self.in_thread(self.fake.post_webhook, body)
			th2, out2 = self.in_thread(self.alice.send_text, conv,
			    "long lock send", cid)
			time.sleep(0.5)
			# Reads answer during the lock.
			r = self.bob.sync(0, limit=5)
			self.assertEqual(r.status, 200, r)
			self.assertEqual(self.bob.me().status, 200)
			rr = self.bob.sync(after, wait=1)
			self.assertEqual(rr.status, 200, rr)
			# Answered while the lock is still held (14 s).
			self.assertLess(time.monotonic() - t0, 12, "reads stalled")
			th.join(30)
			th2.join(30)
			self.assertFalse(th.is_alive() or th2.is_alive(),
			    "requests hang on a locked database")
		note("long lock: webhook %s after %.1f s, send %s after %.1f s"
		    % (out["result"], out["secs"], out2["result"].status,
		    out2["secs"]))
		self.assertTrue(self.relay.running())
		# The webhook and the send reach the one writer in either order:
		# the first fails after the busy timeout (10 s), the second may
		# wait out the rest of the 14 s lock and be stored.  A webhook
		# answered 200 must then be stored, one answered 5xx must not.
		stored_early = out["result"] == 200
		if not stored_early:
			self.assertGreaterEqual(out["result"], 500, "a webhook "
			    "neither stored nor refused")
		# The send queued behind the webhook's batch: it either timed
		# out too (5xx, nothing sent) or was stored once the lock went.
		r = out2["result"]
		if r.status != 202:
			self.assertGreaterEqual(r.status, 500, r)
			self.assertIsInstance(r.error_code, str, r)
			self.assertEqual(len(self.fake.send_requests()), sends0,
			    "an unstored send reached the Graph API")
		self.assertEqual(self.count(m["id"]), 1 if stored_early else 0,
		    "a webhook's 200 and the log disagree")
		self.assertIn("locked", self.relay.log_text().lower(),
		    "the log does not say the database was locked")
		# The lock is gone: Meta redelivers, the agent retries.
		self.assertEqual(self.fake.post_webhook(body), 200)
		self.assertEqual(self.fake.post_webhook(body), 200)
		self.assertEqual(self.count(m["id"]), 1)
		r2 = self.alice.send_text(conv, "long lock send", cid)
		self.assertEqual(r2.status, 202, r2)
		if r.status == 202:
			self.assertEqual(r2.data["message"]["id"],
			    r.data["message"]["id"])
		self.wait_sent("long lock send")
		time.sleep(0.5)
		self.assertEqual(len(self.sends_with_text("long lock send",
		    accepted_only=False)), 1)

	def readyz(self):
		try:
			with urllib.request.urlopen(self.relay.url + "/readyz",
			    timeout=30) as r:
				return r.status, r.read().decode()
		except urllib.error.HTTPError as e:
			return e.code, e.read().decode()

	def test_readyz_503_while_the_database_takes_no_write(self):
		"""/readyz is a real write: past the busy timeout (10 s) of a
		lock it says why it is not ready; once the lock goes, 200."""
		self.assertEqual(self.readyz()[0], 200)
		with Locker(self.relay.db, 12.0):
			t0 = time.monotonic()
			code, text = self.readyz()
			secs = time.monotonic() - t0
		note("readyz under a lock: %s after %.1f s" % (code, secs))
		self.assertEqual(code, 503, text)
		self.assertIn("database", text)
		self.assertGreater(secs, 5, "answered without trying a write")
		self.assertEqual(self.readyz(), (200, "ready\n"))


if __name__ == "__main__":
	main()
