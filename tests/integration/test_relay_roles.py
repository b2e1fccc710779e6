#!/usr/bin/env python3
"""Black-box tests of relay-api.md "Roles, automatic assignment and
reports", the roles half: visibility = teams on every endpoint, the one
hidden conversation event, and 403 forbidden for what only supervisors
and admins may do."""

import os
import sys
import unittest
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
    "..", "pylib"))
from harness import RelayTestCase, main, wp  # noqa: E402
from agentapi import new_client_id, quote, request  # noqa: E402
import relayproc  # noqa: E402


class Roles(RelayTestCase):
	# alice: supervisor whose visibility = teams is ignored; bob: an agent
	# of tier1 seeing his teams only; carol: an agent seeing all.
	relay_kw = {"agents": [
	    relayproc.Agent("alice", "Alice", ["tier1"], role="supervisor",
	        visibility="teams"),
	    relayproc.Agent("bob", "Bob", ["tier1"], visibility="teams"),
	    relayproc.Agent("carol", "Carol", ["billing"]),
	    relayproc.Agent("root", "Root", [], role="admin")]}

	def conv_in(self, team, text=None):
		"""A new conversation moved to team's queue (unassigned) by
		alice; returns (conv, message, customer)."""
		conv, m, c = self.new_conversation(text=text or "need help %s" %
		    wp.new_media_id())
		if team is not None:
			r = self.alice.escalate(conv, team, "moved by the test",
			    priority="normal")
			self.assertEqual(r.status, 200, r)
		return conv, m, c

	def test_me_says_role_and_visibility(self):
		me = self.alice.me().data["agent"]
		self.assertEqual((me["role"], me["visibility"]),
		    ("supervisor", "teams"))
		me = self.bob.me().data["agent"]
		self.assertEqual((me["role"], me["visibility"]), ("agent", "teams"))
		me = self.world.agent("carol").me().data["agent"]
		self.assertEqual((me["role"], me["visibility"]), ("agent", "all"))
		me = self.world.agent("root").me().data["agent"]
		self.assertEqual(me["role"], "admin")

	def routes(self, conv, m, c):
		"""Every agent route on one conversation or its contact:
		(method, path, body)."""
		cv = quote(conv)
		cid = new_client_id
		return [
		    ("GET", "/v1/conversations/%s/messages" % cv, None),
		    ("POST", "/v1/conversations/%s/messages" % cv,
		        {"client_id": cid(), "text": "hi"}),
		    ("POST", "/v1/conversations/%s/notes" % cv,
		        {"client_id": cid(), "text": "note"}),
		    ("POST", "/v1/conversations/%s/escalate" % cv,
		        {"client_id": cid(), "team": "tier1", "priority": "high",
		        "reason": "r"}),
		    ("POST", "/v1/conversations/%s/assign" % cv,
		        {"client_id": cid(), "agent": "bob"}),
		    ("POST", "/v1/conversations/%s/status" % cv,
		        {"client_id": cid(), "status": "pending"}),
		    ("POST", "/v1/conversations/%s/labels" % cv,
		        {"client_id": cid(), "add": ["x"]}),
		    ("POST", "/v1/conversations/%s/presence" % cv,
		        {"activity": "viewing"}),
		    ("POST", "/v1/conversations/%s/read" % cv,
		        {"message": m["id"]}),
		    ("POST", "/v1/conversations/%s/typing" % cv, {}),
		    ("GET", "/v1/conversations/%s/media/%s" % (cv,
		        wp.new_media_id()), None),
		    ("POST", "/v1/conversations/%s/media?client_id=%s&filename=a.txt"
		        % (cv, cid()), b"hello"),
		    ("GET", "/v1/contacts/%s" % quote(c.wa_id), None),
		    ("POST", "/v1/contacts/%s" % quote(c.wa_id),
		        {"client_id": cid(), "note": "vip"}),
		    ("GET", "/v1/contacts/%s/conversations" % quote(c.wa_id), None),
		]

	def call(self, agent, method, path, body):
		h = {"Authorization": "Bearer " + agent.token}
		if isinstance(body, bytes):
			h["Content-Type"] = "text/plain"
		return request(agent.url, method, path, body, h)

	def test_every_route_hides_other_teams(self):
		conv, m, c = self.conv_in("tier2")
		for method, path, body in self.routes(conv, m, c):
			r = self.call(self.bob, method, path, body)
			self.assertEqual(r.status, 404, (method, path, r))
			self.assertEqual(r.error_code, "not_found", (path, r))
		# The same requests from the supervisor reach the conversation
		# (whatever they then answer, never "not found").
		for method, path, body in self.routes(conv, m, c):
			if "/media/" in path:
				continue  # no such media: a 404 of its own
			r = self.call(self.alice, method, path, body)
			self.assertNotEqual(r.status, 404, (method, path, r))
		# carol (visibility all) also reaches it.
		r = self.world.agent("carol").call("GET",
		    "/v1/conversations/%s/messages" % quote(conv))
		self.assertEqual(r.status, 200, r)

	def test_lists_and_search_hide_other_teams(self):
		word = "zork%s" % wp.new_media_id()[-8:]
		hidden, _, _ = self.conv_in("tier2", "hidden %s" % word)
		mine, _, _ = self.conv_in("tier1", "mine %s" % word)
		free, _, _ = self.conv_in(None, "free %s" % word)
		r = self.alice.assign(free, None)
		self.assertEqual(r.status, 200, r)
		for agent, want in ((self.bob, {mine, free}),
		    (self.alice, {hidden, mine, free})):
			r = agent.call("GET", "/v1/search?" +
			    urllib.parse.urlencode({"q": word}))
			self.assertEqual(r.status, 200, r)
			got = {h["conversation"] for h in r.data["results"]}
			self.assertEqual(got, want)
			r = agent.call("GET", "/v1/snapshot?since=0&limit=1000")
			self.assertEqual(r.status, 200, r)
			convs = {e["conversation"] for e in r.data["events"]}
			self.assertEqual(convs & {hidden, mine, free}, want)
			r = agent.call("GET", "/v1/conversations?limit=200")
			self.assertEqual(r.status, 200, r)
			convs = {e["id"] for e in r.data["conversations"]}
			self.assertEqual(convs & {hidden, mine, free}, want)
			evs = agent.all_events(0)
			msgs = {e["conversation"] for e in evs
			    if e["type"] == "message"}
			self.assertEqual(msgs & {hidden, mine, free}, want)
		# Assigned to bob: seen in another team's queue too.
		r = self.alice.assign(hidden, "bob")
		self.assertEqual(r.status, 200, r)
		r = self.bob.call("GET", "/v1/conversations/%s/messages" %
		    quote(hidden))
		self.assertEqual(r.status, 200, r)

	def test_a_conversation_leaving_the_view_is_hidden_once(self):
		conv, m, _ = self.conv_in("tier1")
		cur = self.bob.all_events(0)[-1]["seq"]
		self.assertTrue(any(e["conversation"] == conv and
		    e["type"] == "message" for e in self.bob.all_events(0)))
		r = self.alice.escalate(conv, "tier2", "to tier 2")
		self.assertEqual(r.status, 200, r)
		self.reply(conv, "a reply bob must not see")
		r = self.alice.note(conv, "a note bob must not see")
		self.assertEqual(r.status, 201, r)
		r = self.alice.call("POST", "/v1/conversations/%s/presence" %
		    quote(conv), {"activity": "typing"})
		self.assertEqual(r.status, 204, r)
		self.assertTrue([e for e in self.alice.all_events(cur)
		    if e["type"] == "presence" and e["conversation"] == conv])
		evs = [e for e in self.bob.all_events(cur)
		    if e["conversation"] == conv]
		self.assertEqual(len(evs), 1, evs)
		self.assertEqual(evs[0]["type"], "conversation")
		self.assertIs(evs[0]["hidden"], True)
		self.assertNotIn("state", evs[0])
		# From 0: no message of it, one hidden event after its visible
		# ones.
		evs = [e for e in self.bob.all_events(0)
		    if e["conversation"] == conv]
		self.assertEqual([e for e in evs if e["type"] == "message"], [])
		hidden = [e for e in evs if e.get("hidden")]
		self.assertEqual(len(hidden), 1, evs)
		self.assertEqual(evs[-1], hidden[0])
		# Back in bob's team: the conversation event shows it again.
		r = self.alice.escalate(conv, "tier1", "back")
		self.assertEqual(r.status, 200, r)
		evs = [e for e in self.bob.all_events(cur)
		    if e["conversation"] == conv]
		self.assertEqual(evs[-1]["state"]["team"], "tier1")
		self.assertEqual(len([e for e in evs if e.get("hidden")]), 1)
		# The supervisor never gets a hidden event.
		self.assertEqual([e for e in self.alice.all_events(0)
		    if e.get("hidden")], [])

	def test_media_and_bulk_of_a_hidden_conversation(self):
		hidden, _, c = self.conv_in("tier2")
		data = b"\x89PNG\r\n\x1a\n" + os.urandom(2000)
		mid = self.fake.add_media(data, "image/png")
		m = self.inbound(c, "image", media_id=mid, mime_type="image/png")
		self.message_events(m["id"])
		# The media exists and the supervisor gets it; bob gets 404, on
		# the hidden conversation and through one he sees.
		r = self.alice.media(hidden, mid)
		self.assertEqual((r.status, r.body), (200, data), r)
		mine, _, _ = self.conv_in("tier1")
		for conv in (hidden, mine):
			r = self.bob.media(conv, mid)
			self.assertEqual(r.status, 404, r)
			self.assertEqual(r.error_code, "not_found", r)
		# A bulk action: the hidden one refused as not found, unchanged;
		# the visible one done.
		r = self.bob.call("POST", "/v1/bulk", {"client_id":
		    new_client_id(), "conversations": [hidden, mine],
		    "action": {"labels": {"add": ["swept"]}}})
		self.assertEqual(r.status, 200, r)
		self.assertEqual(r.data["results"], [
		    {"conversation": hidden, "ok": False, "error": "not_found"},
		    {"conversation": mine, "ok": True}])
		self.assertNotIn("swept", self.conv_state(hidden)["labels"])
		self.assertIn("swept", self.conv_state(mine)["labels"])

	def test_assigning_to_someone_else_is_for_supervisors(self):
		conv, _, _ = self.conv_in("tier1")
		r = self.bob.assign(conv, "alice")
		self.assertEqual(r.status, 403, r)
		self.assertEqual(r.error_code, "forbidden")
		self.assertIn("supervisor", r.data["error"]["message"])
		self.assertIsNone(self.conv_state(conv)["assignee"])
		self.assertEqual(self.bob.assign(conv, "bob").status, 200)
		self.assertEqual(self.bob.assign(conv, None).status, 200)
		for who in (self.alice, self.world.agent("root")):
			r = who.assign(conv, "bob")
			self.assertEqual(r.status, 200, r)
		# In bulk too: nothing is changed.
		r = self.bob.call("POST", "/v1/bulk", {"client_id":
		    new_client_id(), "conversations": [conv],
		    "action": {"assign": "carol"}})
		self.assertEqual(r.status, 403, r)
		self.assertEqual(r.error_code, "forbidden")
		self.assertEqual(self.conv_state(conv)["assignee"], "bob")

	def test_large_bulk_is_for_supervisors(self):
		conv, _, _ = self.conv_in("tier1")
		many = [conv] + ["c%d" % (900000 + i) for i in range(50)]
		body = {"client_id": new_client_id(), "conversations": many,
		    "action": {"labels": {"add": ["big"]}}}
		r = self.bob.call("POST", "/v1/bulk", body)
		self.assertEqual(r.status, 403, r)
		self.assertEqual(r.error_code, "forbidden")
		self.assertIn("50", r.data["error"]["message"])
		self.assertNotIn("big", self.conv_state(conv).get("labels", []))
		r = self.bob.call("POST", "/v1/bulk", dict(body,
		    client_id=new_client_id(), conversations=many[:50]))
		self.assertEqual(r.status, 200, r)
		r = self.alice.call("POST", "/v1/bulk", dict(body,
		    client_id=new_client_id()))
		self.assertEqual(r.status, 200, r)
		self.assertEqual(len(r.data["results"]), 51)
		self.assertTrue(r.data["results"][0]["ok"])

	def test_reports_are_for_supervisors(self):
		for who in (self.bob, self.world.agent("carol")):
			r = who.call("GET", "/v1/reports?from=0&to=2000000000")
			self.assertEqual(r.status, 403, r)
			self.assertEqual(r.error_code, "forbidden")
			self.assertIn("report", r.data["error"]["message"])
		for who in (self.alice, self.world.agent("root")):
			r = who.call("GET", "/v1/reports?from=0&to=2000000000&by=team")
			self.assertEqual(r.status, 200, r)
			self.assertIn("rows", r.data)
		r = self.alice.call("GET", "/v1/reports?from=0&by=week")
		self.assertEqual(r.status, 400, r)

	def test_sighup_reloads_roles(self):
		a = self.relay.agents["carol"]
		a.role, a.visibility = "supervisor", "teams"
		try:
			self.relay.write_config()
			self.relay.proc.send_signal(1)
			me = lambda: self.world.agent("carol").me().data["agent"]
			import agentapi
			agentapi.wait_until(lambda: me()["role"] == "supervisor",
			    what="reloaded role")
			self.assertEqual(me()["visibility"], "teams")
		finally:
			a.role, a.visibility = None, None
			self.relay.write_config()
			self.relay.proc.send_signal(1)


class RolesTwoNumbers(RelayTestCase):
	"""One customer on two numbers: two conversations, one in a team
	bob does not see."""
	DE, FR = "106540352242922", "106540352242933"
	relay_kw = {"extra_config": """
[number de]
phone_number_id = %s
display_phone_number = +49 30 1234567

[number fr]
phone_number_id = %s
display_phone_number = +33 1 23456789
default_team = tier2
""" % (DE, FR), "agents": [
	    relayproc.Agent("alice", "Alice", ["tier1"], role="supervisor"),
	    relayproc.Agent("bob", "Bob", ["tier1"], visibility="teams")]}

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.fake.add_number(cls.FR)

	def write(self, c, pnid):
		m, code = self.fake.customer_message(c, "text", text="hi %s" %
		    wp.new_media_id(), phone_number_id=pnid)
		self.assertEqual(code, 200)
		return self.message_events(m["id"])[0]["conversation"]

	def test_contact_history_lists_only_visible_conversations(self):
		c = self.customer()
		de, fr = self.write(c, self.DE), self.write(c, self.FR)
		self.assertEqual(self.conv_state(fr)["team"], "tier2")
		path = "/v1/contacts/%s/conversations" % quote(c.wa_id)
		for agent, want in ((self.alice, {de, fr}), (self.bob, {de})):
			r = agent.call("GET", path)
			self.assertEqual(r.status, 200, r)
			self.assertEqual({x["id"] for x in r.data["conversations"]},
			    want)
		# The contact itself stays readable to bob through de.
		r = self.bob.call("GET", "/v1/contacts/%s" % quote(c.wa_id))
		self.assertEqual(r.status, 200, r)


if __name__ == "__main__":
	main()
