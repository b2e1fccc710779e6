#!/usr/bin/env python3
"""Transient Graph failures (whatsapp-cloud-api.md, "Errors") are retried
with backoff and the message goes out exactly once.  Permanent ones are
in test_relay_sender_errors.py.  The relay's backoff is its own business
(rate limits may wait 15 s and more), so every class runs at once, each
against its own customer."""

import os
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
    "..", "pylib"))
from harness import RelayTestCase, main  # noqa: E402

RETRY_WAIT = 120.0

# failure kind -> how many times in a row
TRANSIENT = (("500", 1), ("500", 2), ("131000", 1), ("2", 1), ("429", 1),
    ("131056", 1), ("4", 1), ("80007", 1))


class SenderRetry(RelayTestCase):
	status_delays = (0.05, 0.1, 0.15)

	def test_transient_failures_retried_sent_once(self):
		cases = []
		for kind, count in TRANSIENT:
			conv, _, c = self.new_conversation()
			text = "transient %s x%d" % (kind, count)
			self.fake.fail_next(kind, count, to=c.wa_id)
			cases.append((kind, count, conv, c, text))
		events = {}
		for kind, count, conv, c, text in cases:
			r = self.alice.send_text(conv, text)
			self.assertEqual(r.status, 202, r)
			self.assertEqual(r.data["message"]["status"], "pending")
			events[text] = r.data
		errors = []

		def check(kind, count, conv, c, text):
			try:
				sent = self.wait_sent(text, timeout=RETRY_WAIT)
				ids = {events[text]["message"]["id"], sent[0]["wamid"]}
				self.wait_event(lambda e: e.get("type") == "status" and
				    e["status"]["message"] in ids and
				    e["status"]["status"] == "delivered",
				    timeout=30, what="delivered " + text)
			except Exception as e:   # reported below, per case
				errors.append((kind, count, repr(e)))
		ths = [threading.Thread(target=check, args=case)
		    for case in cases]
		for t in ths:
			t.start()
		for t in ths:
			t.join(RETRY_WAIT + 60)
		self.assertEqual(errors, [])
		evs = self.events()
		for kind, count, conv, c, text in cases:
			with self.subTest(kind=kind, count=count):
				att = self.sends_with_text(text, accepted_only=False)
				self.assertEqual([a["status"] for a in att][-1:], [200])
				self.assertEqual(len(att), count + 1,
				    [a["status"] for a in att])
				self.assertEqual(len(self.sends_with_text(text)), 1)
				sent = self.sends_with_text(text)
				ids = {events[text]["message"]["id"], sent[0]["wamid"]}
				self.assertEqual([e for e in self.status_events(ids, evs)
				    if e["status"]["status"] == "failed"], [])


if __name__ == "__main__":
	main()
