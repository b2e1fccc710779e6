#!/usr/bin/env python3
"""Black-box tests of POST /v1/conversations/{id}/messages: 202 + pending
event, the send at the fake, statuses, idempotency, the 24-hour window,
templates, reply_to, validation."""

import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
    "..", "pylib"))
from harness import RelayTestCase, main, wp  # noqa: E402

DAY = 24 * 3600


class Send(RelayTestCase):
	status_delays = (0.05, 0.15, 0.3)   # the fake plays Meta's statuses

	def test_202_pending_then_sent_delivered_read(self):
		conv, _, c = self.new_conversation()
		before = self.last_seq()
		r = self.alice.send_text(conv, "Your order has shipped.",
		    client_id="ship-1")
		self.assertEqual(r.status, 202, r)
		e = r.data
		self.assertEqual(e["type"], "message")
		self.assertEqual(e["conversation"], conv)
		self.assertGreater(e["seq"], before)
		mm = e["message"]
		self.assertEqual(mm["direction"], "out")
		self.assertEqual(mm["kind"], "text")
		self.assertEqual(mm["text"], "Your order has shipped.")
		self.assertEqual(mm["status"], "pending")
		self.assertEqual(mm.get("client_id"), "ship-1")
		self.assertEqual(mm.get("agent"), "alice")
		self.assertTrue(mm["id"])
		self.assertIn(e, self.events(after=before))
		sent = self.wait_sent("Your order has shipped.")
		self.assertEqual(len(sent), 1)
		body = sent[0]["body"]
		self.assertEqual(body["messaging_product"], "whatsapp")
		self.assertEqual(body["to"], c.wa_id)
		self.assertNotIn("recipient", body)
		self.assertEqual(body["type"], "text")
		self.assertEqual(body["text"]["body"], "Your order has shipped.")
		self.assertNotIn("context", body)
		ids = {mm["id"], sent[0]["wamid"]}
		for state in ("sent", "delivered", "read"):
			self.wait_event(lambda ev: ev.get("type") == "status" and
			    ev["status"]["message"] in ids and
			    ev["status"]["status"] == state, after=before,
			    what="status " + state)
		st = self.status_events(ids)
		self.assertEqual([s["status"]["status"] for s in st],
		    ["sent", "delivered", "read"], st)
		for s in st:
			self.assertEqual(s["conversation"], conv)
		# The request the fake got was authorised and JSON.
		req = [x for x in self.fake.send_requests()
		    if x["body"] == body][0]
		self.assertEqual(req["path"], "/v21.0/%s/messages" %
		    self.relay.phone_number_id)
		self.assertIn("application/json", req["headers"].get(
		    "Content-Type", ""))

	def test_idempotent_client_id(self):
		conv, _, _ = self.new_conversation()
		text = "only once please"
		a = self.alice.send_text(conv, text, client_id="idem-1")
		b = self.alice.send_text(conv, text, client_id="idem-1")
		self.assertEqual(a.status, 202, a)
		self.assertEqual(b.status, 202, b)
		self.assertEqual(b.data, a.data)
		self.wait_sent(text)
		# A third repeat after the send finished also sends nothing.
		c = self.alice.send_text(conv, text, client_id="idem-1")
		self.assertEqual(c.data, a.data)
		self.wait_event(lambda ev: ev.get("type") == "status" and
		    ev["status"]["status"] == "read" and ev["status"]["message"]
		    in {a.data["message"]["id"]} | {s["wamid"] for s in
		    self.sends_with_text(text)}, what="read")
		self.assertEqual(len(self.sends_with_text(text,
		    accepted_only=False)), 1)
		outs = [e for e in self.conv_events(conv) if e["type"] ==
		    "message" and e["message"]["direction"] == "out"]
		self.assertEqual(len(outs), 1, outs)

	def test_reply_to_becomes_context(self):
		conv, m, c = self.new_conversation()
		r = self.alice.send_text(conv, "answering that", reply_to=m["id"])
		self.assertEqual(r.status, 202, r)
		self.assertEqual(r.data["message"].get("reply_to"), m["id"])
		sent = self.wait_sent("answering that")
		self.assertEqual(sent[0]["body"]["context"]["message_id"],
		    m["id"])

	def test_text_limits(self):
		conv, _, _ = self.new_conversation()
		for bad in ("", None):
			r = self.alice.call("POST", "/v1/conversations/%s/messages"
			    % conv, {"client_id": "empty-%r" % bad, "text": bad})
			self.assertEqual(r.status, 400, "%r -> %r" % (bad, r))
			self.assertIsInstance(r.error_code, str, r)
		r = self.alice.call("POST", "/v1/conversations/%s/messages" % conv,
		    {"client_id": "none-at-all"})
		self.assertEqual(r.status, 400, r)
		long_ok = "\u00e9" * 4096          # 4096 characters, 8192 bytes
		r = self.alice.send_text(conv, long_ok)
		self.assertEqual(r.status, 202, r)
		r = self.alice.send_text(conv, "a" * 4097)
		self.assertEqual(r.status, 400, r)
		r = self.alice.send_text(conv, "\u00e9" * 4097)
		self.assertEqual(r.status, 400, r)
		self.wait_sent(long_ok)
		time.sleep(0.3)
		for s in self.fake.send_requests():
			self.assertLessEqual(len(s["body"]["text"]["body"]), 4096)

	def test_bad_json_400(self):
		conv, _, _ = self.new_conversation()
		for raw in (b"not json", b"[1]", b"{\"text\": 5, \"client_id\": "
		    b"\"x\"}"):
			r = self.alice.call("POST", "/v1/conversations/%s/messages"
			    % conv, raw)
			self.assertEqual(r.status, 400, "%r -> %r" % (raw, r))

	def test_unknown_conversation_404(self):
		r = self.alice.send_text("does-not-exist", "hi")
		self.assertEqual(r.status, 404, r)
		self.assertIsInstance(r.error_code, str)
		r = self.alice.send_template("does-not-exist", "order_update")
		self.assertEqual(r.status, 404, r)

	def test_other_agent_sees_outbound(self):
		conv, _, _ = self.new_conversation()
		r = self.bob.send_text(conv, "from bob")
		self.assertEqual(r.status, 202, r)
		self.assertEqual(r.data["message"].get("agent"), "bob")
		evs = self.alice.all_events(0)
		self.assertIn(r.data, evs)


class Window(RelayTestCase):

	def test_window_closed_409_template_ok(self):
		old = int(time.time()) - DAY - 3600
		conv, _, c = self.new_conversation(timestamp=old,
		    text="two days ago")
		self.assertEqual(self.conv_state(conv)["last_inbound_ts"], old)
		r = self.alice.send_text(conv, "sorry for the wait")
		self.assertEqual(r.status, 409, r)
		self.assertEqual(r.error_code, "window_closed")
		self.assertTrue(r.data["error"]["message"])
		r = self.alice.send_template(conv, "order_update", "en_US",
		    ["A-1042"], client_id="tpl-1")
		self.assertEqual(r.status, 202, r)
		self.assertEqual(r.data["message"]["kind"], "template")
		self.assertEqual(r.data["message"]["status"], "pending")
		sent = self.fake.wait_for(lambda f: [s for s in f.accepted_sends()
		    if s["body"].get("type") == "template" and s["to"] == c.wa_id])
		body = sent[0]["body"]
		self.assertEqual(body["to"], c.wa_id)
		self.assertEqual(body["template"]["name"], "order_update")
		self.assertEqual(body["template"]["language"]["code"], "en_US")
		params = [p for comp in body["template"].get("components", [])
		    for p in comp.get("parameters", [])]
		self.assertEqual(params, [{"type": "text", "text": "A-1042"}])
		self.assertEqual(self.sends_with_text("sorry for the wait", False),
		    [])
		self.assertEqual(len([s for s in self.fake.send_requests()
		    if s["body"].get("to") == c.wa_id]), 1)

	def test_window_just_open(self):
		recent = int(time.time()) - DAY + 600
		conv, _, _ = self.new_conversation(timestamp=recent)
		r = self.alice.send_text(conv, "still in time")
		self.assertEqual(r.status, 202, r)

	def test_new_inbound_reopens_window(self):
		old = int(time.time()) - 3 * DAY
		conv, _, c = self.new_conversation(timestamp=old)
		self.assertEqual(self.alice.send_text(conv, "x").status, 409)
		self.inbound(c, "text", text="hi again")
		self.assertGreater(self.conv_state(conv)["last_inbound_ts"], old)
		r = self.alice.send_text(conv, "welcome back")
		self.assertEqual(r.status, 202, r)
		self.wait_sent("welcome back")

	def test_old_redelivery_does_not_move_window_back(self):
		conv, m, c = self.new_conversation()
		self.inbound(c, "text", text="late redelivery",
		    timestamp=int(time.time()) - 2 * DAY)
		r = self.alice.send_text(conv, "window still open")
		self.assertEqual(r.status, 202, r)


if __name__ == "__main__":
	main()
