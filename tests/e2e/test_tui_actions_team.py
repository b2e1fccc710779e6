"""End to end: labels, snooze and bulk actions from `ttydesk` in tmux,
checked against the relay's state (what every other agent sees)."""

import os
import sys
import time
import unittest

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, _HERE)
sys.path.insert(0, os.path.join(_HERE, "..", "pylib"))

import harness  # noqa: E402
from agentapi import quote  # noqa: E402
from tui_tmux import TuiWorldCase  # noqa: E402



class TuiTeamActions(TuiWorldCase):
	def new_conv(self, name, text="hello"):
		c = self.fake.customer(harness.unique_phone(), None, name)
		m, code = self.fake.customer_message(c, "text", text=text)
		self.assertEqual(code, 200)
		for e in self.alice.all_events(0):
			if e.get("type") == "message" and \
			    e["message"].get("id") == m["id"]:
				return e["conversation"]
		raise AssertionError("no conversation")

	def state(self, conv):
		return [e for e in self.alice.all_events(0) if e.get("type") ==
		    "conversation" and e["conversation"] == conv][-1]["state"]

	def wait_state(self, conv, pred, what):
		return harness.wait_until(lambda: pred(self.state(conv)),
		    timeout=20, what=what)

	def goto_all(self, t):
		t.wait_for("online")
		for _ in range(12):
			if t.screen().splitlines()[-1].startswith(" All "):
				return
			t.keys("]")
			time.sleep(0.2)

	def select(self, t, name):
		t.keys("/")
		t.literal(name)
		t.keys("Enter")
		t.wait_for(lambda s: any(name in l and "▶" in l for l in
		    s.splitlines()), what="cursor on " + name)

	def test_labels_and_snooze(self):
		conv = self.new_conv("Label Lea")
		other = self.new_conv("Label Known")
		self.assertEqual(self.alice.call("POST", "/v1/conversations/%s/labels"
		    % quote(other), {"client_id": "lbl-" + other, "add":
		    ["refund-request"]}).status, 200)
		t = self.session()
		t.start()
		self.goto_all(t)
		self.select(t, "Label Lea")
		t.keys("L")
		t.wait_for("Labels (word adds")
		t.literal("vip ref")
		t.wait_for("[refund-request]")  # completion of the last word
		t.keys("Enter")
		self.wait_state(conv, lambda s: sorted(s.get("labels", [])) ==
		    ["refund-request", "vip"], "labels added")
		t.keys("L")
		t.wait_for("Labels [")
		t.literal(" -vip")
		t.keys("Enter")
		self.wait_state(conv, lambda s: s.get("labels") == ["refund-request"],
		    "label removed")
		# Snooze: a bad answer says how, a good one snoozes.
		t.keys("z")
		t.literal("whenever")
		t.keys("Enter")
		t.wait_for("snooze until what?")
		t.keys("z")
		t.literal("2h")
		t.keys("Enter")
		self.wait_state(conv, lambda s: s.get("status") == "snoozed",
		    "snoozed")
		until = self.state(conv)["snoozed_until"]
		self.assertLess(abs(until - (time.time() + 7200)), 120)
		self.quit(t)

	def test_bulk_resolve_and_assign(self):
		convs = [self.new_conv("Bulk %s" % n) for n in ("Ann", "Ben", "Cid")]
		t = self.session()
		t.start()
		self.goto_all(t)
		self.select(t, "Bulk Ann")
		t.keys("m")
		t.wait_for("1 marked")
		t.keys("Escape")
		self.select(t, "Bulk Ben")
		t.keys("m")
		t.wait_for("2 marked")
		s = t.screen()
		self.assertTrue(any("Bulk Ann" in l and "●" in l for l in
		    s.splitlines()), s)
		t.keys("a")
		t.wait_for("Assign to")
		t.keys("1")  # me
		t.wait_for("bulk assign: 2 done")
		for c in convs[:2]:
			self.wait_state(c, lambda s: s.get("assignee") == "alice",
			    "assigned")
		self.assertIsNone(self.state(convs[2]).get("assignee"))
		# Resolve two at once, with a question first.
		t.keys("Escape")
		self.select(t, "Bulk Cid")
		t.keys("m")
		t.keys("Escape")
		self.select(t, "Bulk Ben")
		t.keys("m", "x")
		t.wait_for("Resolve the 2 marked conversations?")
		t.keys("y")
		t.wait_for("bulk status: 2 done")
		for c in (convs[1], convs[2]):
			self.wait_state(c, lambda s: s.get("status") == "resolved",
			    "resolved")
		self.assertEqual(self.state(convs[0])["status"], "open")
		self.quit(t)


if __name__ == "__main__":
	unittest.main()
