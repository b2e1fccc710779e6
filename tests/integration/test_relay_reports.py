#!/usr/bin/env python3
"""Black-box tests of relay-api.md "Roles, automatic assignment and
reports", the reports half: GET /v1/reports and `ttydesk-relay report`
against figures computed by hand for a scripted week.

The week is written into the event log as the relay writes it (the same
event JSON), with the timestamps a week of real traffic would have had:
replies and resolutions carry the relay's clock, which a test cannot set.
With TTYDESK_TEST_DB=pg the same events go into PostgreSQL."""

import calendar
import csv
import io
import json
import os
import sqlite3
import sys
import unittest
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
    "..", "pylib"))
from harness import RelayTestCase, main  # noqa: E402
import pgcluster  # noqa: E402
import relayproc  # noqa: E402

MON = calendar.timegm((2026, 11, 2, 0, 0, 0))   # Monday 2 November 2026
H = 3600
DAY = 86400
PNID = "106540352242922"


class Week:
	"""The scripted events, in the relay's own JSON."""

	def __init__(self):
		self.items = []   # (ts, order, type, conversation, body dict)
		self.n = 0

	def add(self, ts, etype, conv, body):
		self.n += 1
		self.items.append((ts, self.n, etype, conv, body))

	def state(self, ts, conv, status, team, assignee, number="main",
	    priority="normal", csat=None):
		st = {"status": status, "assignee": assignee, "team": team,
		    "priority": priority, "last_inbound_ts": ts, "labels": [],
		    "sla": {"breached": False}, "number": number}
		if csat is not None:
			st["csat"] = {"score": csat[0], "at": csat[1]}
		self.add(ts, "conversation", conv, {"state": st})

	def msg(self, ts, conv, direction, agent=None, history=False,
	    kind="text", origin=None):
		m = {"id": "wamid.week.%d" % self.n, "direction": direction,
		    "kind": kind, "from": "15550001" if direction == "in" else PNID,
		    "text": "scripted \"direction\":\"out\" text", "status":
		    "received" if direction == "in" else "sent"}
		if agent:
			m["agent"] = agent
		if history:
			m["history"] = True
		if origin:
			m["origin"] = origin
		self.add(ts, "message", conv, {"message": m})

	def events(self):
		out = []
		for seq, (ts, _, etype, conv, body) in enumerate(sorted(
		    self.items), 1):
			ev = {"seq": seq, "ts": ts, "type": etype, "conversation": conv}
			ev.update(body)
			out.append(ev)
		return out


def scripted_week():
	w = Week()
	t = MON + 9 * H
	# c1, first episode: tier1, alice; replied in 10 min, resolved in an
	# hour, CSAT 5 (the button answer is an inbound message that does
	# not reopen).
	w.state(t, "c1", "open", "tier1", "alice")
	w.msg(t, "c1", "in")
	w.state(t, "c1", "open", "tier1", "alice")
	w.msg(t + 600, "c1", "out", agent="alice")
	w.state(t + H, "c1", "resolved", "tier1", "alice")
	w.msg(t + H + 300, "c1", "in", kind="button")
	w.state(t + H + 300, "c1", "resolved", "tier1", "alice",
	    csat=(5, t + H + 300))
	# c2: tier1, bob; a note first (no answer), replied after 30 min
	# (SLA 15 min missed), resolved a day later.
	t = MON + 11 * H
	w.state(t, "c2", "open", "tier1", "bob")
	w.msg(t, "c2", "in")
	w.msg(t + 300, "c2", "note", agent="bob")
	w.msg(t + 1800, "c2", "out", agent="bob")
	w.state(t + DAY, "c2", "resolved", "tier1", "bob")
	# c3: tier2, alice, urgent (SLA 5 min): 4 min, resolved in an hour,
	# CSAT 3.
	t = MON + DAY + 14 * H
	w.state(t, "c3", "open", "tier2", "alice", priority="urgent")
	w.msg(t, "c3", "in")
	w.msg(t + 240, "c3", "out", agent="alice")
	w.state(t + H, "c3", "resolved", "tier2", "alice", priority="urgent")
	w.msg(t + H + 60, "c3", "in", kind="button")
	w.state(t + H + 60, "c3", "resolved", "tier2", "alice",
	    priority="urgent", csat=(3, t + H + 60))
	# c4: tier2, nobody, number fr: never answered.
	t = MON + 2 * DAY + 8 * H
	w.state(t, "c4", "open", "tier2", None, number="fr")
	w.msg(t, "c4", "in")
	w.msg(t + 60, "c4", "out")            # automatic: no agent
	# c1 again on Thursday: reopened, replied in 5 min, resolved in 30,
	# CSAT 1.
	t = MON + 3 * DAY + 10 * H
	w.msg(t, "c1", "in")
	w.state(t, "c1", "open", "tier1", "alice")
	w.msg(t + 300, "c1", "out", agent="alice")
	w.state(t + 1800, "c1", "resolved", "tier1", "alice")
	w.msg(t + 2400, "c1", "in", kind="button")
	w.state(t + 2400, "c1", "resolved", "tier1", "alice",
	    csat=(1, t + 2400))
	# c5: only imported history: no conversation to count.
	t = MON + 4 * DAY + 9 * H
	w.state(t, "c5", "open", "tier1", None)
	w.msg(t, "c5", "in", history=True)
	w.msg(t + 60, "c5", "out", history=True, origin="business_app")
	# c6: Sunday before the week (outside it), answered from the
	# business app in 10 min.
	t = MON - H
	w.state(t, "c6", "open", "tier1", "bob")
	w.msg(t, "c6", "in")
	w.msg(t + 600, "c6", "out", origin="business_app")
	# c7: the week's Sunday evening: tier1, bob, 5 min, resolved in 35.
	t = MON + 6 * DAY + 20 * H
	w.state(t, "c7", "open", "tier1", "bob")
	w.msg(t, "c7", "in")
	w.msg(t + 300, "c7", "out", agent="bob")
	w.state(t + 2100, "c7", "resolved", "tier1", "bob")
	# c8, the next week, in tier2's business hours (Mon-Fri 9-18 UTC):
	# Friday 17:50, answered Saturday 10:00 (10 open minutes later),
	# resolved Monday 9:30 (40 open minutes after the start).
	t = MON + 11 * DAY + 17 * H + 50 * 60
	w.state(t, "c8", "open", "tier2", "alice")
	w.msg(t, "c8", "in")
	w.msg(MON + 12 * DAY + 10 * H, "c8", "out", agent="alice")
	w.state(MON + 14 * DAY + 9 * H + 1800, "c8", "resolved", "tier2",
	    "alice")
	return w.events()


def row(key, conversations, resolved, fr50, fr90, res50, sla, csat,
    csat_n):
	r = {"conversations": conversations, "resolved": resolved,
	    "first_response_p50": fr50, "first_response_p90": fr90,
	    "resolution_p50": res50, "sla_met_pct": sla, "csat_avg": csat,
	    "csat_count": csat_n}
	if key is not None:
		r["key"] = key
	return r


# Worked out by hand from scripted_week() (docs/api.md, "Reports"):
# episodes in the week: c1 (600 s, 3600 s, met, 5), c2 (1800, 86400,
# missed), c3 (240, 3600, met, 3), c4 (none, open, missed), c1 again
# (300, 1800, met, 1), c7 (300, 2100, met).
TOTALS = row(None, 6, 5, 300, 1800, 3600, 66.7, 3.0, 3)
EXPECTED = {
    "agent": [row("(none)", 1, 0, None, None, None, 0.0, None, 0),
        row("alice", 3, 3, 300, 600, 3600, 100.0, 3.0, 3),
        row("bob", 2, 2, 300, 1800, 2100, 50.0, None, 0)],
    "team": [row("tier1", 4, 4, 300, 1800, 2100, 75.0, 3.0, 2),
        row("tier2", 2, 1, 240, 240, 3600, 50.0, 3.0, 1)],
    "number": [row("fr", 1, 0, None, None, None, 0.0, None, 0),
        row("main", 5, 5, 300, 1800, 3600, 80.0, 3.0, 3)],
    "day": [row("2026-11-02", 2, 2, 600, 1800, 3600, 50.0, 5.0, 1),
        row("2026-11-03", 1, 1, 240, 240, 3600, 100.0, 3.0, 1),
        row("2026-11-04", 1, 0, None, None, None, 0.0, None, 0),
        row("2026-11-05", 1, 1, 300, 300, 1800, 100.0, 1.0, 1),
        row("2026-11-08", 1, 1, 300, 300, 2100, 100.0, None, 0)],
}

SLA = """
[sla]
first_response = 15m
urgent.first_response = 5m

[hours tier2]
timezone = UTC
mon-fri = 09:00-18:00
"""


class Reports(RelayTestCase):
	relay_kw = {"extra_config": SLA, "agents": [
	    relayproc.Agent("alice", "Alice", ["tier1", "tier2"],
	        role="supervisor"),
	    relayproc.Agent("bob", "Bob", ["tier1"]),
	    relayproc.Agent("root", "Root", [], role="admin")]}

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		evs = scripted_week()
		if cls.relay.database.startswith("postgresql:"):
			dbname = urllib.parse.urlsplit(cls.relay.database).path[1:]
			rows = ",".join("(%d, %d, '%s', '%s', '%s')" % (e["seq"],
			    e["ts"], e["type"], e["conversation"], json.dumps(e,
			    separators=(",", ":")).replace("'", "''")) for e in evs)
			pgcluster.shared().psql("INSERT INTO events(seq, ts, type, "
			    "conversation, json) VALUES " + rows, dbname)
		else:
			db = sqlite3.connect(cls.relay.db, timeout=60)
			with db:
				db.executemany("INSERT INTO events(seq, ts, type, "
				    "conversation, json) VALUES(?, ?, ?, ?, ?)",
				    [(e["seq"], e["ts"], e["type"], e["conversation"],
				    json.dumps(e, separators=(",", ":"))) for e in evs])
			db.close()

	def report(self, by=None, frm=MON, to=MON + 7 * DAY - 1, who=None):
		q = "from=%d&to=%d" % (frm, to)
		if by:
			q += "&by=" + by
		r = (who or self.alice).call("GET", "/v1/reports?" + q)
		self.assertEqual(r.status, 200, r)
		return r.data

	def test_figures_by_agent_team_number_and_day(self):
		for by, rows in EXPECTED.items():
			got = self.report(by)
			self.assertEqual(got["rows"], rows, by)
			self.assertEqual(got["totals"], TOTALS, by)
		# by defaults to agent; an admin may read them too.
		self.assertEqual(self.report(who=self.world.agent("root"))["rows"],
		    EXPECTED["agent"])

	def test_range_counts_conversations_started_in_it(self):
		# Sunday before: only c6, answered from the business app.
		got = self.report("agent", MON - DAY, MON - 1)
		self.assertEqual(got["rows"], [row("bob", 1, 0, 600, 600, None,
		    100.0, None, 0)])
		# Both ends inclusive: c2 starts exactly at MON + 11 h.
		got = self.report("day", MON + 11 * H, MON + 11 * H)
		self.assertEqual(got["totals"]["conversations"], 1)
		got = self.report("day", 0, MON - DAY - 1)
		self.assertEqual(got, {"rows": [], "totals": row(None, 0, 0, None,
		    None, None, None, None, 0)})

	def test_durations_count_business_hours(self):
		got = self.report("team", MON + 11 * DAY, MON + 12 * DAY - 1)
		self.assertEqual(got["rows"], [row("tier2", 1, 1, 600, 600, 2400,
		    100.0, None, 0)])

	def cli(self, *args):
		p = self.relay.run_cli("report", "--config", self.relay.config_path,
		    *args)
		return p

	def test_cli_json_csv_and_table(self):
		p = self.cli("--from", "2026-11-02", "--to", "2026-11-08", "--by",
		    "team", "--json")
		self.assertEqual(p.returncode, 0, p.stderr)
		self.assertEqual(json.loads(p.stdout), {"rows": EXPECTED["team"],
		    "totals": TOTALS})
		p = self.cli("--from", "2026-11-02", "--to", "2026-11-08", "--by",
		    "day", "--csv")
		self.assertEqual(p.returncode, 0, p.stderr)
		rows = list(csv.DictReader(io.StringIO(p.stdout)))
		self.assertEqual([r["key"] for r in rows], [r["key"] for r in
		    EXPECTED["day"]] + ["(total)"])
		self.assertEqual(rows[0], {"key": "2026-11-02", "conversations":
		    "2", "resolved": "2", "first_response_p50": "600",
		    "first_response_p90": "1800", "resolution_p50": "3600",
		    "sla_met_pct": "50.0", "csat_avg": "5.00", "csat_count": "1"})
		self.assertEqual(rows[2]["first_response_p50"], "")
		self.assertEqual(rows[-1]["sla_met_pct"], "66.7")
		p = self.cli("--from", "2026-11-02", "--to", "2026-11-08")
		self.assertEqual(p.returncode, 0, p.stderr)
		lines = p.stdout.splitlines()
		self.assertEqual(lines[0].split(), ["key", "conversations",
		    "resolved", "first_response_p50", "first_response_p90",
		    "resolution_p50", "sla_met_pct", "csat_avg", "csat_count"])
		self.assertEqual(lines[2].split(), ["alice", "3", "3", "300",
		    "600", "3600", "100.0", "3.00", "3"])
		self.assertEqual(lines[1].split(), ["(none)", "1", "0", "-", "-",
		    "-", "0.0", "-", "0"])
		self.assertEqual(lines[-1].split()[:3], ["(total)", "6", "5"])
		# Aligned: every line as wide, the figures right-aligned.
		self.assertEqual(len({len(l) for l in lines}), 1, lines)
		# One inclusive day.
		p = self.cli("--from", "2026-11-01", "--to", "2026-11-01", "--json")
		self.assertEqual(json.loads(p.stdout)["totals"]["conversations"], 1)

	def test_cli_bad_dates(self):
		for args, word in ((("--from", "2026-11-31", "--to", "2026-12-01"),
		    "2026-11-31"), (("--from", "2026-11-02", "--to", "tomorrow"),
		    "tomorrow"), (("--from", "2026-11-08", "--to", "2026-11-02"),
		    "before")):
			p = self.cli(*args)
			self.assertEqual(p.returncode, 2, p)
			self.assertIn(word, p.stderr)
			self.assertEqual(p.stdout, "")
		p = self.cli("--from", "2026-11-02", "--to", "2026-11-08", "--by",
		    "week")
		self.assertEqual(p.returncode, 2)
		self.assertIn("--by", p.stderr)


if __name__ == "__main__":
	main()
