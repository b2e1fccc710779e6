#!/usr/bin/env python3
"""Black-box tests of the relay's webhook intake (relay-api.md, "Webhook
intake" and "Events"): handshake, signatures, bad bodies, size limit,
duplicates, statuses, new-customer order, reopening, every message type."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
    "..", "pylib"))
from harness import RelayTestCase, main, wp  # noqa: E402

KINDS = {"text", "image", "video", "audio", "document", "sticker",
    "location", "contacts", "reaction", "interactive", "button", "template",
    "unsupported"}


class Handshake(RelayTestCase):

	def test_verify_ok_returns_challenge(self):
		r = self.hooks.verify("subscribe", self.relay.verify_token,
		    "1158201444")
		self.assertEqual(r.status, 200, r)
		self.assertEqual(r.body, b"1158201444")
		self.assertTrue((r.header("Content-Type") or "").startswith(
		    "text/plain"), r.headers)

	def test_verify_wrong_token_403(self):
		r = self.hooks.verify("subscribe", self.relay.verify_token + "x",
		    "42")
		self.assertEqual(r.status, 403, r)
		self.assertNotIn(b"42", r.body)

	def test_verify_missing_token_403(self):
		r = wp_get(self.relay.url, "/webhook?hub.mode=subscribe&"
		    "hub.challenge=42")
		self.assertEqual(r.status, 403, r)


def wp_get(url, path):
	from agentapi import request
	return request(url, "GET", path)


class Signatures(RelayTestCase):

	def _body(self):
		c = self.customer()
		m = wp.inbound_message(c, "text", text="signed?")
		v = wp.message_value(self.relay.phone_number_id, "15550100", c, [m])
		return m, wp.to_bytes(wp.envelope([v]))

	def _assert_not_stored(self, m):
		self.assertEqual(self.message_events(m["id"]), [])

	def test_missing_signature_401(self):
		m, raw = self._body()
		r = self.hooks.post(raw, signature=None)
		self.assertEqual(r.status, 401, r)
		self._assert_not_stored(m)

	def test_wrong_secret_401(self):
		m, raw = self._body()
		r = self.hooks.post(raw, signature=wp.sign("not-the-secret", raw))
		self.assertEqual(r.status, 401, r)
		self._assert_not_stored(m)

	def test_signature_of_other_body_401(self):
		m, raw = self._body()
		sig = wp.sign(self.relay.app_secret, raw + b" ")
		r = self.hooks.post(raw, signature=sig)
		self.assertEqual(r.status, 401, r)
		self._assert_not_stored(m)

	def test_malformed_signature_401(self):
		m, raw = self._body()
		good = wp.sign(self.relay.app_secret, raw)
		for bad in ("", "sha256=", "sha256=zz", good[7:],
		    "sha1=" + good[7:], good[:-2], "sha256=" + "0" * 64):
			r = self.hooks.post(raw, signature=bad)
			self.assertEqual(r.status, 401, "%r -> %r" % (bad, r))
		self._assert_not_stored(m)

	def test_good_signature_200_and_stored(self):
		m, raw = self._body()
		r = self.hooks.post(raw)
		self.assertEqual(r.status, 200, r)
		self.assertEqual(len(self.message_events(m["id"])), 1)


class BadBodies(RelayTestCase):

	def test_not_json_400(self):
		for raw in (b"not json", b"{\"object\":", b"", b"\xff\xfe{}"):
			r = self.hooks.post(raw)
			self.assertEqual(r.status, 400, "%r -> %r" % (raw, r))

	def test_wrong_object_400(self):
		for body in ({"object": "page", "entry": []},
		    {"entry": []}, [1, 2], "whatsapp_business_account", 7,
		    {"object": "instagram", "entry": [{"id": "1",
		    "changes": []}]}):
			r = self.hooks.post(body)
			self.assertEqual(r.status, 400, "%r -> %r" % (body, r))

	def test_other_phone_number_id_ignored(self):
		c = self.customer()
		before = self.last_seq()
		m, code = self.fake.customer_message(c, "text", text="elsewhere",
		    phone_number_id="999999999999")
		self.assertEqual(code, 200)
		evs = self.events(after=before)
		self.assertEqual(self.message_events(m["id"], evs), [])
		self.assertFalse([e for e in evs if e.get("type") == "contact"
		    and e["contact"].get("wa_id") == c.wa_id], evs)


class SizeLimit(RelayTestCase):
	relay_kw = {"max_body": 4096}

	def _padded(self, size):
		c = self.customer()
		m = wp.inbound_message(c, "text", text="x")
		v = wp.message_value(self.relay.phone_number_id, "15550100", c, [m])
		raw = wp.to_bytes(wp.envelope([v]))
		pad = size - len(raw)
		m["text"]["body"] = "x" * (1 + pad)
		raw = wp.to_bytes(wp.envelope([v]))
		self.assertEqual(len(raw), size)
		return m, raw

	def test_over_limit_413(self):
		m, raw = self._padded(4097)
		r = self.hooks.post(raw)
		self.assertEqual(r.status, 413, r)
		self.assertEqual(self.message_events(m["id"]), [])

	def test_far_over_limit_413(self):
		m, raw = self._padded(300000)
		r = self.hooks.post(raw)
		self.assertEqual(r.status, 413, r)

	def test_at_limit_200(self):
		m, raw = self._padded(4096)
		r = self.hooks.post(raw)
		self.assertEqual(r.status, 200, r)
		self.assertEqual(len(self.message_events(m["id"])), 1)


class Intake(RelayTestCase):

	def test_new_customer_contact_conversation_message_order(self):
		c = self.customer(name="Sheena Nelson")
		before = self.last_seq()
		m = self.inbound(c, "text", text="Does it come in blue?")
		evs = self.events(after=before)
		seqs = [e["seq"] for e in evs]
		self.assertEqual(seqs, sorted(set(seqs)), "seq strictly rising")
		msg = self.message_events(m["id"], evs)
		self.assertEqual(len(msg), 1, evs)
		conv = msg[0]["conversation"]
		self.assertIsInstance(conv, str)
		self.assertTrue(conv)
		contact = [e for e in evs if e.get("type") == "contact" and
		    e["contact"].get("wa_id") == c.wa_id]
		convs = [e for e in evs if e.get("type") == "conversation" and
		    e["conversation"] == conv]
		self.assertEqual(len(contact), 1, evs)
		self.assertTrue(convs, evs)
		self.assertEqual(contact[0]["contact"]["name"], "Sheena Nelson")
		self.assertEqual(contact[0]["conversation"], conv)
		self.assertEqual(convs[0]["state"]["status"], "open")
		self.assertLess(contact[0]["seq"], convs[0]["seq"])
		self.assertLess(convs[0]["seq"], msg[0]["seq"])
		for e in convs:
			self.assertEqual(e["state"]["status"], "open")
		mm = msg[0]["message"]
		self.assertEqual(mm["direction"], "in")
		self.assertEqual(mm["kind"], "text")
		self.assertEqual(mm["text"], "Does it come in blue?")
		self.assertEqual(mm["from"], c.wa_id)
		self.assertEqual(mm["status"], "received")
		for e in evs:
			for k in ("seq", "ts", "type", "conversation"):
				self.assertIn(k, e)
			self.assertIsInstance(e["ts"], int)

	def test_second_message_no_new_contact_or_conversation(self):
		conv, m1, c = self.new_conversation()
		before = self.last_seq()
		m2 = self.inbound(c, "text", text="second")
		evs = self.events(after=before)
		types = [e["type"] for e in evs]
		self.assertNotIn("contact", types, evs)
		msg = self.message_events(m2["id"], evs)
		self.assertEqual(len(msg), 1)
		self.assertEqual(msg[0]["conversation"], conv)

	def test_duplicate_webhook_one_event(self):
		c = self.customer()
		m, _ = self.fake.customer_message(c, "text", text="dup", post=False)
		v = wp.message_value(self.relay.phone_number_id, "15550100", c, [m])
		raw = wp.to_bytes(wp.envelope([v]))
		self.assertEqual(self.hooks.post(raw).status, 200)
		first = self.last_seq()
		self.assertEqual(len(self.message_events(m["id"])), 1)
		for _ in range(3):
			self.assertEqual(self.hooks.post(raw).status, 200)
		self.assertEqual(self.events(after=first), [],
		    "a redelivered webhook made new events")

	def test_redelivery_in_other_batch_one_event(self):
		# Meta may redeliver a message inside a different batch.
		c = self.customer()
		m1 = wp.inbound_message(c, "text", text="one")
		m2 = wp.inbound_message(c, "text", text="two")
		pn = self.relay.phone_number_id
		self.assertEqual(self.hooks.post(wp.envelope([wp.message_value(
		    pn, "15550100", c, [m1])])).status, 200)
		self.assertEqual(self.hooks.post(wp.envelope([wp.message_value(
		    pn, "15550100", c, [m1, m2])])).status, 200)
		evs = self.events()
		self.assertEqual(len(self.message_events(m1["id"], evs)), 1)
		self.assertEqual(len(self.message_events(m2["id"], evs)), 1)

	def test_batch_of_changes_all_stored(self):
		pn = self.relay.phone_number_id
		cs = [self.customer() for _ in range(3)]
		ms = [[wp.inbound_message(c, "text", text="b%d" % i)
		    for i in range(2)] for c in cs]
		values = [wp.message_value(pn, "15550100", c, m)
		    for c, m in zip(cs, ms)]
		self.assertEqual(self.hooks.post(wp.envelope(values)).status, 200)
		evs = self.events()
		convs = set()
		for c, mlist in zip(cs, ms):
			for m in mlist:
				e = self.message_events(m["id"], evs)
				self.assertEqual(len(e), 1, m["id"])
				self.assertEqual(e[0]["message"]["from"], c.wa_id)
				convs.add(e[0]["conversation"])
		self.assertEqual(len(convs), 3)

	def test_resolved_conversation_reopened_by_inbound(self):
		conv, _, c = self.new_conversation()
		r = self.alice.set_status(conv, "resolved")
		self.assertEqual(r.status, 200, r)
		self.assertEqual(self.conv_state(conv)["status"], "resolved")
		m = self.inbound(c, "text", text="it broke again")
		evs = self.events()
		msg = self.message_events(m["id"], evs)
		self.assertEqual(len(msg), 1)
		self.assertEqual(msg[0]["conversation"], conv)
		self.assertEqual(self.conv_state(conv, evs)["status"], "open")

	def test_last_inbound_ts_follows_message_timestamp(self):
		conv, m, c = self.new_conversation(timestamp=1700000000)
		self.assertEqual(self.conv_state(conv)["last_inbound_ts"],
		    1700000000)


class Statuses(RelayTestCase):

	def test_duplicate_status_one_event(self):
		conv, _, c = self.new_conversation()
		ev, wamid = self.reply(conv)
		ids = {ev["message"]["id"], wamid}
		for _ in range(2):
			self.assertEqual(self.fake.post_status(wamid, "delivered",
			    c.wa_id), 200)
		st = [e for e in self.status_events(ids)
		    if e["status"]["status"] == "delivered"]
		self.assertEqual(len(st), 1, st)
		self.assertEqual(st[0]["conversation"], conv)

	def test_read_before_delivered_stays_read(self):
		conv, _, c = self.new_conversation()
		ev, wamid = self.reply(conv)
		ids = {ev["message"]["id"], wamid}
		self.assertEqual(self.fake.post_status(wamid, "read", c.wa_id), 200)
		self.assertEqual(self.fake.post_status(wamid, "delivered",
		    c.wa_id), 200)
		self.assertEqual(self.fake.post_status(wamid, "sent", c.wa_id), 200)
		st = self.status_events(ids)
		self.assertTrue(st)
		self.assertEqual(st[-1]["status"]["status"], "read", st)
		self.assertEqual(len([e for e in st
		    if e["status"]["status"] == "read"]), 1, st)

	def test_status_right_after_send_answer(self):
		# Meta's "sent" webhook can reach the relay before the relay has
		# stored the Graph answer that told it the wamid.  The statuses
		# must still land on the message, once each, ending at read.
		conv, _, c = self.new_conversation()
		self.fake.set_status_delays((0.0, 0.0, 0.0))
		try:
			text = "race %s" % wp.new_media_id()
			r = self.alice.send_text(conv, text)
			self.assertEqual(r.status, 202, r)
			sent = self.wait_sent(text)
			ids = {r.data["message"]["id"], sent[0]["wamid"]}
			self.fake.wait_for(lambda f: len([w for w in f.webhooks if
			    w[0]["entry"][0]["changes"][0]["value"].get("statuses",
			    [{}])[0].get("id") == sent[0]["wamid"]]) >= 3)
		finally:
			self.fake.set_status_delays(None)
		# A relay may hold early statuses until it has the answer.
		self.wait_event(lambda e: e.get("type") == "status" and
		    e["status"]["message"] in ids and e["status"]["status"] ==
		    "read", timeout=20, what="read status")
		st = self.status_events(ids)
		states = [e["status"]["status"] for e in st]
		self.assertEqual(states[-1], "read", st)
		for s in ("sent", "delivered", "read"):
			self.assertLessEqual(states.count(s), 1, st)

	def test_status_before_send_answer(self):
		# Deterministic worst case of the race above: the statuses
		# arrive while the relay still waits for the Graph answer.
		conv, _, c = self.new_conversation()
		self.fake.early_status = True
		try:
			text = "early %s" % wp.new_media_id()
			r = self.alice.send_text(conv, text)
			self.assertEqual(r.status, 202, r)
			sent = self.wait_sent(text)
		finally:
			self.fake.early_status = False
		wamid = sent[0]["wamid"]
		lid = r.data["message"]["id"]
		self.wait_event(lambda e: e.get("type") == "status" and
		    e["status"]["message"] == lid, what="status of " + lid)
		early = self.fake.wait_for(lambda f: (lambda l: l if len(l) >= 2
		    else None)([code for body, code in f.webhooks if body[
		    "entry"][0]["changes"][0]["value"].get("statuses", [{}])[0]
		    .get("id") == wamid]), timeout=60)
		self.assertEqual(early, [200, 200])
		self.assertEqual(self.fake.post_status(wamid, "read", c.wa_id), 200)
		self.assertEqual(self.fake.post_status(wamid, "delivered",
		    c.wa_id), 200)
		st = self.status_events({lid, wamid})
		self.assertNotIn("failed", [e["status"]["status"] for e in st], st)
		states = [e["status"]["status"] for e in st]
		self.assertEqual(states[-1], "read", st)
		for s in ("sent", "delivered", "read"):
			self.assertLessEqual(states.count(s), 1, st)

	def test_failed_status_webhook_carries_error(self):
		conv, _, c = self.new_conversation()
		ev, wamid = self.reply(conv)
		ids = {ev["message"]["id"], wamid}
		self.assertEqual(self.fake.post_status(wamid, "failed", c.wa_id,
		    error=(131026, "Message undeliverable",
		    "Message could not be delivered")), 200)
		st = [e for e in self.status_events(ids)
		    if e["status"]["status"] == "failed"]
		self.assertEqual(len(st), 1, st)
		self.assertEqual(st[0]["status"]["error"]["code"], 131026)
		self.assertEqual(st[0]["status"]["error"]["title"],
		    "Message undeliverable")


class MessageKinds(RelayTestCase):
	"""Every inbound message type the customer simulator produces
	becomes exactly one message event of the right kind."""

	def _one(self, c, mtype, **kw):
		m = self.inbound(c, mtype, **kw)
		e = self.message_events(m["id"])
		self.assertEqual(len(e), 1, "%s: %r" % (mtype, e))
		mm = e[0]["message"]
		self.assertIn(mm["kind"], KINDS)
		self.assertEqual(mm["direction"], "in")
		self.assertEqual(mm["from"], c.ident)
		return m, mm

	def test_every_type(self):
		conv, first, c = self.new_conversation()
		_, mm = self._one(c, "reply", text="re", context={
		    "from": c.wa_id, "id": first["id"]})
		self.assertEqual(mm["kind"], "text")
		self.assertEqual(mm.get("reply_to"), first["id"])
		for t in ("image", "video", "audio", "voice", "document",
		    "sticker"):
			m, mm = self._one(c, t, caption="cap " + t)
			want = "audio" if t == "voice" else t
			self.assertEqual(mm["kind"], want)
			self.assertEqual(mm["media"]["id"], m[want]["id"])
			self.assertEqual(mm["media"]["mime_type"],
			    m[want]["mime_type"])
			if t in ("image", "video", "document"):
				self.assertEqual(mm.get("caption"), "cap " + t)
			if t == "document":
				self.assertEqual(mm["media"].get("filename"),
				    "invoice.pdf")
		_, mm = self._one(c, "location", latitude=52.52,
		    longitude=13.405, name="Office", address="Main St 1")
		self.assertEqual(mm["kind"], "location")
		self.assertAlmostEqual(mm["location"]["latitude"], 52.52)
		self.assertAlmostEqual(mm["location"]["longitude"], 13.405)
		self.assertEqual(mm["location"].get("name"), "Office")
		self.assertEqual(mm["location"].get("address"), "Main St 1")
		_, mm = self._one(c, "contacts")
		self.assertEqual(mm["kind"], "contacts")
		_, mm = self._one(c, "button_reply", title="Yes please")
		self.assertEqual(mm["kind"], "interactive")
		_, mm = self._one(c, "list_reply")
		self.assertEqual(mm["kind"], "interactive")
		_, mm = self._one(c, "button", text="Track my order")
		self.assertEqual(mm["kind"], "button")
		_, mm = self._one(c, "reaction", reaction_to=first["id"],
		    emoji="\u2764\ufe0f")
		self.assertEqual(mm["kind"], "reaction")
		self.assertEqual(mm["reaction"]["to"], first["id"])
		self.assertEqual(mm["reaction"]["emoji"], "\u2764\ufe0f")
		_, mm = self._one(c, "unreaction", reaction_to=first["id"])
		self.assertEqual(mm["kind"], "reaction")
		self.assertEqual(mm["reaction"]["emoji"], "")
		_, mm = self._one(c, "order")
		_, mm = self._one(c, "unsupported")
		self.assertEqual(mm["kind"], "unsupported")
		convs = {e["conversation"] for e in self.events()
		    if e["type"] == "message" and e["message"]["from"] == c.wa_id}
		self.assertEqual(convs, {conv})


if __name__ == "__main__":
	main()
