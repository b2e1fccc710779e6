#!/usr/bin/env python3
"""A send whose answer never comes may have reached Meta: the relay must
not send it again (the customer would get it twice).  It reports the
message `failed` with an error saying delivery is unknown."""

import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
    "..", "pylib"))
from harness import RelayTestCase, main  # noqa: E402

# The relay's Graph client timeout is not in the spec; wait long enough
# for any sane value (and less than the fake's hold).
TIMEOUT_WAIT = 150.0


class DeliveryUnknown(RelayTestCase):

	def setUp(self):
		super().setUp()
		self.fake.reset()

	def _check_unknown(self, kind, timeout):
		text = "maybe delivered (%s)" % kind
		self.fake.fail_next(kind, 1)
		conv, _, _ = self.new_conversation()
		r = self.alice.send_text(conv, text)
		self.assertEqual(r.status, 202, r)
		lid = r.data["message"]["id"]
		t0 = time.monotonic()
		e = self.wait_event(lambda ev: ev.get("type") == "status" and
		    ev["status"]["message"] == lid and
		    ev["status"]["status"] == "failed", timeout=timeout,
		    what="failed status")
		took = time.monotonic() - t0
		err = e["status"].get("error") or {}
		words = (str(err.get("title", "")) + " " +
		    str(err.get("details", ""))).lower()
		self.assertIn("unknown", words, e)
		time.sleep(2.0)   # a resend, if any, would come now
		att = self.sends_with_text(text, accepted_only=False)
		self.assertEqual(len(att), 1, att)
		return took

	def test_connection_dropped_after_request(self):
		self._check_unknown("drop", 60)

	def test_answer_slower_than_client_timeout(self):
		self.fake.slow_seconds = TIMEOUT_WAIT + 60
		took = self._check_unknown("slow", TIMEOUT_WAIT)
		sys.stderr.write("relay gave up on a silent Graph API after "
		    "%.1f s\n" % took)

	def test_garbage_answer_not_resent(self):
		# HTTP 200 with a body that is not Graph JSON: Meta may have
		# the message, so it must not be sent twice either.  Whether
		# the relay calls that sent or failed is its choice.
		text = "garbage answer"
		self.fake.fail_next("garbage", 1)
		conv, _, _ = self.new_conversation()
		r = self.alice.send_text(conv, text)
		self.assertEqual(r.status, 202, r)
		lid = r.data["message"]["id"]
		e = self.wait_event(lambda ev: ev.get("type") == "status" and
		    ev["status"]["message"] == lid, timeout=60, what="a status")
		self.assertIn(e["status"]["status"], ("sent", "failed"), e)
		time.sleep(2.0)
		self.assertEqual(len(self.sends_with_text(text,
		    accepted_only=False)), 1)


if __name__ == "__main__":
	main()
