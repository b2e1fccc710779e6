#!/usr/bin/env python3
"""End to end: the supervisor's views of `ttydesk` in tmux against the real
relay (relay-api.md "Roles, automatic assignment and reports"):

* a conversation queued in a round-robin team is assigned by the relay to
  the only online member, and the supervisor's thread shows the system
  line "assigned to Bob Nakamura (auto)";
* the team view (W) lists the agents with open/capacity and the team;
* the report view (D) shows the figures of a scripted set of events (two
  conversations, one answered by bob, one resolved): the same numbers the
  relay's GET /v1/reports gives, humanized;
* `ttydesk report` prints the table; an agent gets exit 3 and the relay's
  403 message, and in the TUI the message in the status line.

It needs the relay half of the feature (reports, roles, automatic
assignment); against a relay without it the test is skipped."""

import os
import re
import subprocess
import sys
import time
import unittest

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, _HERE)
sys.path.insert(0, os.path.join(_HERE, "..", "pylib"))

import harness  # noqa: E402
import relayproc  # noqa: E402
from tui_tmux import TuiWorldCase, ttydesk_binary  # noqa: E402

CONFIG = """
[assignment tier1]
mode = round_robin
capacity = 8
online_only = yes

[hours tier1]
timezone = UTC
mon-sun = 00:00-23:59
"""


def relay_has_reports():
	r = subprocess.run([relayproc.relay_binary(), "--help"],
	    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
	return "ttydesk-relay report" in r.stdout


def agents():
	try:
		# Alice leads from outside tier1, so her own syncs never make
		# her a candidate of tier1's round robin.
		return [relayproc.Agent("alice", "Alice Moreau", ["desk"],
		    role="supervisor"),
		    relayproc.Agent("bob", "Bob Nakamura", ["tier1"])]
	except TypeError:       # a relayproc without roles
		return None


def humanize(s):
	"""chart_duration() in Python, for the relay's figures."""
	if s is None:
		return "-"
	if s < 60:
		return "%ds" % s
	if s < 3600:
		return "%dm %02ds" % (s // 60, s % 60)
	if s < 86400:
		return "%dh %02dm" % (s // 3600, s % 3600 // 60)
	return "%dd %dh" % (s // 86400, s % 86400 // 3600)


@unittest.skipUnless(relay_has_reports() and agents() is not None,
    "the relay has no reports and roles yet")
class TuiReport(TuiWorldCase):
	relay_kw = {"extra_config": CONFIG, "agents": agents(),
	    "teams": (("tier1", "Tier 1"), ("desk", "Desk"))}

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.bob = cls.world.agent("bob")

	def new_conv(self, name):
		c = self.fake.customer(harness.unique_phone(), None, name)
		m, code = self.fake.customer_message(c, "text", text="hello")
		self.assertEqual(code, 200)

		def find():
			for e in self.alice.all_events(0):
				if e.get("type") == "message" and \
				    e["message"].get("id") == m["id"]:
					return e["conversation"]
			return None
		return harness.wait_until(find, timeout=20, what="conversation")

	def state(self, conv):
		return [e for e in self.alice.all_events(0) if e.get("type") ==
		    "conversation" and e["conversation"] == conv][-1]["state"]

	def open_conv(self, t, name):
		t.keys("/")
		t.literal(name)
		t.keys("Enter")
		t.wait_for(lambda s: any(name in l and "▶" in l for l in
		    s.splitlines()), what="cursor on " + name)
		t.keys("Enter")

	def report_cli(self, t, *args):
		return subprocess.run([ttydesk_binary(), "--config", t.config,
		    "report"] + list(args), stdout=subprocess.PIPE,
		    stderr=subprocess.PIPE, text=True, timeout=60,
		    env=dict(os.environ, HOME=t.dir))

	def test_supervisor_views(self):
		# The automatic half (GET /v1/team, assignment) may come later
		# than reports and roles.
		if self.alice.call("GET", "/v1/team").status == 404:
			self.skipTest("the relay has no automatic assignment yet")
		t = self.session(width=100, height=30)
		t.start()
		t.wait_for("Alice Moreau", what="alice online")
		# The team view first: it also teaches ttydesk the names.
		t.keys("W")
		s = t.wait_for(lambda s: "Bob Nakamura" in s and "tier1" in s,
		    what="team view")
		self.assertIn("round_robin", s)
		# Open against capacity (bob has nothing yet; capacity 8).
		self.assertRegex(s, r"Bob Nakamura .* 0/8 ")
		t.keys("Escape")

		# Two conversations: both queued in tier1, bob online.
		first = self.new_conv("Report Ruth")
		second = self.new_conv("Report Sam")
		for conv in (first, second):
			r = self.alice.escalate(conv, "tier1", "route it",
			    priority="normal")
			self.assertIn(r.status, (200, 202), r)

		def assigned():
			self.bob.sync(0, limit=1)       # bob is online
			return all(self.state(c).get("assignee") == "bob" for c in
			    (first, second))
		harness.wait_until(assigned, timeout=30, what="auto assignment")
		self.assertEqual(self.state(first).get("assigned_by"), "auto")
		self.open_conv(t, "Report Ruth")
		t.wait_for("assigned to Bob Nakamura (auto)", what="system line")
		t.keys("Escape")

		# bob answers the first and resolves it.
		r = self.bob.send_text(first, "on it")
		self.assertIn(r.status, (200, 202), r)
		r = self.bob.set_status(first, "resolved")
		self.assertIn(r.status, (200, 202), r)
		now = int(time.time())
		day = now - now % 86400
		want = self.alice.call("GET", "/v1/reports?from=%d&to=%d&by=agent"
		    % (day - 6 * 86400, day + 86399))
		self.assertEqual(want.status, 200, want)
		rows = {r["key"]: r for r in want.data["rows"]}
		self.assertEqual(rows["bob"]["conversations"], 2)
		self.assertEqual(rows["bob"]["resolved"], 1)

		t.keys("D")
		s = t.wait_for(lambda s: "1st p50" in s and "daily volume" in s
		    and "total" in s, what="report view")
		bob = [l for l in s.splitlines() if l.startswith(" bob ")]
		self.assertTrue(bob, s)
		cells = bob[0].split()
		self.assertEqual(cells[1:3], ["2", "1"], bob[0])
		self.assertIn(humanize(rows["bob"]["first_response_p50"]),
		    bob[0])
		self.assertIn("Conversations per agent", s)
		self.assertIn("█", s)
		t.keys("b")
		t.wait_for("First response p50 per agent", what="bars by p50")
		# The panel's own keys: 30 days, 30 days earlier, 7 days.
		title = lambda s: [l for l in s.splitlines() if "Report " in l][0]
		t.keys("2")
		s = t.wait_for("(30 days, UTC)", what="30 days")
		t.keys("[")
		t.wait_for(lambda s2: "(30 days, UTC)" in s2 and title(s2) !=
		    title(s), what="30 days earlier")
		t.keys("1")
		t.wait_for("(7 days, UTC)", what="7 days again")
		t.keys("Escape")
		t.wait_for(lambda s: "daily volume" not in s, what="view closed")

		# From the shell: the same row.
		p = self.report_cli(t, "--by", "agent")
		self.assertEqual(p.returncode, 0, p.stderr)
		line = [l for l in p.stdout.splitlines() if l.startswith("bob ")]
		self.assertTrue(line, p.stdout)
		self.assertEqual(line[0].split()[1:3], ["2", "1"])
		p = self.report_cli(t, "--from", "2026-13-01")
		self.assertEqual(p.returncode, 2)
		self.quit(t)

	def test_agent_is_refused(self):
		# A conversation in no team, with a note of alice's, so that
		# bob's assign box offers her.
		conv = self.new_conv("Refused Rita")
		self.assertEqual(self.alice.note(conv, "over to you").status, 201)
		t = self.session(agent="bob", width=80, height=24)
		t.start()
		t.wait_for("Bob Nakamura", what="bob online")
		t.keys("D")
		s = t.wait_for(lambda s: "supervisor" in s.splitlines()[-1],
		    what="403 message in the status line")
		self.assertNotIn("daily volume", s)
		t.keys("W")
		t.wait_for(lambda s: "only supervisors and admins" in
		    s.splitlines()[-1], what="the team view's 403 message")
		# Assigning to alice: the relay's 403 in bob's status line, and
		# nothing changed.
		self.open_conv(t, "Refused Rita")
		t.wait_for("over to you", what="alice's note")
		t.keys("a")
		s = t.wait_for("Assign to")
		self.assertIn("bob (me)", s)
		t.keys("2")
		# The relay's words whole at 80 columns (over the rest of the
		# status line).
		t.wait_for(lambda s: "assign refused: only supervisors and admins "
		    "may assign to someone else" in s.splitlines()[-1],
		    what="the assign 403 in the status line")
		self.assertIsNone(self.state(conv)["assignee"])
		p = self.report_cli(t)
		self.assertEqual(p.returncode, 3)
		self.assertIn("supervisor", p.stderr)
		self.quit(t)

	def test_report_at_80x24_without_colour(self):
		# One conversation answered and resolved by alice (bob's figures
		# are test_supervisor_views'): a row, a bar, a sparkline.
		conv = self.new_conv("Small Sue")
		self.assertEqual(self.alice.assign(conv, "alice").status, 200)
		self.assertIn(self.alice.send_text(conv, "hi Sue").status,
		    (200, 202))
		self.assertEqual(self.alice.set_status(conv, "resolved").status,
		    200)
		for env, coloured in (((), True), (("NO_COLOR=1",), False)):
			t = self.session(width=80, height=24)
			t.start(env=env)
			t.wait_for("Alice Moreau", what="alice online")
			t.keys("D")
			s = t.wait_for(lambda s: " alice " in s and "daily volume" in s
			    and "daily 1st p50" in s, what="report view at 80x24")
			lines = s.splitlines()
			self.assertEqual(len(lines), 24, s)
			# The table keeps its key and figures columns, the bar and
			# the two sparklines fit the 24 rows.
			for word in ("1st p50", "total", "Conversations per agent",
			    "█", "daily volume", "daily 1st p50"):
				self.assertIn(word, s)
			row = [l for l in lines if l.startswith(" alice ")][0]
			self.assertEqual(row.split()[1:3], ["1", "1"], row)
			sgr = set()
			for seq in re.findall(r"\x1b\[([0-9;:]*)m", t.tmux(
			    "capture-pane", "-p", "-e", "-t", "0")):
				sgr.update(p for p in re.split("[;:]", seq) if p)
			# 39 and 49 are the default colours (tmux's resets).
			colours = {p for p in sgr if p in ("38", "48") or
			    (len(p) in (2, 3) and p[:-1] in ("3", "4", "9", "10") and
			    p[-1] in "01234567")}
			self.assertEqual(bool(colours), coloured, (env, sgr))
			self.quit(t)


if __name__ == "__main__":
	unittest.main()
