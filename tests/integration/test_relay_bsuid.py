#!/usr/bin/env python3
"""Customers without a phone number (BSUID only) and linking of phone and
BSUID identities (whatsapp-cloud-api.md, "Usernames and business-scoped
user IDs")."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
    "..", "pylib"))
from harness import RelayTestCase, main, wp, unique_phone, \
    unique_bsuid  # noqa: E402


class Bsuid(RelayTestCase):
	status_delays = (0.05, 0.1, 0.15)

	def test_bsuid_only_customer_roundtrip(self):
		c = self.fake.customer(None, unique_bsuid(), "Hidden Hana",
		    "hana.support")
		m = self.inbound(c, "text", text="no phone here")
		self.assertNotIn("from", m)
		evs = self.events()
		msg = self.message_events(m["id"], evs)
		self.assertEqual(len(msg), 1, "BSUID customer's message lost")
		conv = msg[0]["conversation"]
		self.assertEqual(msg[0]["message"]["from"], c.user_id)
		self.assertEqual(msg[0]["message"]["text"], "no phone here")
		contact = [e for e in evs if e["type"] == "contact" and
		    e["contact"].get("user_id") == c.user_id]
		self.assertEqual(len(contact), 1, evs)
		self.assertNotIn("wa_id", {k for k, v in
		    contact[0]["contact"].items() if v})
		self.assertEqual(contact[0]["contact"]["name"], "Hidden Hana")
		self.assertEqual(contact[0]["contact"].get("username"),
		    "hana.support")
		self.assertEqual(self.conv_state(conv, evs)["status"], "open")
		# The agent's reply goes to the BSUID with `recipient`.
		r = self.alice.send_text(conv, "hello hidden customer")
		self.assertEqual(r.status, 202, r)
		sent = self.wait_sent("hello hidden customer")
		body = sent[0]["body"]
		self.assertEqual(body.get("recipient"), c.user_id)
		self.assertNotIn("to", body)
		ids = {r.data["message"]["id"], sent[0]["wamid"]}
		self.wait_event(lambda e: e.get("type") == "status" and
		    e["status"]["message"] in ids and e["status"]["status"] ==
		    "read", what="read status")
		st = self.status_events(ids)
		self.assertEqual([s["status"]["status"] for s in st],
		    ["sent", "delivered", "read"])
		for s in st:
			self.assertEqual(s["conversation"], conv)

	def test_bsuid_template_outside_window(self):
		import time
		c = self.fake.customer(None, unique_bsuid(), "Old Hidden")
		m = self.inbound(c, "text", text="days ago",
		    timestamp=int(time.time()) - 3 * 86400)
		conv = self.message_events(m["id"])[0]["conversation"]
		self.assertEqual(self.alice.send_text(conv, "too late").status,
		    409)
		r = self.alice.send_template(conv, "order_update", "en_US", ["7"])
		self.assertEqual(r.status, 202, r)
		sent = self.fake.wait_for(lambda f: [s for s in f.accepted_sends()
		    if s["body"].get("recipient") == c.user_id])
		self.assertEqual(sent[0]["body"]["type"], "template")
		self.assertNotIn("to", sent[0]["body"])

	def test_bsuid_media_and_reaction(self):
		c = self.fake.customer(None, unique_bsuid(), "Hidden Media")
		m1 = self.inbound(c, "image", caption="look")
		m2 = self.inbound(c, "reaction", reaction_to=m1["id"])
		evs = self.events()
		e1 = self.message_events(m1["id"], evs)
		e2 = self.message_events(m2["id"], evs)
		self.assertEqual(len(e1), 1)
		self.assertEqual(len(e2), 1)
		self.assertEqual(e1[0]["conversation"], e2[0]["conversation"])
		r = self.alice.media(e1[0]["conversation"], m1["image"]["id"])
		self.assertEqual(r.status, 200, r)
		self.assertEqual(r.body, self.fake.media[m1["image"]["id"]][1])

	def _linked(self, first, second):
		phone, bsuid = unique_phone(), unique_bsuid()
		mk = {"phone": lambda: wp.Customer(phone, None, "Linked"),
		    "bsuid": lambda: wp.Customer(None, bsuid, "Linked"),
		    "both": lambda: wp.Customer(phone, bsuid, "Linked")}
		m1 = self.inbound(mk[first](), "text", text="first")
		m2 = self.inbound(mk[second](), "text", text="second")
		evs = self.events()
		e1 = self.message_events(m1["id"], evs)
		e2 = self.message_events(m2["id"], evs)
		self.assertEqual(len(e1), 1)
		self.assertEqual(len(e2), 1)
		self.assertEqual(e1[0]["conversation"], e2[0]["conversation"],
		    "%s then %s: two conversations" % (first, second))
		convs = {e["conversation"] for e in evs
		    if e["type"] == "conversation"}
		mine = [e for e in evs if e["type"] == "conversation" and
		    e["conversation"] == e1[0]["conversation"]]
		self.assertTrue(mine)
		contacts = [e for e in evs if e["type"] == "contact" and (
		    e["contact"].get("wa_id") == phone or
		    e["contact"].get("user_id") == bsuid)]
		self.assertTrue(contacts)
		# Every contact event about this customer is about one
		# conversation, and the last one knows both identifiers.
		self.assertEqual({e["conversation"] for e in contacts},
		    {e1[0]["conversation"]})
		self.assertIn(e1[0]["conversation"], convs)
		return e1[0]["conversation"], contacts, phone, bsuid

	def test_phone_first_then_bsuid_one_conversation(self):
		conv, contacts, phone, bsuid = self._linked("phone", "both")
		last = contacts[-1]["contact"]
		self.assertEqual(last.get("wa_id"), phone)
		self.assertEqual(last.get("user_id"), bsuid)
		# Replies still go to the phone number.
		r = self.alice.send_text(conv, "linked reply")
		self.assertEqual(r.status, 202, r)
		sent = self.wait_sent("linked reply")
		self.assertEqual(sent[0]["body"].get("to"), phone)

	def test_bsuid_first_then_both_one_conversation(self):
		conv, contacts, phone, bsuid = self._linked("bsuid", "both")
		self.assertEqual(contacts[-1]["contact"].get("wa_id"), phone)
		self.assertEqual(contacts[-1]["contact"].get("user_id"), bsuid)

	def test_both_then_bsuid_only_one_conversation(self):
		self._linked("both", "bsuid")

	def test_both_then_phone_only_one_conversation(self):
		self._linked("both", "phone")

	def test_from_is_wa_id_when_known(self):
		phone, bsuid = unique_phone(), unique_bsuid()
		m = self.inbound(wp.Customer(phone, bsuid, "Both"), "text")
		e = self.message_events(m["id"])
		self.assertEqual(e[0]["message"]["from"], phone)


if __name__ == "__main__":
	main()
