#!/usr/bin/env python3
"""relay-api.md "Several business numbers", its last points: a number also
used in the WhatsApp Business app (smb_message_echoes, history imports)
and customers who change number or user id (system messages)."""

import os
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
    "..", "pylib"))
from harness import RelayTestCase, main, unique_bsuid, unique_phone, wp  # noqa: E402


def wamid():
	return "wamid.HBgL" + wp.new_media_id()


class Coexistence(RelayTestCase):

	def value(self, **kw):
		v = {"messaging_product": "whatsapp", "metadata": wp.metadata(
		    self.fake.phone_number_id, self.fake.display_phone_number)}
		v.update(kw)
		return v

	def post(self, field, value):
		code = self.fake.post_webhook(wp.envelope([value], field=field))
		self.assertEqual(code, 200)

	def echo(self, customer, text, mid=None, ts=None):
		"""The business wrote to customer from the app (Meta's
		smb_message_echoes shape)."""
		m = {"from": self.fake.display_phone_number, "to": customer.wa_id,
		    "id": mid or wamid(), "timestamp": str(ts or int(time.time())),
		    "type": "text", "text": {"body": text}}
		self.post("smb_message_echoes", self.value(message_echoes=[m]))
		return m

	def history(self, customer, messages, chunk=1):
		"""One history chunk with one thread: messages are (mid, ts,
		text, outbound)."""
		msgs = []
		for mid, ts, text, out in messages:
			m = {"from": self.fake.display_phone_number if out else
			    customer.wa_id, "id": mid, "timestamp": str(ts),
			    "type": "text", "text": {"body": text},
			    "history_context": {"status": "READ" if out else
			    "DELIVERED"}}
			if out:
				m["to"] = customer.wa_id
			msgs.append(m)
		self.post("history", self.value(history=[{"metadata": {
		    "phase": 0, "chunk_order": chunk, "progress": 100},
		    "threads": [{"id": customer.wa_id, "messages": msgs}]}]))

	def test_echo_is_outbound_from_the_app(self):
		conv, _, c = self.new_conversation()
		m = self.echo(c, "Answered from the phone")
		evs = self.message_events(m["id"])
		self.assertEqual(len(evs), 1, evs)
		msg = evs[0]["message"]
		self.assertEqual(evs[0]["conversation"], conv)
		self.assertEqual(msg["direction"], "out")
		self.assertEqual(msg["origin"], "business_app")
		self.assertEqual(msg["text"], "Answered from the phone")
		self.assertNotIn("history", msg)
		# A redelivery is stored once.
		self.echo(c, "Answered from the phone", mid=m["id"])
		self.assertEqual(len(self.message_events(m["id"])), 1)
		# It came from Meta: nothing is sent back.
		self.assertEqual(self.sends_with_text("Answered from the phone",
		    accepted_only=False), [])

	def test_history_import_once_in_order(self):
		c = self.fake.customer(unique_phone(), None, "Old Friend")
		t = int(time.time()) - 30 * 86400
		msgs = [(wamid(), t, "Do you open on Sunday?", False),
		    (wamid(), t + 60, "Yes, from 10.", True),
		    (wamid(), t + 120, "Thanks!", False)]
		# Chunks come in any order (chunk_order says theirs): the last
		# one first, then the first, then all of it again.
		self.history(c, msgs[2:], chunk=2)
		self.history(c, msgs[:2], chunk=1)
		self.history(c, msgs)  # the same messages delivered twice
		evs = self.events()
		got = [e for e in evs if e.get("type") == "message" and
		    e["message"]["id"] in {m[0] for m in msgs}]
		self.assertEqual(len(got), 3, got)
		# Each keeps its own time, which puts it in its place.
		self.assertEqual({e["message"]["id"]: e["ts"] for e in got},
		    {m[0]: m[1] for m in msgs})
		got.sort(key=lambda e: e["ts"])
		self.assertEqual([e["message"]["text"] for e in got],
		    [m[2] for m in msgs])
		self.assertTrue(all(e["message"].get("history") is True
		    for e in got), got)
		self.assertEqual([e["message"]["direction"] for e in got],
		    ["in", "out", "in"])
		self.assertEqual(got[1]["message"]["origin"], "business_app")
		self.assertEqual(got[1]["message"]["status"], "read")
		conv = got[0]["conversation"]
		self.assertEqual({e["conversation"] for e in got}, {conv})
		# The conversation spans the imported messages, whichever
		# chunk came first (the newest made it).
		r = self.alice.call("GET", "/v1/contacts/%s/conversations" %
		    c.wa_id)
		self.assertEqual(r.status, 200, r)
		span = {e["id"]: (e["first_ts"], e["last_ts"]) for e in
		    r.data["conversations"]}
		self.assertEqual(span[conv], (t, t + 120), span)
		# Past chats start no SLA clock and leave nothing to answer.
		st = self.conv_state(conv)
		self.assertFalse(st.get("sla", {}).get("first_response_due"), st)
		self.assertFalse(st.get("last_inbound_ts"), st)
		# Nothing waits for an answer: the conversation the import made
		# is resolved (no queue, no automatic assignment) until the
		# customer writes again.
		self.assertEqual(st["status"], "resolved")
		self.assertEqual(self.new_conversation(c, text="Back again")[0],
		    conv)
		st = self.conv_state(conv)
		self.assertEqual(st["status"], "open")
		self.assertTrue(st["last_inbound_ts"], st)

	def test_echo_then_history_stored_once(self):
		conv, _, c = self.new_conversation()
		m = self.echo(c, "See you tomorrow")
		self.history(c, [(m["id"], int(m["timestamp"]),
		    "See you tomorrow", True)], chunk=2)
		evs = self.message_events(m["id"])
		self.assertEqual(len(evs), 1, evs)
		self.assertNotIn("history", evs[0]["message"])

	# ---- customers who change number or id -------------------------

	def system(self, frm, stype, body, **ids):
		m = {"from": frm, "id": wamid(), "timestamp": str(int(time.time())),
		    "type": "system", "system": dict(body=body, type=stype, **ids)}
		self.post("messages", self.value(messages=[m]))
		return m

	def test_user_changed_number(self):
		conv, _, c = self.new_conversation()
		self.reply(conv, "answered %s" % wp.new_media_id())
		r = self.alice.set_status(conv, "resolved")
		self.assertEqual(r.status, 200, r)
		before = self.conv_state(conv)
		new = unique_phone()
		m = self.system(c.wa_id, "user_changed_number", "User A changed "
		    "from %s to %s" % (c.wa_id, new), wa_id=new)
		ev = self.message_events(m["id"])
		self.assertEqual(len(ev), 1, ev)
		self.assertEqual(ev[0]["conversation"], conv)
		self.assertIn("changed from", ev[0]["message"]["text"])
		# WhatsApp's notice, shown as a system line: the customer wrote
		# nothing, so it neither reopens nor starts an SLA clock.
		self.assertEqual(ev[0]["message"]["origin"], "system")
		self.assertEqual(self.conv_state(conv), before)
		contacts = [e["contact"] for e in self.events() if e.get("type")
		    == "contact" and e.get("conversation") == conv]
		self.assertEqual(contacts[-1]["wa_id"], new)
		# The new number and the old one both land in the conversation.
		moved = self.fake.customer(new, None, "Test Customer")
		self.assertEqual(self.new_conversation(moved)[0], conv)
		self.assertEqual(self.new_conversation(c)[0], conv)
		contacts = [e["contact"] for e in self.events() if e.get("type")
		    == "contact" and e.get("conversation") == conv]
		self.assertEqual(contacts[-1]["wa_id"], new)
		# Replies go to the new number.
		text = "reply to the new number %s" % wp.new_media_id()
		self.reply(conv, text)
		self.assertEqual(self.sends_with_text(text)[0]["to"], new)

	def test_user_changed_user_id(self):
		conv, _, c = self.new_conversation(bsuid=True)
		new = unique_bsuid()
		m = {"from_user_id": c.user_id, "id": wamid(),
		    "timestamp": str(int(time.time())), "type": "system",
		    "system": {"body": "User A changed their user id",
		    "type": "user_changed_user_id", "user_id": new}}
		self.post("messages", self.value(messages=[m]))
		ev = self.message_events(m["id"])
		self.assertEqual(len(ev), 1, ev)
		self.assertEqual(ev[0]["conversation"], conv)
		self.assertEqual(ev[0]["message"]["origin"], "system")
		moved = self.fake.customer(None, new, "Test Customer")
		self.assertEqual(self.new_conversation(moved)[0], conv)
		self.assertEqual(self.new_conversation(c)[0], conv)
		contacts = [e["contact"] for e in self.events() if e.get("type")
		    == "contact" and e.get("conversation") == conv]
		self.assertEqual(contacts[-1]["user_id"], new)


if __name__ == "__main__":
	main()
