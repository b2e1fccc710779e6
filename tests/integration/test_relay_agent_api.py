#!/usr/bin/env python3
"""Black-box tests of the relay's agent API (relay-api.md, "Agent API"):
auth, /v1/me, /v1/sync paging and long-poll, notes, escalate, assign,
status, read receipts, media download."""

import json
import os
import sqlite3
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
    "..", "pylib"))
from harness import RelayTestCase, main, wp  # noqa: E402
import pgcluster  # noqa: E402
from agentapi import AgentClient, new_client_id, wait_until  # noqa: E402


class Auth(RelayTestCase):

	def _paths(self):
		conv, m, _ = self.new_conversation()
		cid = wp.new_media_id()
		q = "/v1/conversations/%s/" % conv
		return [("GET", "/v1/me", None), ("GET", "/v1/sync?after=0", None),
		    ("POST", q + "messages", {"client_id": cid, "text": "x"}),
		    ("POST", q + "notes", {"client_id": cid, "text": "x"}),
		    ("POST", q + "escalate", {"client_id": cid, "team": "tier2",
		    "priority": "high", "reason": "x"}),
		    ("POST", q + "assign", {"client_id": cid, "agent": "alice"}),
		    ("POST", q + "status", {"client_id": cid, "status":
		    "resolved"}),
		    ("POST", q + "read", {"message": m["id"]}),
		    ("GET", q + "media/123", None)]

	def test_missing_token_401(self):
		for method, path, body in self._paths():
			r = self.alice.call(method, path, body, token="")
			self.assertEqual(r.status, 401, "%s %s -> %r" % (method,
			    path, r))
			self.assertIsInstance(r.error_code, str, r)
			self.assertTrue(r.data["error"].get("message"), r)
		self.assertEqual(self.fake.send_requests(), [])

	def test_wrong_token_401(self):
		tok = self.relay.agents["alice"].token
		for bad in (tok + "x", tok[:-1], "x" * len(tok),
		    self.relay.agents["alice"].token.upper()):
			for method, path, body in self._paths():
				r = self.alice.call(method, path, body, token=bad)
				self.assertEqual(r.status, 401, "%s %s -> %r" % (
				    method, path, r))
		self.assertEqual(self.fake.send_requests(), [])

	def test_not_bearer_401(self):
		from agentapi import request
		tok = self.relay.agents["alice"].token
		for h in ("Basic " + tok, tok, "Bearer", "bearer  "):
			r = request(self.relay.url, "GET", "/v1/me",
			    headers={"Authorization": h})
			self.assertEqual(r.status, 401, "%r -> %r" % (h, r))

	def test_hash_is_not_a_token(self):
		import relayproc
		h = relayproc.sha256_hex(self.relay.agents["alice"].token)
		r = self.alice.call("GET", "/v1/me", token=h)
		self.assertEqual(r.status, 401, r)


class Me(RelayTestCase):

	def test_me_shape(self):
		r = self.alice.me()
		self.assertEqual(r.status, 200, r)
		d = r.data
		self.assertEqual(d["agent"]["id"], "alice")
		self.assertEqual(d["agent"]["name"], "Alice Moreau")
		self.assertEqual(sorted(d["agent"]["teams"]), ["tier1", "tier2"])
		teams = {t["id"]: t["name"] for t in d["teams"]}
		self.assertEqual(teams, {"tier1": "Tier 1", "tier2": "Tier 2",
		    "billing": "Billing"})
		self.assertEqual(d["business"]["phone_number_id"],
		    self.relay.phone_number_id)
		self.assertEqual(d["business"]["display_phone_number"],
		    self.relay.display_phone_number)

	def test_me_other_agent(self):
		r = self.bob.me()
		self.assertEqual(r.status, 200, r)
		self.assertEqual(r.data["agent"]["id"], "bob")
		self.assertEqual(r.data["agent"]["teams"], ["tier1"])


class Sync(RelayTestCase):

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		# 4 customers x 3 messages: at least 20 events.
		for i in range(4):
			c = cls.fake.customer("1777%07d" % i, None, "Sync %d" % i)
			for j in range(3):
				_, code = cls.fake.customer_message(c, "text",
				    text="m%d" % j)
				assert code == 200, code

	def test_paging_after_limit_more_next(self):
		full = self.alice.sync(0, limit=5000, wait=0)
		self.assertEqual(full.status, 200, full)
		allev = full.data["events"]
		self.assertGreaterEqual(len(allev), 20)
		self.assertFalse(full.data["more"])
		self.assertEqual(full.data["next"], allev[-1]["seq"])
		seqs = [e["seq"] for e in allev]
		self.assertEqual(seqs, sorted(set(seqs)))
		got, after, pages = [], 0, 0
		while True:
			r = self.alice.sync(after, limit=3, wait=0)
			self.assertEqual(r.status, 200, r)
			evs = r.data["events"]
			self.assertLessEqual(len(evs), 3)
			if evs:
				self.assertGreater(evs[0]["seq"], after)
				self.assertEqual(r.data["next"], evs[-1]["seq"])
			else:
				self.assertEqual(r.data["next"], after)
			got += evs
			pages += 1
			after = r.data["next"]
			if not r.data["more"]:
				break
			self.assertEqual(len(evs), 3)
		self.assertEqual(got, allev)
		self.assertGreaterEqual(pages, 7)

	def test_after_middle(self):
		allev = self.alice.all_events(0)
		mid = allev[len(allev) // 2]["seq"]
		r = self.alice.sync(mid, wait=0)
		self.assertEqual(r.data["events"],
		    [e for e in allev if e["seq"] > mid])

	def test_after_end_empty(self):
		allev = self.alice.all_events(0)
		last = allev[-1]["seq"]
		t0 = time.monotonic()
		r = self.alice.sync(last, wait=0)
		self.assertLess(time.monotonic() - t0, 5)
		self.assertEqual(r.status, 200, r)
		self.assertEqual(r.data["events"], [])
		self.assertEqual(r.data["next"], last)
		self.assertFalse(r.data["more"])
		# Past the head (a restored log, relay-api.md "Operating the
		# relay"): answered at once, even with a wait; next stays
		# after (the contract), "head" says where the log ends.
		t0 = time.monotonic()
		r = self.alice.sync(last + 1000, wait=10)
		self.assertLess(time.monotonic() - t0, 5)
		self.assertEqual(r.status, 200, r)
		self.assertEqual(r.data["events"], [])
		self.assertEqual(r.data["next"], last + 1000)
		self.assertLessEqual(r.data["head"], last + 2)
		self.assertGreaterEqual(r.data["head"], last)

	def test_default_limit_returns_everything_small(self):
		r = self.alice.sync(0)
		self.assertEqual(r.status, 200, r)
		self.assertEqual(r.data["events"], self.alice.all_events(0))

	def test_wait_returns_early_on_event(self):
		last = self.last_seq()
		c = self.customer()
		box = {}

		def poll():
			t0 = time.monotonic()
			box["r"] = self.alice.sync(last, wait=30)
			box["t"] = time.monotonic()
			box["t0"] = t0
		th = threading.Thread(target=poll)
		th.start()
		time.sleep(0.5)   # let the long-poll park first
		self.assertTrue(th.is_alive(), "long-poll returned at once: %r"
		    % box.get("r"))
		m, _ = self.fake.customer_message(c, "text", text="wake",
		    post=False)
		v = wp.message_value(self.relay.phone_number_id, "15550100", c,
		    [m])
		t_post = time.monotonic()
		self.assertEqual(self.hooks.post(wp.envelope([v])).status, 200)
		th.join(40)
		self.assertFalse(th.is_alive())
		r = box["r"]
		self.assertEqual(r.status, 200, r)
		self.assertTrue(r.data["events"])
		self.assertGreater(r.data["events"][0]["seq"], last)
		latency = box["t"] - t_post
		sys.stderr.write("long-poll woke %.1f ms after the webhook was "
		    "posted\n" % (latency * 1000))
		self.assertLess(latency, 1.0, "long-poll woke after %.3f s" %
		    latency)

	def test_wait_cap_when_nothing_arrives(self):
		last = self.last_seq()
		t0 = time.monotonic()
		r = self.alice.sync(last, wait=2)
		dt = time.monotonic() - t0
		self.assertEqual(r.status, 200, r)
		self.assertEqual(r.data["events"], [])
		self.assertEqual(r.data["next"], last)
		self.assertGreaterEqual(dt, 1.5)
		self.assertLess(dt, 10)

	def test_two_waiters_both_wake(self):
		last = self.last_seq()
		out = []
		ths = [threading.Thread(target=lambda a=a: out.append(
		    a.sync(last, wait=30))) for a in (self.alice, self.bob)]
		for t in ths:
			t.start()
		time.sleep(0.5)
		self.inbound(self.customer(), "text", text="both")
		for t in ths:
			t.join(40)
		self.assertEqual(len(out), 2)
		for r in out:
			self.assertEqual(r.status, 200, r)
			self.assertTrue(r.data["events"])

	def test_bad_params_400(self):
		for q in ("after=abc", "after=-1", "after=1.5", "limit=abc",
		    "limit=0", "limit=-3", "after=0&wait=abc", "after=0&wait=-1",
		    "after=0&limit=10x", "after=99999999999999999999999"):
			r = self.alice.sync(raw_query=q)
			self.assertEqual(r.status, 400, "%s -> %r" % (q, r))
			self.assertIsInstance(r.error_code, str, r)

	def test_limit_max_5000(self):
		r = self.alice.sync(raw_query="after=0&limit=5000&wait=0")
		self.assertEqual(r.status, 200, r)
		r = self.alice.sync(raw_query="after=0&limit=100000&wait=0")
		self.assertIn(r.status, (200, 400), r)
		if r.status == 200:
			self.assertLessEqual(len(r.data["events"]), 5000)


class ConversationActions(RelayTestCase):

	def test_note_201_not_sent(self):
		conv, _, _ = self.new_conversation()
		r = self.alice.note(conv, "customer is a VIP, be nice")
		self.assertEqual(r.status, 201, r)
		e = r.data
		self.assertEqual(e["type"], "message")
		self.assertEqual(e["conversation"], conv)
		self.assertEqual(e["message"]["direction"], "note")
		self.assertEqual(e["message"]["text"], "customer is a VIP, be nice")
		self.assertEqual(e["message"].get("agent"), "alice")
		self.assertIn(e, self.events())
		time.sleep(0.3)
		self.assertEqual(self.fake.send_requests(), [])

	def test_note_bad(self):
		conv, _, _ = self.new_conversation()
		self.assertEqual(self.alice.note(conv, "").status, 400)
		self.assertEqual(self.alice.note("no-such-conv", "x").status, 404)

	def test_note_idempotent(self):
		conv, _, _ = self.new_conversation()
		a = self.alice.note(conv, "once", client_id="note-once-1")
		b = self.alice.note(conv, "once", client_id="note-once-1")
		self.assertEqual(a.status, 201)
		self.assertEqual(b.data, a.data)
		n = [e for e in self.conv_events(conv) if e["type"] == "message"
		    and e["message"]["direction"] == "note"]
		self.assertEqual(len(n), 1)

	def test_escalate(self):
		conv, _, _ = self.new_conversation()
		self.assertEqual(self.alice.assign(conv, "alice").status, 200)
		r = self.alice.escalate(conv, "billing", "refund over limit",
		    priority="urgent")
		self.assertEqual(r.status, 200, r)
		self.assertEqual(r.data["type"], "conversation")
		self.assertEqual(r.data["conversation"], conv)
		st = r.data["state"]
		self.assertEqual(st["status"], "escalated")
		self.assertEqual(st["team"], "billing")
		self.assertIsNone(st["assignee"])
		self.assertEqual(st["priority"], "urgent")
		esc = st["escalation"]
		self.assertEqual(esc["team"], "billing")
		self.assertEqual(esc["reason"], "refund over limit")
		self.assertEqual(esc["by"], "alice")
		self.assertLess(abs(esc["at"] - time.time()), 120)
		self.assertEqual(self.conv_state(conv), st)

	def test_escalate_bad(self):
		conv, _, _ = self.new_conversation()
		r = self.alice.escalate(conv, "no-such-team", "why")
		self.assertEqual(r.status, 400, r)
		r = self.alice.escalate(conv, "tier2", "")
		self.assertEqual(r.status, 400, r)
		r = self.alice.escalate(conv, "tier2", "x", priority="meh")
		self.assertEqual(r.status, 400, r)
		self.assertEqual(self.alice.escalate("nope", "tier2", "x").status,
		    404)
		self.assertNotEqual(self.conv_state(conv)["status"], "escalated")

	def test_assign_unassign(self):
		conv, _, _ = self.new_conversation()
		r = self.alice.assign(conv, "bob")
		self.assertEqual(r.status, 200, r)
		self.assertEqual(r.data["type"], "conversation")
		self.assertEqual(r.data["state"]["assignee"], "bob")
		self.assertEqual(self.conv_state(conv)["assignee"], "bob")
		r = self.bob.assign(conv, None)
		self.assertEqual(r.status, 200, r)
		self.assertIsNone(r.data["state"]["assignee"])
		self.assertIsNone(self.conv_state(conv)["assignee"])

	def test_assign_unknown_agent(self):
		conv, _, _ = self.new_conversation()
		r = self.alice.assign(conv, "mallory")
		self.assertIn(r.status, (400, 404), r)
		self.assertIsInstance(r.error_code, str, r)
		self.assertIsNone(self.conv_state(conv)["assignee"])

	def test_assign_idempotent_client_id(self):
		conv, _, _ = self.new_conversation()
		before = self.last_seq()
		a = self.alice.assign(conv, "alice", client_id="assign-x-1")
		b = self.alice.assign(conv, "alice", client_id="assign-x-1")
		self.assertEqual(a.status, 200)
		self.assertEqual(b.data, a.data)
		evs = [e for e in self.events(after=before)
		    if e["type"] == "conversation"]
		self.assertEqual(len(evs), 1, evs)

	def test_status_cycle(self):
		conv, _, _ = self.new_conversation()
		for s in ("pending", "resolved", "open", "pending", "resolved"):
			r = self.alice.set_status(conv, s)
			self.assertEqual(r.status, 200, r)
			self.assertEqual(r.data["state"]["status"], s)
			self.assertEqual(self.conv_state(conv)["status"], s)

	def test_status_bad(self):
		conv, _, _ = self.new_conversation()
		for s in ("closed", "", None, 3, "escalated"):
			r = self.alice.set_status(conv, s)
			self.assertEqual(r.status, 400, "%r -> %r" % (s, r))
		self.assertEqual(self.alice.set_status("nope", "open").status, 404)

	def test_read_sends_receipt(self):
		conv, m, _ = self.new_conversation()
		r = self.alice.read(conv, m["id"])
		self.assertEqual(r.status, 200, r)
		reads = self.fake.wait_for(lambda f: [x for x in
		    f.read_requests() if x["body"].get("message_id") == m["id"]])
		b = reads[0]["body"]
		self.assertEqual(b["messaging_product"], "whatsapp")
		self.assertEqual(b["status"], "read")
		self.assertEqual(reads[0]["path"], "/v21.0/%s/messages" %
		    self.relay.phone_number_id)
		self.assertEqual(reads[0]["status"], 200)

	def test_media_download(self):
		conv, _, c = self.new_conversation()
		data = b"\x89PNG\r\n\x1a\n" + os.urandom(3000)
		mid = self.fake.add_media(data, "image/png")
		self.inbound(c, "image", media_id=mid, mime_type="image/png")
		r = self.alice.media(conv, mid)
		self.assertEqual(r.status, 200, r)
		self.assertEqual(r.body, data)
		self.assertEqual((r.header("Content-Type") or "").split(";")[0],
		    "image/png")
		kinds = [x["kind"] for x in self.fake.snapshot()]
		self.assertIn("media_info", kinds)
		self.assertIn("media_download", kinds)
		self.assertTrue(all(x["status"] == 200 for x in
		    self.fake.snapshot() if x["kind"].startswith("media")))

	def test_media_download_pdf(self):
		conv, _, c = self.new_conversation()
		m = self.inbound(c, "document", data=b"%PDF-1.7\n" + os.urandom(
		    70000))
		mid = m["document"]["id"]
		r = self.alice.media(conv, mid)
		self.assertEqual(r.status, 200, r)
		self.assertEqual(r.body, self.fake.media[mid][1])
		self.assertEqual((r.header("Content-Type") or "").split(";")[0],
		    "application/pdf")

	def test_media_voice_content_type_kept(self):
		conv, _, c = self.new_conversation()
		m = self.inbound(c, "voice")
		mid = m["audio"]["id"]
		r = self.alice.media(conv, mid)
		self.assertEqual(r.status, 200, r)
		self.assertEqual(r.body, self.fake.media[mid][1])
		self.assertTrue((r.header("Content-Type") or "").startswith(
		    "audio/ogg"), r.headers)

	def test_media_unknown(self):
		conv, _, _ = self.new_conversation()
		r = self.alice.media(conv, "4242424242")
		self.assertIn(r.status, (404, 502), r)
		self.assertIsInstance(r.error_code, str, r)


class ErrorShape(RelayTestCase):

	def test_errors_are_snake_case_objects(self):
		import re
		conv, _, _ = self.new_conversation(timestamp=int(time.time()) -
		    3 * 86400)
		rs = [self.alice.call("GET", "/v1/me", token=""),
		    self.alice.send_text("nope", "x"),
		    self.alice.send_text(conv, ""),
		    self.alice.send_text(conv, "late"),
		    self.alice.sync(raw_query="after=x"),
		    self.alice.escalate(conv, "nope", "r")]
		self.assertEqual([r.status for r in rs],
		    [401, 404, 400, 409, 400, 400])
		for r in rs:
			self.assertEqual(set(r.data), {"error"}, r)
			self.assertRegex(r.data["error"]["code"], r"^[a-z][a-z0-9_]*$")
			self.assertIsInstance(r.data["error"]["message"], str)
			self.assertTrue(r.data["error"]["message"])
			self.assertIn("json", r.header("Content-Type") or "")

	def test_unknown_request_fields_ignored(self):
		conv, _, _ = self.new_conversation()
		r = self.alice.call("POST", "/v1/conversations/%s/messages" % conv,
		    {"client_id": "extra-1", "text": "with extras", "foo": [1],
		    "bar": {"x": None}})
		self.assertEqual(r.status, 202, r)
		r = self.alice.call("POST", "/v1/conversations/%s/status" % conv,
		    {"client_id": "extra-2", "status": "pending", "why": "x"})
		self.assertEqual(r.status, 200, r)


class UnknownConversation(RelayTestCase):

	def test_404s(self):
		for r in (self.alice.send_text("no-such", "hi"),
		    self.alice.assign("no-such", "bob"),
		    self.alice.set_status("no-such", "open"),
		    self.alice.read("no-such", "wamid.x"),
		    self.alice.media("no-such", "1")):
			self.assertEqual(r.status, 404, r)
			self.assertIsInstance(r.error_code, str, r)
		self.assertEqual(self.fake.snapshot(), [])

	def test_unknown_route_not_200(self):
		r = self.alice.call("GET", "/v1/nope")
		self.assertEqual(r.status, 404, r)


class ClientIdScope(RelayTestCase):
	"""client_id is scoped to the agent and the conversation
	(api.md, "Idempotency")."""

	def test_client_id_scoped_to_agent_and_conversation(self):
		"""The same client_id on another conversation, or from another
		agent, is a new request: sent, never the first answer."""
		c1, _, _ = self.new_conversation()
		c2, _, _ = self.new_conversation()
		cid = "scoped-" + new_client_id()
		a1 = self.alice.send_text(c1, "scoped one", client_id=cid)
		a2 = self.alice.send_text(c2, "scoped two", client_id=cid)
		b1 = self.bob.send_text(c1, "scoped three", client_id=cid)
		again = self.alice.send_text(c1, "scoped one", client_id=cid)
		for r in (a1, a2, b1, again):
			self.assertEqual(r.status, 202, r)
		ids = [r.data["message"]["id"] for r in (a1, a2, b1)]
		self.assertEqual(len(set(ids)), 3, ids)
		self.assertEqual(a2.data["conversation"], c2)
		self.assertEqual(b1.data["message"]["agent"], "bob")
		self.assertEqual(again.data, a1.data)
		wait_until(lambda: len([s for s in self.fake.send_requests()
		    if s["body"].get("text", {}).get("body", "").startswith(
		    "scoped ")]) >= 3, what="three sends")
		time.sleep(0.3)
		bodies = sorted(s["body"]["text"]["body"] for s in
		    self.fake.send_requests() if s["body"].get("text", {}).get(
		    "body", "").startswith("scoped "))
		self.assertEqual(bodies, ["scoped one", "scoped three",
		    "scoped two"])
		# Notes and bulk the same way: bob's bulk does not get alice's.
		n1 = self.alice.note(c1, "n", client_id=cid)
		n2 = self.alice.note(c2, "n", client_id=cid)
		self.assertEqual((n1.status, n2.status), (201, 201))
		self.assertNotEqual(n1.data["message"]["id"],
		    n2.data["message"]["id"])
		body = {"client_id": cid, "conversations": [c1],
		    "action": {"status": "pending"}}
		ra = self.alice.call("POST", "/v1/bulk", body)
		rb = self.bob.call("POST", "/v1/bulk", dict(body, action={
		    "status": "open"}))
		self.assertEqual((ra.status, rb.status), (200, 200))
		self.assertEqual(self.conv_state(c1)["status"], "open")

	@unittest.skipIf(pgcluster.wanted(), "the record is written with sqlite3")
	def test_client_id_record_from_before_scoping(self):
		"""A record an older relay wrote (route and client_id alone)
		still answers a retry on its conversation, and only there."""
		c1, _, _ = self.new_conversation()
		c2, _, _ = self.new_conversation()
		cid = "legacy-" + new_client_id()
		old = {"seq": 1, "ts": 1, "type": "message", "conversation": c1,
		    "message": {"id": "out.legacy", "direction": "out"}}
		db = sqlite3.connect(self.relay.db, timeout=10)
		with db:
			db.execute("INSERT INTO idempotency(route, client_id, "
			    "status, response) VALUES('notes', ?, 201, ?)",
			    (cid, json.dumps(old)))
		db.close()
		r = self.alice.note(c1, "retry", client_id=cid)
		self.assertEqual((r.status, r.data), (201, old))
		r = self.alice.note(c2, "elsewhere", client_id=cid)
		self.assertEqual(r.status, 201)
		self.assertEqual(r.data["conversation"], c2)


if __name__ == "__main__":
	main()
