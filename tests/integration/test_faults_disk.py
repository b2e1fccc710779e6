#!/usr/bin/env python3
"""The relay's disk fills up (RLIMIT_FSIZE set on the running relay with
prlimit: every write past the limit fails with EFBIG, as on a full disk),
then space comes back:

* the relay stays up; a webhook it could not store gets a 5xx (Meta
  retries it), never 200; an agent's send gets a 5xx, never 202, and
  nothing reaches the Graph API for it; reads (sync, me) keep working;
* when space is back, Meta's redelivery of the refused webhooks and the
  agent's retry (same client_id) succeed, and after a restart every
  acknowledged message is there exactly once, the refused-then-retried
  ones too, and the database passes integrity_check.

(test_hardening_relay.py fills a 1 MiB tmpfs; this one uses a file-size
limit, which needs no mount, and checks redelivery and a restart.)
"""

import os
import sqlite3
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "pylib"))
from harness import RelayWorld, unique_phone  # noqa: E402
import wa_payloads as wp  # noqa: E402


def note(text):
	sys.stderr.write("  [faults-disk] %s\n" % text)


def db_files_size(d):
	return max(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d)
	    if f.startswith("relay.db"))


class DiskFull(unittest.TestCase):

	def setUp(self):
		self.world = RelayWorld()
		self.relay = self.world.relay
		self.fake = self.world.fake
		self.alice = self.world.agent("alice")

	def tearDown(self):
		log = self.relay.log_text()
		code = self.world.close()
		self.assertIn(code, (0, None), "relay exit %s:\n%s" % (code,
		    log[-3000:]))

	def prlimit(self, spec):
		subprocess.run(["prlimit", "--pid", str(self.relay.proc.pid),
		    "--fsize=" + spec], check=True)

	def post(self, c, text):
		"""A customer's message; returns (message, body, status) so the
		same body can be redelivered as Meta does."""
		m, _ = self.fake.customer_message(c, "text", post=False, text=text)
		v = wp.message_value(self.fake.phone_number_id,
		    self.fake.display_phone_number, c, [m])
		body = wp.envelope([v])
		return m, body, self.fake.post_webhook(body)

	def messages(self):
		out = {}
		for e in self.alice.all_events(0):
			if e.get("type") == "message":
				mid = e["message"]["id"]
				out[mid] = out.get(mid, 0) + 1
		return out

	def test_full_disk_refuses_then_recovers(self):
		acked, refused = [], []
		c0 = self.fake.customer(unique_phone(), None, "Before Full")
		m0, code = self.fake.customer_message(c0, "text", text="before")
		self.assertEqual(code, 200)
		acked.append(m0["id"])
		conv = [e for e in self.alice.all_events(0) if e.get("type") ==
		    "message"][0]["conversation"]
		limit = db_files_size(self.relay.dir) + 256 * 1024
		self.prlimit("%d:" % limit)   # soft only: it can be raised again
		note("file size limit %d bytes" % limit)
		bodies = {}
		for i in range(60):
			c = self.fake.customer(unique_phone(), None, "Full %d" % i)
			m, body, code = self.post(c, "full-disk %d %s" % (i,
			    "y" * 20000))
			self.assertTrue(self.relay.running(), "relay died on a "
			    "full disk:\n" + self.relay.log_tail(15))
			if code == 200:
				acked.append(m["id"])
			else:
				self.assertGreaterEqual(code, 500, "refused webhook "
				    "answered %s: Meta would not retry it" % code)
				refused.append((m, body))
				if len(refused) >= 3:
					break
		note("%d webhooks stored, %d refused" % (len(acked),
		    len(refused)))
		self.assertTrue(refused, "the limit never bit")
		# An agent's send on a full disk: 5xx, and nothing sent.
		sends0 = len(self.fake.send_requests())
		cid = "full-disk-send-%d" % os.getpid()
		r = self.alice.send_text(conv, "sent while full", client_id=cid)
		self.assertGreaterEqual(r.status, 500, r)
		self.assertIsInstance(r.error_code, str, r)
		time.sleep(1)
		self.assertEqual(len(self.fake.send_requests()), sends0,
		    "a send the relay did not store reached the Graph API")
		# Reads still work.
		self.assertEqual(self.alice.me().status, 200)
		self.assertEqual(self.alice.sync(0, limit=1).status, 200)
		log = self.relay.log_text()
		self.assertNotIn("y" * 100, log)
		self.assertIn("event=store_error", log, "no store error in the log")

		self.prlimit("unlimited:")
		# Meta redelivers what was refused (same bodies, same wamids).
		for m, body in refused:
			code = self.fake.post_webhook(body)
			self.assertEqual(code, 200, "redelivery after space came "
			    "back:\n" + self.relay.log_tail(15))
		r = self.alice.send_text(conv, "sent while full", client_id=cid)
		self.assertEqual(r.status, 202, r)
		r2 = self.alice.send_text(conv, "sent while full", client_id=cid)
		self.assertEqual(r2.status, 202, r2)
		self.assertEqual(r2.data["message"]["id"], r.data["message"]["id"])
		self.fake.wait_for(lambda f: [s for s in f.accepted_sends()
		    if s["body"].get("text", {}).get("body") ==
		    "sent while full"], 30)

		self.assertEqual(self.world.restart(), 0)
		got = self.messages()
		for mid in acked + [m["id"] for m, _ in refused]:
			self.assertEqual(got.get(mid), 1, "message %s: %s events"
			    % (mid, got.get(mid)))
		time.sleep(1)
		sent = [s for s in self.fake.accepted_sends() if
		    s["body"].get("text", {}).get("body") == "sent while full"]
		self.assertEqual(len(sent), 1, "sent %d times" % len(sent))
		db = sqlite3.connect("file:%s?mode=ro" % self.relay.db, uri=True)
		try:
			self.assertEqual(db.execute("PRAGMA integrity_check")
			    .fetchone()[0], "ok")
		finally:
			db.close()


if __name__ == "__main__":
	unittest.main(verbosity=2)
