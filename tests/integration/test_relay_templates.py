#!/usr/bin/env python3
"""Templates listed from Meta (every page) and followed by status-update
webhooks; template and interactive sends checked before they leave; the
typing indicator."""

import hashlib
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
    "..", "pylib"))
from harness import RelayTestCase, main, wait_until, wp  # noqa: E402
from agentapi import new_client_id  # noqa: E402

WABA = "102290129340398"

ORDER = {"id": "900001", "name": "order", "language": "en_US",
    "status": "APPROVED", "category": "UTILITY", "components": [
    {"type": "HEADER", "format": "TEXT", "text": "Order {{1}}"},
    {"type": "BODY", "text": "Hi {{1}}, order {{2}} ships today."},
    {"type": "BUTTONS", "buttons": [
        {"type": "URL", "text": "Track", "url": "https://x.test/t/{{1}}"},
        {"type": "QUICK_REPLY", "text": "Stop"}]}]}
HELLO = {"id": "900002", "name": "hello", "language": "en_US",
    "status": "APPROVED", "category": "MARKETING", "components": [
    {"type": "BODY", "text": "Hello {{1}}!"}]}


PROMO = {"id": "900004", "name": "lamp_promo", "language": "en_US",
    "status": "APPROVED", "category": "MARKETING", "components": [
    {"type": "HEADER", "format": "IMAGE"},
    {"type": "BODY", "text": "The new lamp is in."},
    {"type": "BUTTONS", "buttons": [
        {"type": "QUICK_REPLY", "text": "Tell me more"},
        {"type": "COPY_CODE", "example": "LAMP10"}]}]}
_PNG = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
    "fixtures", "images", "quadrants.png")


def _filler(i):
	return {"id": str(910000 + i), "name": "t%02d" % i, "language": "en_US",
	    "status": "APPROVED", "category": "UTILITY", "components": [
	    {"type": "BODY", "text": "Fixed text %d" % i}]}


class Templates(RelayTestCase):
	relay_kw = {"extra_config": "\n[whatsapp]\nwaba_id = %s\n"
	    "template_refresh = 1h\n" % WABA}

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.fake.set_templates(WABA, [ORDER, HELLO, PROMO] + [_filler(i) for i in
		    range(27)])
		# The first listing (at start) found none; a status update for
		# a template the relay does not know makes it list again.
		assert cls.fake.template_status(WABA, "order", "en_US",
		    "APPROVED") == 200
		wait_until(lambda: len(cls.alice.call("GET", "/v1/templates"
		    ).data["templates"]) == 30, 30, what="templates listed")

	def _templates(self):
		r = self.alice.call("GET", "/v1/templates")
		self.assertEqual(r.status, 200, r)
		return {t["name"]: t for t in r.data["templates"]}

	def test_listing_two_pages(self):
		ts = self._templates()
		self.assertEqual(len(ts), 30)
		t = ts["order"]
		self.assertEqual((t["waba_id"], t["language"], t["category"],
		    t["status"]), (WABA, "en_US", "UTILITY", "APPROVED"))
		self.assertEqual(t["components"], ORDER["components"])
		calls = [r for r in self.fake.snapshot() if r["kind"] ==
		    "templates"]
		paths = [r["path"] for r in calls]
		self.assertTrue(any("after=" in p for p in paths), paths)
		self.assertTrue(all(p.startswith("/v21.0/%s/message_templates" %
		    WABA) for p in paths), paths)
		self.assertTrue(all(r["token"] == self.relay.access_token for r in
		    calls))

	def test_status_update_webhook(self):
		code = self.fake.template_status(WABA, "t05", "en_US", "PAUSED",
		    reason="Low quality")
		self.assertEqual(code, 200)
		wait_until(lambda: self._templates()["t05"]["status"] == "PAUSED",
		    10, what="status PAUSED")
		self.assertEqual(self._templates()["t05"].get("reason"),
		    "Low quality")
		conv, _, _ = self.new_conversation()
		r = self.alice.send_template(conv, "t05")
		self.assertEqual(r.status, 400, r)
		self.assertEqual(r.error_code, "template_params")
		self.assertIn("PAUSED", r.data["error"]["message"])

	def _send(self, conv, template=None, interactive=None, client_id=None):
		body = {"client_id": client_id or new_client_id()}
		if template is not None:
			body["template"] = template
		if interactive is not None:
			body["interactive"] = interactive
		return self.alice.call("POST", "/v1/conversations/%s/messages" %
		    conv, body)

	def test_template_components_checked(self):
		conv, _, _ = self.new_conversation()
		header = {"type": "header", "parameters": [{"type": "text",
		    "text": "A-17"}]}
		body = {"type": "body", "parameters": [{"type": "text",
		    "text": "Ann"}, {"type": "text", "text": "A-17"}]}
		url = {"type": "button", "sub_type": "url", "index": "0",
		    "parameters": [{"type": "text", "text": "A-17"}]}
		bad = [
		    ([header, body], "URL suffix"),
		    ([header, {"type": "body", "parameters": body["parameters"]
		        [:1]}, url], "has 2 parameters, 1 given"),
		    ([body, url], "header"),
		    ([header, body, url, {"type": "button", "sub_type":
		        "quick_reply", "index": "1", "parameters": [{"type":
		        "payload", "payload": "x" * 300}]}], "payload"),
		]
		for comps, what in bad:
			r = self._send(conv, {"name": "order", "language": "en_US",
			    "components": comps})
			self.assertEqual(r.status, 400, (comps, r))
			self.assertEqual(r.error_code, "template_params")
			self.assertIn(what, r.data["error"]["message"])
		tpl = {"name": "order", "language": "en_US", "components":
		    [header, body, url]}
		r = self._send(conv, tpl)
		self.assertEqual(r.status, 202, r)
		self.assertEqual(r.data["message"]["kind"], "template")
		self.assertEqual(r.data["message"]["template"]["components"],
		    tpl["components"])
		sent = self.fake.wait_for(lambda f: [s for s in f.accepted_sends()
		    if s["body"].get("template", {}).get("name") == "order" and
		    s["to"] == self.conv_customer(conv)], 20)
		t = sent[0]["body"]["template"]
		self.assertEqual(t["language"], {"code": "en_US"})
		self.assertEqual(t["components"], tpl["components"])

	def _keep(self, conv, data, ctype):
		import agentapi
		return agentapi.request(self.alice.url, "POST",
		    "/v1/conversations/%s/media?send=0&filename=h.png" % conv, data,
		    {"Authorization": "Bearer " + self.alice.token,
		    "Content-Type": ctype})

	def test_header_file_kept_then_uploaded(self):
		conv, _, _ = self.new_conversation()
		with open(_PNG, "rb") as fp:
			png = fp.read()
		n = len(self.fake.snapshot())
		r = self._keep(conv, png, "image/png")
		self.assertEqual(r.status, 201, r)
		m = r.data["media"]
		self.assertEqual((m["id"], m["mime_type"], m["kind"], m["size"]), (
		    "local." + hashlib.sha256(png).hexdigest(), "image/png",
		    "image", len(png)))
		# Kept only: nothing went to Meta, no message event.
		time.sleep(0.5)
		self.assertEqual([x for x in self.fake.snapshot()[n:] if x["kind"]
		    in ("upload", "send")], [])
		# The agent's own file is served back to the conversation.
		self.assertEqual(self.alice.media(conv, m["id"]).body, png)
		btns = [{"type": "button", "sub_type": "quick_reply", "index": "0",
		    "parameters": [{"type": "payload", "payload": "more-lamp"}]},
		    {"type": "button", "sub_type": "copy_code", "index": "1",
		    "parameters": [{"type": "coupon_code", "coupon_code":
		    "LAMP10"}]}]

		def tpl(header):
			return {"name": "lamp_promo", "language": "en_US",
			    "components": [{"type": "header", "parameters":
			    [header]}] + btns}
		# A file the relay does not have, a file of the wrong type.
		r = self._send(conv, tpl({"type": "image", "image": {"id":
		    "local." + "0" * 64}}))
		self.assertEqual((r.status, r.error_code), (400, "template_params"))
		self.assertIn("not on the relay", r.data["error"]["message"])
		pdf = b"%PDF-1.4\n" + os.urandom(100)
		r = self._keep(conv, pdf, "application/pdf")
		self.assertEqual(r.status, 201, r)
		r = self._send(conv, tpl({"type": "image", "image": {"id":
		    r.data["media"]["id"]}}))
		self.assertEqual((r.status, r.error_code), (400, "template_params"))
		self.assertIn("needs an image", r.data["error"]["message"])
		r = self._send(conv, tpl({"type": "image", "image": {"id":
		    m["id"]}}))
		self.assertEqual(r.status, 202, r)
		# The sender uploads the file, then sends with Meta's id.
		sent = self.fake.wait_for(lambda f: [s for s in f.accepted_sends()
		    if s["body"].get("template", {}).get("name") == "lamp_promo"
		    and s["to"] == self.conv_customer(conv)], 20)
		up = [u for u in self.fake.uploads if u["size"] == len(png)]
		self.assertEqual(len(up), 1, self.fake.uploads)
		self.assertEqual(up[0]["type"], "image/png")
		comps = sent[0]["body"]["template"]["components"]
		self.assertEqual(comps[0]["parameters"][0], {"type": "image",
		    "image": {"id": up[0]["id"]}})
		self.assertEqual(comps[1:], btns)
		self.assertNotIn("ttydesk_upload", sent[0]["body"])

	def conv_customer(self, conv):
		evs = [e for e in self.conv_events(conv) if e["type"] == "message"
		    and e["message"]["direction"] == "in"]
		return evs[0]["message"]["from"]

	def test_old_params_form(self):
		conv, _, _ = self.new_conversation()
		r = self.alice.send_template(conv, "hello", params=["Ann"])
		self.assertEqual(r.status, 202, r)
		r = self.alice.send_template(conv, "hello", params=["Ann", "Bo"])
		self.assertEqual(r.status, 400, r)
		self.assertEqual(r.error_code, "template_params")
		r = self.alice.send_template(conv, "nosuch")
		self.assertEqual((r.status, r.error_code), (400,
		    "template_params"))

	def test_interactive(self):
		conv, _, _ = self.new_conversation()
		ok = {"type": "button", "body": {"text": "Did this help?"},
		    "action": {"buttons": [{"type": "reply", "reply": {"id": "y",
		    "title": "Yes"}}, {"type": "reply", "reply": {"id": "n",
		    "title": "No"}}]}}
		r = self._send(conv, interactive=ok)
		self.assertEqual(r.status, 202, r)
		msg = r.data["message"]
		self.assertEqual((msg["kind"], msg["text"]), ("interactive",
		    "Did this help?"))
		self.assertEqual(msg["interactive"], ok)
		sent = self.fake.wait_for(lambda f: [s for s in f.accepted_sends()
		    if s["body"].get("type") == "interactive" and s["to"] ==
		    self.conv_customer(conv)], 20)
		self.assertEqual(sent[0]["body"]["interactive"], ok)
		four = dict(ok, action={"buttons": [{"type": "reply", "reply":
		    {"id": str(i), "title": "B%d" % i}} for i in range(4)]})
		rows = [{"id": "r%d" % i, "title": "Row %d" % i} for i in
		    range(11)]
		lst = {"type": "list", "body": {"text": "Pick"}, "action": {
		    "button": "Menu", "sections": [{"title": "All", "rows":
		    rows}]}}
		long_title = dict(ok, action={"buttons": [{"type": "reply",
		    "reply": {"id": "x", "title": "x" * 21}}]})
		for bad, what in ((four, "1 to 3"), (lst, "10 rows"),
		    (long_title, "21 characters"), ({"type": "flow"}, "action")):
			r = self._send(conv, interactive=bad)
			self.assertEqual(r.status, 400, r)
			self.assertEqual(r.error_code, "interactive_invalid")
			self.assertIn(what, r.data["error"]["message"])

	def test_typing_at_most_every_20s(self):
		conv, m, _ = self.new_conversation()
		path = "/v1/conversations/%s/typing" % conv
		r = self.alice.call("POST", path)
		self.assertEqual(r.status, 204, r)
		typing = self.fake.wait_for(lambda f: [x for x in f.snapshot()
		    if x["kind"] == "typing" and x["body"]["message_id"] ==
		    m["id"]], 10)
		self.assertEqual(typing[0]["body"]["typing_indicator"],
		    {"type": "text"})
		self.assertEqual(typing[0]["body"]["status"], "read")
		r = self.bob.call("POST", path)
		self.assertEqual(r.status, 204, r)
		time.sleep(1.0)
		again = [x for x in self.fake.snapshot() if x["kind"] == "typing"
		    and x["body"]["message_id"] == m["id"]]
		self.assertEqual(len(again), 1)
		r = self.alice.call("POST", "/v1/conversations/nosuch/typing")
		self.assertEqual(r.status, 404, r)


if __name__ == "__main__":
	main()
