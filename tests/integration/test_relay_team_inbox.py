#!/usr/bin/env python3
"""Black-box tests of relay-api.md "Team-inbox additions": labels, snooze,
presence, contact notes/attributes and history, bulk actions, SLA due
times, CSAT."""

import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
    "..", "pylib"))
from harness import RelayTestCase, main, wp  # noqa: E402
from agentapi import new_client_id, quote  # noqa: E402

SLA_CONFIG = """
[sla]
first_response = 15m
next_response = 1h
urgent.first_response = 5m

[csat]
enabled = yes
"""


class TeamInbox(RelayTestCase):
	relay_kw = {"extra_config": SLA_CONFIG}
	status_delays = (0.05, 0.1, 0.15)

	def post(self, path, body, agent=None):
		return (agent or self.alice).call("POST", path, body)

	def labels(self, conv, add=(), remove=(), client_id=None):
		return self.post("/v1/conversations/%s/labels" % quote(conv), {
		    "client_id": client_id or new_client_id(), "add": list(add),
		    "remove": list(remove)})

	# ---- labels -----------------------------------------------------

	def test_labels_add_remove(self):
		conv, _, _ = self.new_conversation()
		self.assertEqual(self.conv_state(conv).get("labels", []), [])
		r = self.labels(conv, add=["vip", "refund"])
		self.assertEqual(r.status, 200, r)
		self.assertEqual(r.data["type"], "conversation")
		self.assertEqual(sorted(r.data["state"]["labels"]),
		    ["refund", "vip"])
		r = self.labels(conv, add=["vip"], remove=["refund"])
		self.assertEqual(r.status, 200, r)
		self.assertEqual(r.data["state"]["labels"], ["vip"])
		self.assertEqual(self.conv_state(conv)["labels"], ["vip"])
		r = self.labels(conv, remove=["not-there"])
		self.assertEqual(r.status, 200, r)
		self.assertEqual(r.data["state"]["labels"], ["vip"])

	def test_labels_bad(self):
		conv, _, _ = self.new_conversation()
		for bad in ("", "x" * 33, "a\nb", "tab\there", "\x1b[31m", 7, None):
			r = self.labels(conv, add=[bad])
			self.assertEqual(r.status, 400, "%r -> %r" % (bad, r))
		r = self.labels(conv, add=["x" * 32, "\u00e9t\u00e9"])
		self.assertEqual(r.status, 200, r)
		self.assertEqual(self.labels("nope", add=["a"]).status, 404)

	# ---- snooze -----------------------------------------------------

	def test_snooze_until_customer_writes(self):
		conv, _, c = self.new_conversation()
		until = int(time.time()) + 3600
		r = self.alice.set_status(conv, "snoozed", until=until)
		self.assertEqual(r.status, 200, r)
		st = r.data["state"]
		self.assertEqual(st["status"], "snoozed")
		self.assertEqual(st["snoozed_until"], until)
		self.inbound(c, "text", text="hello? anyone?")
		st = self.conv_state(conv)
		self.assertEqual(st["status"], "open")
		self.assertFalse(st.get("snoozed_until"))

	def test_snooze_wakes_at_until(self):
		conv, _, _ = self.new_conversation()
		until = int(time.time()) + 2
		r = self.alice.set_status(conv, "snoozed", until=until)
		self.assertEqual(r.status, 200, r)
		before = r.data["seq"]
		e = self.wait_event(lambda ev: ev.get("type") == "conversation"
		    and ev["conversation"] == conv and ev["state"]["status"] ==
		    "open", after=before, timeout=20, what="wake from snooze")
		self.assertGreaterEqual(e["ts"], until)

	def test_snooze_bad(self):
		conv, _, _ = self.new_conversation()
		for extra in ({}, {"until": "tomorrow"}, {"until": None}):
			r = self.alice.set_status(conv, "snoozed", **extra)
			self.assertEqual(r.status, 400, "%r -> %r" % (extra, r))

	# ---- presence ---------------------------------------------------

	def test_presence(self):
		conv, _, _ = self.new_conversation()
		before = self.last_seq()
		for act in ("viewing", "typing", "left"):
			r = self.post("/v1/conversations/%s/presence" % quote(conv),
			    {"activity": act}, self.bob)
			self.assertEqual(r.status, 204, r)
			self.assertEqual(r.body, b"")
		evs = [e for e in self.events(after=before)
		    if e["type"] == "presence"]
		self.assertEqual(len(evs), 3, evs)
		for e, act in zip(evs, ("viewing", "typing", "left")):
			p = e.get("presence") if isinstance(e.get("presence"),
			    dict) else e
			self.assertEqual(e["conversation"], conv)
			self.assertEqual(p["agent"], "bob")
			self.assertEqual(p["activity"], act)
			self.assertLess(abs(p["expires"] - (e["ts"] + 30)), 3)

	def test_presence_bad(self):
		conv, _, _ = self.new_conversation()
		r = self.post("/v1/conversations/%s/presence" % quote(conv),
		    {"activity": "dancing"})
		self.assertEqual(r.status, 400, r)
		r = self.post("/v1/conversations/nope/presence",
		    {"activity": "viewing"})
		self.assertEqual(r.status, 404, r)

	# ---- contacts ---------------------------------------------------

	def test_contact_note_attributes_history(self):
		conv, _, c = self.new_conversation()
		r = self.alice.call("GET", "/v1/contacts/" + quote(c.wa_id))
		self.assertEqual(r.status, 200, r)
		self.assertEqual(r.data["type"], "contact")
		self.assertEqual(r.data["contact"]["wa_id"], c.wa_id)
		r = self.post("/v1/contacts/" + quote(c.wa_id), {
		    "client_id": new_client_id(), "note": "prefers email",
		    "attributes": {"plan": "gold", "city": "Lyon"}})
		self.assertEqual(r.status, 200, r)
		ct = r.data["contact"]
		self.assertEqual(ct["note"], "prefers email")
		self.assertEqual(ct["attributes"], {"plan": "gold",
		    "city": "Lyon"})
		self.assertEqual(ct["wa_id"], c.wa_id)
		got = self.alice.call("GET", "/v1/contacts/" + quote(c.wa_id))
		self.assertEqual(got.data["contact"]["note"], "prefers email")
		self.assertIn(r.data, self.events())
		r = self.alice.call("GET", "/v1/contacts/%s/conversations" %
		    quote(c.wa_id))
		self.assertEqual(r.status, 200, r)
		cl = r.data["conversations"]
		self.assertEqual([x["id"] for x in cl], [conv])
		self.assertEqual(cl[0]["state"]["status"], "open")
		self.assertLessEqual(cl[0]["first_ts"], cl[0]["last_ts"])

	def test_contact_unknown_404(self):
		for path in ("/v1/contacts/999000111", "/v1/contacts/999000111/"
		    "conversations"):
			r = self.alice.call("GET", path)
			self.assertEqual(r.status, 404, r)
		r = self.post("/v1/contacts/999000111", {"client_id": "x",
		    "note": "n"})
		self.assertEqual(r.status, 404, r)

	def test_contact_auth(self):
		_, _, c = self.new_conversation()
		r = self.alice.call("GET", "/v1/contacts/" + c.wa_id, token="")
		self.assertEqual(r.status, 401, r)

	# ---- bulk -------------------------------------------------------

	def test_bulk(self):
		convs = [self.new_conversation()[0] for _ in range(3)]
		r = self.post("/v1/bulk", {"client_id": new_client_id(),
		    "conversations": convs + ["nope"],
		    "action": {"assign": "bob"}})
		self.assertEqual(r.status, 200, r)
		res = r.data["results"]
		self.assertEqual([x["conversation"] for x in res], convs + ["nope"])
		self.assertEqual([x["ok"] for x in res], [True, True, True, False])
		self.assertTrue(res[3].get("error"))
		for cv in convs:
			self.assertEqual(self.conv_state(cv)["assignee"], "bob")
		r = self.post("/v1/bulk", {"client_id": new_client_id(),
		    "conversations": convs, "action": {"status": "resolved"}})
		self.assertEqual(r.status, 200, r)
		self.assertTrue(all(x["ok"] for x in r.data["results"]))
		for cv in convs:
			self.assertEqual(self.conv_state(cv)["status"], "resolved")
		r = self.post("/v1/bulk", {"client_id": new_client_id(),
		    "conversations": convs, "action": {"escalate": {
		    "team": "nope", "priority": "high", "reason": "x"}}})
		self.assertEqual(r.status, 200, r)
		self.assertFalse(any(x["ok"] for x in r.data["results"]))

	def test_bulk_bad(self):
		conv, _, _ = self.new_conversation()
		for body in ({"client_id": "b1", "conversations": [conv],
		    "action": {"dance": 1}}, {"client_id": "b2",
		    "conversations": conv, "action": {"assign": "bob"}},
		    {"client_id": "b3", "conversations": [conv]}):
			r = self.post("/v1/bulk", body)
			self.assertEqual(r.status, 400, "%r -> %r" % (body, r))

	# ---- SLA --------------------------------------------------------

	def test_sla_due_times(self):
		conv, m, c = self.new_conversation()
		st = self.conv_state(conv)
		ts = st["last_inbound_ts"]
		self.assertEqual(st["sla"]["first_response_due"], ts + 15 * 60)
		self.assertFalse(st["sla"]["breached"])
		self.reply(conv)
		sla = self.conv_state(conv)["sla"]
		self.assertFalse(sla.get("first_response_due"))
		self.assertFalse(sla.get("next_response_due"))
		later = int(time.time()) + 1
		self.inbound(c, "text", text="and another thing", timestamp=later)
		sla = self.conv_state(conv)["sla"]
		self.assertEqual(sla.get("next_response_due"), later + 3600)

	def test_sla_breached_after_due(self):
		old = int(time.time()) - 20 * 60   # first response due 5 min ago
		conv, m, _ = self.new_conversation(timestamp=old)
		st = self.conv_state(conv)
		self.assertEqual(st["sla"]["first_response_due"], old + 15 * 60)
		e = self.wait_event(lambda ev: ev.get("type") == "conversation"
		    and ev["conversation"] == conv and ev["state"]["sla"].get(
		    "breached"), timeout=15, what="SLA breach")
		self.assertTrue(e["state"]["sla"]["breached"])
		r = self.alice.assign(conv, "alice")
		self.assertTrue(r.data["state"]["sla"]["breached"])

	# ---- CSAT -------------------------------------------------------

	def test_csat(self):
		conv, _, c = self.new_conversation()
		self.reply(conv)
		r = self.alice.set_status(conv, "resolved")
		self.assertEqual(r.status, 200, r)
		sent = self.fake.wait_for(lambda f: [s for s in f.accepted_sends()
		    if s["body"].get("type") == "interactive" and
		    s["to"] == c.wa_id], timeout=30)
		inter = sent[0]["body"]["interactive"]
		if inter.get("type") == "button":
			opts = [(b["reply"]["id"], b["reply"]["title"]) for b in
			    inter["action"]["buttons"]]
			mtype = "button_reply"
		else:
			opts = [(row["id"], row["title"]) for sec in
			    inter["action"]["sections"] for row in sec["rows"]]
			mtype = "list_reply"
		self.assertGreaterEqual(len(opts), 2, inter)
		bid, title = opts[0]
		self.inbound(c, mtype, button_id=bid, title=title,
		    context={"from": "15550100", "id": sent[0]["wamid"]})
		st = self.conv_state(conv)
		self.assertEqual(st["status"], "resolved", "CSAT answer reopened")
		self.assertIn(st["csat"]["score"], range(1, 6))
		self.assertLess(abs(st["csat"]["at"] - time.time()), 120)

	def test_no_csat_when_window_closed(self):
		old = int(time.time()) - 2 * 86400
		conv, _, c = self.new_conversation(timestamp=old)
		self.assertEqual(self.alice.set_status(conv, "resolved").status,
		    200)
		time.sleep(1.0)
		self.assertEqual([s for s in self.fake.send_requests()
		    if s["body"].get("to") == c.wa_id], [])


if __name__ == "__main__":
	main()
