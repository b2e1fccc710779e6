"""End to end: SLA breach marks, CSAT ratings and the contact panel of
`ttydesk` in tmux, against the real relay (short SLA targets, CSAT on) and
the fake Graph API."""

import os
import sys
import time
import unittest

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, _HERE)
sys.path.insert(0, os.path.join(_HERE, "..", "pylib"))

import harness  # noqa: E402
from agentapi import new_client_id, quote  # noqa: E402
from tui_tmux import TuiSession, TuiWorldCase  # noqa: E402

CONFIG = """
[sla]
first_response = 15m
next_response = 1h

[csat]
enabled = yes
"""


class TuiTeamPanel(TuiWorldCase):
	relay_kw = {"extra_config": CONFIG}

	def new_conv(self, name, text="hello", timestamp=None, bsuid=False):
		c = self.fake.customer(None if bsuid else harness.unique_phone(),
		    harness.unique_bsuid() if bsuid else None, name)
		m, code = self.fake.customer_message(c, "text", text=text,
		    timestamp=timestamp)
		self.assertEqual(code, 200)
		for e in self.alice.all_events(0):
			if e.get("type") == "message" and \
			    e["message"].get("id") == m["id"]:
				return e["conversation"], c
		raise AssertionError("no conversation")

	def state(self, conv):
		return [e for e in self.alice.all_events(0) if e.get("type") ==
		    "conversation" and e["conversation"] == conv][-1]["state"]

	def wait_state(self, conv, pred, what):
		return harness.wait_until(lambda: pred(self.state(conv)),
		    timeout=20, what=what)

	def row(self, s, name):
		return [l for l in s.splitlines() if name in l]

	def select(self, t, name):
		t.keys("/")
		t.literal(name)
		t.keys("Enter")
		t.wait_for(lambda s: any(name in l and "▶" in l for l in
		    s.splitlines()), what="cursor on " + name)

	def rate(self, conv, c):
		"""Reply, resolve, and let the customer press the first rating
		button; returns the score the relay recorded."""
		text = "all done %s" % conv
		self.assertEqual(self.alice.send_text(conv, text).status, 202)
		self.fake.wait_for(lambda f: [s for s in f.accepted_sends() if
		    s["body"].get("text", {}).get("body") == text], timeout=20)
		self.assertEqual(self.alice.set_status(conv, "resolved").status,
		    200)
		sent = self.fake.wait_for(lambda f: [s for s in f.accepted_sends()
		    if s["body"].get("type") == "interactive" and
		    s["to"] == c.wa_id], timeout=20)
		inter = sent[0]["body"]["interactive"]
		if inter.get("type") == "button":
			opts = [(b["reply"]["id"], b["reply"]["title"]) for b in
			    inter["action"]["buttons"]]
			mtype = "button_reply"
		else:
			opts = [(r["id"], r["title"]) for sec in
			    inter["action"]["sections"] for r in sec["rows"]]
			mtype = "list_reply"
		bid, title = opts[0]
		_, code = self.fake.customer_message(c, mtype, button_id=bid,
		    title=title, context={"from": "15550100",
		    "id": sent[0]["wamid"]})
		self.assertEqual(code, 200)
		self.wait_state(conv, lambda s: s.get("csat"), "CSAT")
		return self.state(conv)["csat"]["score"]

	def test_sla_csat_contact_panel(self):
		# Breached: the customer wrote 20 minutes ago (target 15).
		old = int(time.time()) - 20 * 60
		late, _ = self.new_conv("Sla Late", "where is my order", old)
		fresh, _ = self.new_conv("Sla Fresh", "quick question")
		self.wait_state(late, lambda s: s["sla"].get("breached"),
		    "SLA breach")
		# Rated: reply, resolve, button reply.
		rated, rc = self.new_conv("Csat Cora", "thanks")
		score = self.rate(rated, rc)
		self.assertIn(score, range(1, 6))
		# A contact with a team note and attributes set through the API.
		panel, pc = self.new_conv("Panel Pat", "first question")
		r = self.alice.call("POST", "/v1/contacts/" + quote(pc.wa_id), {
		    "client_id": new_client_id(), "note": "prefers email",
		    "attributes": {"plan": "gold"}})
		self.assertEqual(r.status, 200, r)
		bconv, bc = self.new_conv("Bsuid Bo", "no phone here", bsuid=True)

		t = TuiSession.for_agent(self.world, "alice")
		self.addCleanup(t.close)
		t.start()
		t.wait_for("online")
		self.goto_queue(t, "All")
		s = t.wait_for(lambda s: any("Sla Late" in l and "⚠ SLA" in l
		    for l in s.splitlines()), what="breach marker")
		fr = self.row(s, "Sla Fresh")
		self.assertTrue(fr and ("⏱14m" in fr[0] or "⏱15m" in fr[0]), fr)
		self.assertNotIn("⚠", fr[0])
		# The age is the customer message's (20 min), not "now".
		self.assertRegex(self.row(s, "Sla Late")[0], r"(19|20|21)m\s*│")
		# S: breached first.
		t.keys("S")
		t.wait_for("sorted by SLA")
		s = t.screen()
		rows = [l for l in s.splitlines() if "Sla " in l or "Panel" in l]
		self.assertIn("Sla Late", rows[0], s)
		t.keys("S")
		t.wait_for("sorted by activity")

		# CSAT in the Resolved list and in the thread title.
		self.goto_queue(t, "Resolved")
		s = t.wait_for(lambda s: any("Csat Cora" in l and "★%d" % score
		    in l for l in s.splitlines()), what="CSAT marker")
		self.select(t, "Csat Cora")
		stars = "★" * score + "☆" * (5 - score)
		t.wait_for("CSAT %s %d/5" % (stars, score))

		# The contact panel: note, attributes, the conversation list.
		t.keys("Escape")
		self.goto_queue(t, "All")
		self.select(t, "Panel Pat")
		t.keys("C")
		s = t.wait_for("note: prefers email", what="contact panel")
		self.assertIn("phone: +" + pc.wa_id, s)
		self.assertIn("plan: gold", s)
		self.assertIn("conversation %s: open" % panel, s)
		self.assertNotIn("username:", s)
		# Choose the conversation: its transcript, read-only.
		lines = s.splitlines()
		first = [i for i, l in enumerate(lines) if "name: Panel Pat" in l]
		conv_i = [i for i, l in enumerate(lines) if "conversation " +
		    panel in l]
		note_i = [i for i, l in enumerate(lines) if "note: prefers" in l]
		self.assertTrue(first and conv_i and note_i, s)
		t.keys(str(conv_i[0] - first[0] + 1))
		t.wait_for("(read-only)")
		t.wait_for("first question")
		t.keys("Escape")
		# Edit the note: the prompt starts with it, Enter posts it.
		t.keys("C")
		t.wait_for("note: prefers email")
		t.keys(str(note_i[0] - first[0] + 1))
		t.wait_for("team note:")
		t.literal(" or SMS")
		t.keys("Enter")
		harness.wait_until(lambda: self.alice.call("GET", "/v1/contacts/" +
		    quote(pc.wa_id)).data["contact"].get("note") ==
		    "prefers email or SMS", timeout=20, what="note posted")
		# A customer known only by BSUID: no phone is made up, the
		# panel asks the relay by BSUID.
		t.keys("Escape")
		self.select(t, "Bsuid Bo")
		t.keys("C")
		s = t.wait_for("BSUID: " + bc.user_id, what="BSUID panel")
		t.wait_for(lambda s: "conversation %s: open" % bconv in s,
		    what="BSUID history")
		self.assertNotIn("phone:", t.screen())
		self.assertNotIn("contact: the relay refused", t.screen())
		t.keys("Escape", "Escape", "q")
		t.wait_for("TTYDESK-EXIT=0")
		self.assertEqual(t.asan_reports(), [])


if __name__ == "__main__":
	unittest.main()
