#!/usr/bin/env python3
"""Black-box tests of relay-api.md "Roles, automatic assignment and
reports", the automatic half: round_robin order and capacity, balanced
choice, agents going offline and coming online, reassign_after, business
hours across the 2026 DST change and a closed date, the away message once
per closed period and never outside the 24-hour window, SLA due times in
business time, the assigned_by field, GET /v1/team, and two relays on
PostgreSQL deciding each assignment once.

The relay's clock is the file TTYDESK_RELAY_CLOCK_FILE names (honoured by
Debug builds only; the tests skip on a relay that ignores it)."""

import os
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
    "..", "pylib"))
from harness import RelayWorld, unique_phone, wp  # noqa: E402
from agentapi import AgentClient, WebhookClient, quote, wait_until  # noqa: E402
import fake_graph  # noqa: E402
import pgcluster  # noqa: E402
import relayproc  # noqa: E402

PNID = "106540352242922"
FRI_NOON = 1774612800           # 2026-03-27 12:00 UTC, a Friday
SAT_1800 = 1774720800           # 2026-03-28 18:00 UTC (19:00 CET)
MON_0659 = 1774853940           # 2026-03-30 06:59 UTC = 08:59 CEST
MON_0730 = 1774855800           # 2026-03-30 07:30 UTC = 09:30 CEST
MON_1630 = 1774888200           # 2026-03-30 16:30 UTC = 18:30 CEST
DEC24_1000 = 1798106400         # 2026-12-24 10:00 UTC, a closed date
DEC28_0830 = 1798446600         # 2026-12-28 08:30 UTC = 09:30 CET, Monday
AWAY = "We are closed now and will answer from 9:00."


def agents(*ids, teams=("t",)):
	out = [relayproc.Agent(i, i.capitalize(), list(teams)) for i in ids]
	# The observer: a supervisor outside the auto-assigned team, so
	# that its syncs never make a team member look online.
	out.append(relayproc.Agent("zed", "Zed", ["desk"], role="supervisor"))
	return out


def write_clock(path, ts):
	"""Sets the relays' test clock: whole, so no relay reads half a file."""
	tmp = path + ".tmp"
	with open(tmp, "w") as f:
		f.write("%d\n" % ts)
	os.replace(tmp, path)


class ClockWorld:
	"""A relay (and fake) whose clock the test sets."""

	def __init__(self, relay_kw):
		self.dir = tempfile.mkdtemp(prefix="ttydesk-clock-")
		self.clock = os.path.join(self.dir, "now")
		self.set(FRI_NOON)
		os.environ["TTYDESK_RELAY_CLOCK_FILE"] = self.clock
		try:
			self.world = RelayWorld(None, relay_kw)
		finally:
			del os.environ["TTYDESK_RELAY_CLOCK_FILE"]

	def set(self, ts):
		write_clock(self.clock, ts)
		self.now = ts


class AssignCase(unittest.TestCase):
	"""One relay per class, its clock, and helpers."""

	members = ("ann", "ben", "cat")
	extra = ""

	@classmethod
	def setUpClass(cls):
		cls.cw = ClockWorld({"agents": agents(*cls.members),
		    "teams": (("t", "Team"), ("desk", "Desk")),
		    "extra_config": cls.extra})
		cls.world = cls.cw.world
		cls.fake = cls.world.fake
		cls.relay = cls.world.relay
		cls.ag = {i: cls.world.agent(i) for i in cls.members + ("zed",)}
		cls.zed = cls.ag["zed"]

	@classmethod
	def tearDownClass(cls):
		code = cls.world.close()
		if code not in (0, None):
			raise AssertionError("relay exited with %s" % code)

	def set_clock(self, ts):
		self.cw.set(ts)

	def online(self, *ids):
		for i in ids:
			r = self.ag[i].sync(0, limit=1)
			self.assertEqual(r.status, 200, r)

	def customer(self):
		return self.fake.customer(unique_phone(), None, "Customer")

	def write(self, c, text="hello", ts=None):
		m, code = self.fake.customer_message(c, "text", text=text,
		    timestamp=ts or self.cw.now)
		self.assertEqual(code, 200)
		return m

	def conv_of(self, wamid):
		def find():
			for e in self.zed.all_events(0):
				if e["type"] == "message" and \
				    e["message"]["id"] == wamid:
					return e["conversation"]
			return None
		return wait_until(find, what="message " + wamid)

	def queued(self, team="t", ts=None):
		"""A new customer conversation in team's queue; (conv, customer)."""
		c = self.customer()
		conv = self.conv_of(self.write(c, ts=ts)["id"])
		r = self.zed.escalate(conv, team, "route it", priority="normal")
		self.assertEqual(r.status, 200, r)
		return conv, c

	def states(self, conv):
		return [e["state"] for e in self.zed.all_events(0)
		    if e["type"] == "conversation" and e["conversation"] == conv]

	def state(self, conv):
		return self.states(conv)[-1]

	def wait_assignee(self, conv, want, timeout=20):
		"""Until conv's assignee is want (a string or None)."""
		wait_until(lambda: self.state(conv).get("assignee") == want,
		    timeout=timeout, what="%s assigned to %s (now %r)" % (conv,
		    want, self.state(conv).get("assignee")))
		return self.state(conv)

	def stays(self, conv, want, secs=2.5):
		"""conv keeps assignee want through a few engine ticks."""
		time.sleep(secs)
		self.assertEqual(self.state(conv).get("assignee"), want)

	def check_clock(self):
		conv, _ = self.queued(team="desk")
		ts = [e["ts"] for e in self.zed.all_events(0)
		    if e["type"] == "conversation" and e["conversation"] == conv]
		if ts[-1] != self.cw.now:
			self.skipTest("this relay build ignores "
			    "TTYDESK_RELAY_CLOCK_FILE (a release build)")


class RoundRobinCapacity(AssignCase):
	extra = """
[assignment t]
mode = round_robin
capacity = 2
online_only = yes
"""

	def test_round_robin_order_capacity_and_freed_capacity(self):
		self.check_clock()
		self.online("ann", "ben", "cat")
		got = []
		for _ in range(6):
			conv, _ = self.queued()
			wait_until(lambda: self.state(conv).get("assignee"),
			    what="an assignee")
			st = self.state(conv)
			self.assertEqual(st["assigned_by"], "auto")
			self.assertEqual(st["status"], "escalated")
			got.append((conv, st["assignee"]))
		self.assertEqual([a for _, a in got],
		    ["ann", "ben", "cat", "ann", "ben", "cat"])
		# Everyone holds 2 = capacity: the next one waits.
		full, _ = self.queued()
		self.stays(full, None)
		# /v1/team shows it.
		r = self.zed.call("GET", "/v1/team")
		self.assertEqual(r.status, 200, r)
		by = {a["id"]: a for a in r.data["agents"]}
		for i in ("ann", "ben", "cat"):
			self.assertEqual(by[i]["open"], 2)
			self.assertEqual(by[i]["capacity"], 2)
			self.assertTrue(by[i]["online"])
			self.assertEqual(by[i]["last_seen"], self.cw.now)
			self.assertEqual(by[i]["role"], "agent")
		self.assertEqual(by["zed"]["role"], "supervisor")
		self.assertIsNone(by["zed"]["capacity"])
		team = {t["id"]: t for t in r.data["teams"]}["t"]
		self.assertEqual(team["mode"], "round_robin")
		self.assertTrue(team["open_now"])
		self.assertEqual(team["unassigned"], 1)
		self.assertEqual(team["oldest_waiting"]["conversation"], full)
		self.assertEqual(team["oldest_waiting"]["since"], self.cw.now)
		# An agent is refused the team view.
		r = self.ag["ann"].call("GET", "/v1/team")
		self.assertEqual(r.status, 403, r)
		self.assertEqual(r.data["error"]["code"], "forbidden")
		# Ben resolves one: capacity freed, the waiting one is his.
		r = self.ag["ben"].set_status(got[1][0], "resolved")
		self.assertEqual(r.status, 200, r)
		self.wait_assignee(full, "ben")
		# Agents go offline (no sync for over 60 s): nothing assigned;
		# ann comes back after freeing capacity: hers.
		self.set_clock(self.cw.now + 120)
		r = self.ag["ann"].set_status(got[0][0], "resolved")
		self.assertEqual(r.status, 200, r)
		later, _ = self.queued()
		self.stays(later, None)
		self.online("ann")
		self.wait_assignee(later, "ann")


class Balanced(AssignCase):
	extra = """
[assignment t]
mode = balanced
online_only = yes
"""

	def test_balanced_choice_offline_and_manual_assigned_by(self):
		self.check_clock()
		self.online("ann", "ben", "cat")
		# Manual assignments (no team: the engine leaves them alone).
		own = []
		for who in ("ann", "ann", "ben"):
			c = self.customer()
			conv = self.conv_of(self.write(c)["id"])
			r = self.zed.assign(conv, who)
			self.assertEqual(r.status, 200, r)
			self.assertEqual(r.data["state"]["assigned_by"], "zed")
			self.assertEqual(r.data["state"]["assignee"], who)
			own.append(conv)
		a, _ = self.queued()
		self.assertEqual(self.wait_assignee(a, "cat")["assigned_by"],
		    "auto")   # 0 open
		b, _ = self.queued()
		self.wait_assignee(b, "ben")  # ben 1, cat 1: ties by id
		c, _ = self.queued()
		self.wait_assignee(c, "cat")  # ann 2, ben 2, cat 1
		# Only ann stays online: she gets it despite the most open.
		self.set_clock(self.cw.now + 90)
		self.online("ann")
		d, _ = self.queued()
		self.wait_assignee(d, "ann")
		# Nobody online: it waits; ben comes online: his.
		self.set_clock(self.cw.now + 90)
		e, _ = self.queued()
		self.stays(e, None)
		self.online("ben")
		self.wait_assignee(e, "ben")
		r = self.zed.call("GET", "/v1/team")
		by = {x["id"]: x for x in r.data["agents"]}
		self.assertTrue(by["ben"]["online"])
		self.assertFalse(by["cat"]["online"])
		self.assertEqual(by["cat"]["last_seen"], self.cw.now - 180)
		self.assertEqual(by["ben"]["open"], 3)
		self.assertEqual(by["ann"]["open"], 3)
		self.assertIsNone(by["ann"]["capacity"])
		# ann's oldest unanswered conversation is her first own one.
		self.assertEqual(by["ann"]["oldest_waiting"]["conversation"],
		    own[0])


class Reassign(AssignCase):
	members = ("ann", "ben")
	extra = """
[assignment t]
mode = round_robin
online_only = no
reassign_after = 10m
"""

	def test_reassign_after_unanswered(self):
		self.check_clock()
		t0 = self.cw.now
		conv, c = self.queued()
		self.wait_assignee(conv, "ann")
		self.set_clock(t0 + 9 * 60)
		self.stays(conv, "ann")
		self.set_clock(t0 + 10 * 60 + 1)
		st = self.wait_assignee(conv, "ben")
		self.assertEqual(st["assigned_by"], "auto")
		# Back to the pool first, then to the other agent.
		seq = [s.get("assignee") for s in self.states(conv)]
		self.assertEqual(seq[-3:], ["ann", None, "ben"])
		# Ben answers: no more reassignment however long it lasts.
		r = self.ag["ben"].send_text(conv, "on it")
		self.assertEqual(r.status, 202, r)
		self.set_clock(t0 + 40 * 60)
		self.stays(conv, "ben")
		# The customer writes again and waits 10 minutes: ann's turn.
		self.write(c, "still there?", ts=self.cw.now)
		self.set_clock(self.cw.now + 10 * 60)
		self.wait_assignee(conv, "ann")


class BusinessHours(AssignCase):
	members = ("ann",)
	extra = """
[assignment t]
mode = balanced
online_only = no

[hours t]
timezone = Europe/Berlin
mon-fri = 09:00-18:00
closed = 2026-12-24, 2026-12-25
away_message = %s

[sla]
first_response = 1h
next_response = 1h
""" % AWAY

	def aways(self, c):
		return [s for s in self.fake.accepted_sends()
		    if s.get("to") == c.wa_id and
		    ((s.get("body") or {}).get("text") or {}).get("body") == AWAY]

	def test_1_dst_away_and_sla(self):
		self.check_clock()
		# B wrote Friday 18:30 CET and is routed Saturday 19:00: over
		# 24 hours later, so no away message.
		self.set_clock(FRI_NOON + 5 * 3600 + 1800)
		cb = self.customer()
		b = self.conv_of(self.write(cb)["id"])
		self.set_clock(SAT_1800)
		self.assertEqual(self.zed.escalate(b, "t", "x").status, 200)
		# A writes Saturday: closed; the away message once.
		a, ca = self.queued()
		wait_until(lambda: len(self.aways(ca)) == 1, what="away message")
		self.stays(a, None)
		self.set_clock(SAT_1800 + 300)
		self.write(ca, "hello?")
		time.sleep(2.5)
		self.assertEqual(len(self.aways(ca)), 1)
		self.assertEqual(self.aways(cb), [])
		# It is in the thread as an outbound message.
		outs = [e for e in self.zed.all_events(0) if e["type"] ==
		    "message" and e["conversation"] == a and
		    e["message"]["direction"] == "out"]
		self.assertEqual([o["message"].get("text") for o in outs], [AWAY])
		# SLA: a reply, then the customer writes Saturday 19:20 CET;
		# next response due 1 h of business time later: Monday 10:00
		# CEST (08:00 UTC), across the DST change.
		r = self.zed.send_text(a, "we will be back")
		self.assertEqual(r.status, 202, r)
		self.set_clock(SAT_1800 + 1200)
		self.write(ca, "ok")
		wait_until(lambda: self.state(a)["sla"].get("next_response_due"),
		    what="SLA due time")
		self.assertEqual(self.state(a)["sla"]["next_response_due"],
		    MON_0730 + 1800)
		# Monday 08:59 CEST: still closed.  09:30 CEST: assigned.
		self.set_clock(MON_0659)
		self.stays(a, None)
		self.set_clock(MON_0730)
		self.assertEqual(self.wait_assignee(a, "ann")["assigned_by"],
		    "auto")
		# The next closed period (Monday 18:30 CEST): a new away message.
		self.set_clock(MON_1630)
		self.write(ca, "one more thing")
		wait_until(lambda: len(self.aways(ca)) == 2, what="second away")

	def test_2_closed_date(self):
		self.check_clock()
		self.set_clock(DEC24_1000)
		conv, c = self.queued()
		wait_until(lambda: len(self.aways(c)) == 1, what="away message")
		self.stays(conv, None)
		self.set_clock(DEC28_0830)
		self.wait_assignee(conv, "ann")
		r = self.zed.call("GET", "/v1/team")
		team = {t["id"]: t for t in r.data["teams"]}["t"]
		self.assertTrue(team["open_now"])
		self.assertEqual(team["mode"], "balanced")


class OnlineAndQueue(AssignCase):
	"""Online through a presence and through a long-poll still waiting
	after 60 s; the customer waiting longest first, not the first
	conversation in the queue; open conversations queued by their
	number's default_team; a pending conversation holding capacity."""
	members = ("ann", "ben")
	extra = """
[number main]
phone_number_id = %s
display_phone_number = +1 555 0100
default_team = t

[hours t]
timezone = UTC
mon-fri = 09:00-18:00

[assignment t]
mode = balanced
online_only = yes
capacity = 1
""" % PNID

	def test_presence_waiting_poll_oldest_first_pending(self):
		self.check_clock()
		t0 = self.cw.now
		# Q's customer writes first (the lower conversation row, the
		# first in t's queue, its number's team) and is answered; P's
		# writes half a minute later; Q's writes again after a minute.
		cq = self.customer()
		q = self.conv_of(self.write(cq)["id"])
		st = self.state(q)
		self.assertEqual((st["team"], st["status"], st["assignee"]),
		    ("t", "open", None))
		self.assertEqual(self.zed.send_text(q, "hello").status, 202)
		self.set_clock(t0 + 30)
		p = self.conv_of(self.write(self.customer())["id"])
		self.set_clock(t0 + 60)
		self.write(cq, "still there?")
		# Nobody is online: both wait.
		self.stays(q, None, secs=1.5)
		# ann shows a presence (no sync): online, and she gets P, whose
		# customer waits longest; Q waits (capacity 1).
		r = self.ag["ann"].call("POST", "/v1/conversations/%s/presence"
		    % quote(p), {"activity": "viewing"})
		self.assertEqual(r.status, 204, r)
		self.assertEqual(self.wait_assignee(p, "ann")["assigned_by"],
		    "auto")
		self.stays(q, None)
		# Friday 18:30, closed: ben's long-poll starts and waits.
		self.set_clock(FRI_NOON + 6 * 3600 + 1800)
		head = self.zed.all_events(0)[-1]["seq"]
		got = []
		poll = threading.Thread(target=lambda: got.append(
		    self.ag["ben"].sync(head, wait=50)))
		poll.start()
		try:
			self.stays(q, None)
			self.assertTrue(poll.is_alive())
			# Monday 09:00:30, open; ben's request began two and a half
			# days ago but still waits: he is online and gets Q.
			self.set_clock(MON_0730 + 5400 + 30)
			self.assertEqual(self.wait_assignee(q, "ben")["assigned_by"],
			    "auto")
		finally:
			poll.join(60)
		self.assertEqual(got[0].status, 200, got)
		self.assertTrue([e for e in got[0].data["events"]
		    if e["conversation"] == q], got)
		# Pending still counts against capacity: a new customer waits
		# while ben's Q is pending and ann holds P; Q resolved: ben's.
		self.assertEqual(self.ag["ben"].set_status(q, "pending").status,
		    200)
		self.online("ben")
		n = self.conv_of(self.write(self.customer())["id"])
		self.stays(n, None)
		self.assertEqual(self.ag["ben"].set_status(q, "resolved").status,
		    200)
		self.wait_assignee(n, "ben")


@unittest.skipUnless(pgcluster.available(), "no PostgreSQL server binaries")
class TwoRelaysOnPostgres(unittest.TestCase):
	"""Round robin across two relays: each decision made once, online
	agents seen from either relay, one rotation; the away message sent
	once; an unanswered conversation reassigned once."""

	def setUp(self):
		self.dir = tempfile.mkdtemp(prefix="ttydesk-clock-")
		self.clock = os.path.join(self.dir, "now")
		write_clock(self.clock, FRI_NOON)
		self.fake = fake_graph.FakeGraph("pending", "pending", PNID,
		    status_delays=None)
		self.fake.start()
		self.addCleanup(self.fake.stop)
		uri = pgcluster.shared().new_database()
		extra = ("\n[assignment t]\nmode = round_robin\nonline_only = yes\n"
		    "reassign_after = 10m\n"
		    "\n[hours t]\ntimezone = Europe/Berlin\nmon-fri = 09:00-18:00\n"
		    "away_message = %s\n" % AWAY)
		kw = {"phone_number_id": PNID, "database": uri,
		    "teams": (("t", "Team"), ("desk", "Desk")),
		    "extra_config": extra}
		os.environ["TTYDESK_RELAY_CLOCK_FILE"] = self.clock
		try:
			a = relayproc.Relay(self.fake.graph_url,
			    agents=agents("ann", "ben"), **kw)
			b = relayproc.Relay(self.fake.graph_url,
			    app_secret=a.app_secret, access_token=a.access_token,
			    verify_token=a.verify_token,
			    agents=list(a.agents.values()), **kw)
			self.relays = [a, b]
			for r in self.relays:
				self.addCleanup(r.cleanup)
				r.start()
		finally:
			del os.environ["TTYDESK_RELAY_CLOCK_FILE"]
		self.fake.access_token = a.access_token
		self.fake.app_secret = a.app_secret
		self.fake.display_phone_number = "15550100"
		self.fake.set_relay_url(a.url)
		self.hooks = [WebhookClient(r.url, a.app_secret)
		    for r in self.relays]
		self.zed = AgentClient(a.url, a.agents["zed"].token)
		self.ann = AgentClient(a.url, a.agents["ann"].token)
		self.ben = AgentClient(b.url, a.agents["ben"].token)
		self.zeds = [self.zed, AgentClient(b.url, a.agents["zed"].token)]

	def tearDown(self):
		for r in self.relays:
			if r.running():
				self.assertEqual(r.stop(), 0, r.log_tail())

	def both_online(self):
		"""ann (on relay A) and ben (on relay B) sync, then wait until both
		relays see both online: each publishes who is online and reads
		the other's every two seconds, so that no decision is made by a
		relay that does not know one of them yet."""
		self.assertEqual(self.ann.sync(0, limit=1).status, 200)
		self.assertEqual(self.ben.sync(0, limit=1).status, 200)

		def seen():
			for z in self.zeds:
				r = z.call("GET", "/v1/team")
				if r.status != 200:
					return False
				on = {a["id"]: a["online"] for a in r.data["agents"]}
				if not (on.get("ann") and on.get("ben")):
					return False
			return True
		wait_until(seen, timeout=30, what="both agents online")

	def queued_via(self, relay, ts):
		"""A new customer writes at ts through relay (0 or 1)'s webhook;
		zed moves the conversation to t's queue: (customer, conv)."""
		c = self.fake.customer(unique_phone(), None, "Multi")
		m = wp.inbound_message(c, "text", text="hi", timestamp=ts)
		body = wp.envelope([wp.message_value(PNID, "15550100", c, [m])])
		self.assertEqual(self.hooks[relay].post(body).status, 200)
		conv = wait_until(lambda: next((e["conversation"] for e in
		    self.zed.all_events(0) if e["type"] == "message" and
		    e["message"]["id"] == m["id"]), None), what="message")
		r = self.zed.escalate(conv, "t", "route", priority="normal")
		self.assertEqual(r.status, 200, r)
		return c, conv

	def test_away_message_once(self):
		# Saturday evening, closed: customers write to either relay; both
		# relays run their engine, one away message each.
		write_clock(self.clock, SAT_1800)
		self.assertEqual(self.ann.sync(0, limit=1).status, 200)
		self.assertEqual(self.ben.sync(0, limit=1).status, 200)
		custs, convs = [], []
		for i in range(4):
			c, conv = self.queued_via(i % 2, SAT_1800)
			custs.append(c)
			convs.append(conv)

		def aways(c):
			return [x for x in self.fake.accepted_sends()
			    if x.get("to") == c.wa_id and ((x.get("body") or {}).get(
			    "text") or {}).get("body") == AWAY]
		wait_until(lambda: all(aways(c) for c in custs), timeout=30,
		    what="an away message to each customer")
		time.sleep(3)   # room for a second one, if one were sent
		self.assertEqual([len(aways(c)) for c in custs], [1] * 4)
		evs = self.zed.all_events(0)
		for conv in convs:
			outs = [e for e in evs if e["type"] == "message" and
			    e["conversation"] == conv and
			    e["message"]["direction"] == "out"]
			self.assertEqual(len(outs), 1, outs)
			st = [e["state"] for e in evs if e["type"] == "conversation"
			    and e["conversation"] == conv][-1]
			self.assertIsNone(st["assignee"])   # closed: nobody

	def test_each_decision_once(self):
		# ann is connected to relay A only, ben to relay B only.
		self.both_online()
		convs = []
		for i in range(8):
			_, conv = self.queued_via(i % 2, FRI_NOON)
			convs.append(conv)

			def assigned():
				return [e for e in self.zed.all_events(0)
				    if e["type"] == "conversation" and
				    e["conversation"] == conv and
				    e["state"].get("assigned_by") == "auto"]
			wait_until(assigned, timeout=20, what="assignment")
		if [e for e in self.zed.all_events(0) if e["type"] ==
		    "conversation" and e["ts"] != FRI_NOON]:
			self.skipTest("this relay build ignores the test clock")
		time.sleep(3)   # room for a second decision, if one were made
		evs = self.zed.all_events(0)
		order = []
		for conv in convs:
			autos = [e["state"]["assignee"] for e in evs
			    if e["type"] == "conversation" and
			    e["conversation"] == conv and
			    e["state"].get("assigned_by") == "auto"]
			self.assertEqual(len(autos), 1, "%s: %r" % (conv, autos))
			order.append(autos[0])
		self.assertEqual(order, ["ann", "ben"] * 4)

	def test_reassign_once(self):
		# ann gets the conversation and never answers; both relays run
		# their tick past reassign_after, one of them hands it to ben.
		self.both_online()
		_, conv = self.queued_via(1, FRI_NOON)

		def autos(z):
			"""The automatic decisions on conv, in z's relay's log."""
			return [(e["state"]["assignee"], e["ts"]) for e in
			    z.all_events(0) if e["type"] == "conversation" and
			    e["conversation"] == conv and
			    e["state"].get("assigned_by") == "auto"]
		wait_until(lambda: autos(self.zed), timeout=20, what="assignment")
		if autos(self.zed)[0][1] != FRI_NOON:
			self.skipTest("this relay build ignores the test clock")
		self.assertEqual(autos(self.zed), [("ann", FRI_NOON)])
		# Online lasts 60 s of the relays' clock: sync again just before
		# the deadline, so that ben is there to take it.
		write_clock(self.clock, FRI_NOON + 9 * 60 + 30)
		self.both_online()
		time.sleep(2)   # both relays tick short of the deadline
		self.assertEqual(len(autos(self.zed)), 1, autos(self.zed))
		write_clock(self.clock, FRI_NOON + 10 * 60)
		wait_until(lambda: autos(self.zed)[-1][0] == "ben", timeout=20,
		    what="reassigned to ben")
		time.sleep(3)   # room for a second reassignment, if one were made
		# Back to the pool once, then to ben once, both "auto", the same
		# in both relays' logs.
		want = [("ann", FRI_NOON), (None, FRI_NOON + 600),
		    ("ben", FRI_NOON + 600)]
		self.assertEqual([autos(z) for z in self.zeds], [want, want])
		st = [e["state"] for e in self.zeds[1].all_events(0)
		    if e["type"] == "conversation" and e["conversation"] == conv][-1]
		self.assertEqual((st["assignee"], st["assigned_by"]), ("ben", "auto"))
		logs = "".join(r.log_text() for r in self.relays)
		self.assertEqual(logs.count("event=auto_unassign conversation=%s "
		    "agent=ann" % conv), 1)
		self.assertEqual(logs.count("event=auto_unassign"), 1)


if __name__ == "__main__":
	unittest.main(verbosity=2)
