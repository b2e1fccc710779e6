#!/usr/bin/env python3
"""Permanent Graph failures (whatsapp-cloud-api.md, "Errors") become a
`failed` status with the Graph error code and are never retried.
Transient ones are in test_relay_sender_retry.py."""

import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
    "..", "pylib"))
from harness import RelayTestCase, main  # noqa: E402

RETRY_WAIT = 90.0    # the relay's backoff is its own business; be patient


class SenderErrors(RelayTestCase):
	status_delays = (0.05, 0.1, 0.15)

	def setUp(self):
		super().setUp()
		self.fake.reset()

	def _send(self, text):
		conv, _, c = self.new_conversation()
		r = self.alice.send_text(conv, text)
		self.assertEqual(r.status, 202, r)
		self.assertEqual(r.data["message"]["status"], "pending")
		return conv, r.data, c

	def _attempts(self, text):
		return self.sends_with_text(text, accepted_only=False)

	def _wait_status(self, ids, state, timeout=RETRY_WAIT):
		return self.wait_event(lambda e: e.get("type") == "status" and
		    e["status"]["message"] in ids and
		    e["status"]["status"] == state, timeout=timeout,
		    what="status %s" % state)

	def _transient(self, kind, count):
		text = "transient %s x%d" % (kind, count)
		self.fake.fail_next(kind, count)
		conv, ev, _ = self._send(text)
		sent = self.wait_sent(text, timeout=RETRY_WAIT)
		ids = {ev["message"]["id"], sent[0]["wamid"]}
		self._wait_status(ids, "delivered")
		att = self._attempts(text)
		self.assertEqual(len(att), count + 1, [a["status"] for a in att])
		self.assertEqual([a["status"] for a in att][-1], 200)
		self.assertEqual(len(self.sends_with_text(text)), 1)
		fails = [e for e in self.status_events(ids)
		    if e["status"]["status"] == "failed"]
		self.assertEqual(fails, [])
		return ids

	def _permanent(self, kind, code):
		text = "permanent %s" % kind
		self.fake.fail_next(kind, 1)
		conv, ev, _ = self._send(text)
		ids = {ev["message"]["id"]}
		e = self._wait_status(ids, "failed", timeout=60)
		err = e["status"]["error"]
		self.assertEqual(err["code"], code, e)
		self.assertIsInstance(err["title"], str)
		self.assertTrue(err["title"])
		self.assertEqual(e["conversation"], conv)
		time.sleep(2.0)   # a retry, if any, would come now
		att = self._attempts(text)
		self.assertEqual(len(att), 1, [a["status"] for a in att])
		self.assertEqual(self.sends_with_text(text), [])
		return err

	def test_131047_reengagement_not_retried(self):
		err = self._permanent("131047", 131047)
		self.assertIn("Re-engagement", err["title"] + " " +
		    str(err.get("details", "")))

	def test_131026_undeliverable_not_retried(self):
		self._permanent("131026", 131026)

	def test_190_token_not_retried(self):
		self._permanent("190", 190)

	def test_100_invalid_parameter_not_retried(self):
		self._permanent("100", 100)

	def test_131051_unsupported_not_retried(self):
		self._permanent("131051", 131051)

	def test_368_restricted_not_retried(self):
		self._permanent("368", 368)

	def test_next_message_still_goes_out(self):
		self.fake.fail_next("131026", 1)
		conv, ev, _ = self._send("first fails")
		self._wait_status({ev["message"]["id"]}, "failed", timeout=60)
		r = self.alice.send_text(conv, "second works")
		self.assertEqual(r.status, 202, r)
		self.wait_sent("second works", timeout=60)




if __name__ == "__main__":
	main()
