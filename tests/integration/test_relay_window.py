#!/usr/bin/env python3
"""docs/api.md "Windowed sync and history": GET /v1/snapshot (the working
set at one log position, in pages), GET /v1/conversations (pages by last
message) and GET /v1/conversations/{id}/messages (history, newest page
first), on the relay's real store (SQLite, or PostgreSQL with
TTYDESK_TEST_DB=pg)."""

import os
import random
import sqlite3
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
    "..", "pylib"))
from harness import RelayTestCase, RelayWorld, main, unique_phone, wp  # noqa: E402,E501
import pgcluster  # noqa: E402
import relayproc  # noqa: E402

DAY = 86400


def snapshot_all(agent, since, limit=None, check=None):
	"""Every page of a snapshot; returns (events, through, pages)."""
	q = "since=%d" % since
	if limit is not None:
		q += "&limit=%d" % limit
	r = agent.call("GET", "/v1/snapshot?" + q)
	if r.status != 200:
		raise AssertionError("snapshot: %r" % (r,))
	through = r.data["through"]
	pages = [r.data]
	while pages[-1]["more"]:
		r = agent.call("GET", "/v1/snapshot?%s&through=%d&cursor=%s" %
		    (q, through, pages[-1]["cursor"]))
		if r.status != 200:
			raise AssertionError("snapshot page: %r" % (r,))
		if r.data["through"] != through:
			raise AssertionError("through moved: %r" % (r.data,))
		pages.append(r.data)
		if check is not None:
			check(len(pages))
	events = [e for p in pages for e in p["events"]]
	return events, through, pages


def conv_num(conv):
	return int(conv[1:])


class WindowTest(RelayTestCase):

	status_delays = (0.05, 0.1, 0.15)

	def conversation_at(self, ts, text="hello"):
		"""A customer whose only message is from ts."""
		conv, m, c = self.new_conversation(text=text, timestamp=ts)
		return conv, c

	def ok(self, r, status=200):
		self.assertEqual(r.status, status, r)
		return r.data

	# ---- /v1/snapshot ------------------------------------------------

	def test_working_set_membership(self):
		now = int(time.time())
		old = now - 200 * DAY
		since = now - 30 * DAY
		open_old, _ = self.conversation_at(old)
		pending_old, _ = self.conversation_at(old)
		self.ok(self.alice.set_status(pending_old, "pending"))
		esc_old, _ = self.conversation_at(old)
		self.ok(self.alice.escalate(esc_old, "tier2", "refund"))
		snoozed_old, _ = self.conversation_at(old)
		self.ok(self.alice.set_status(snoozed_old, "snoozed",
		    until=now + 7 * DAY))
		recent_resolved, _ = self.conversation_at(now - 2 * DAY)
		self.ok(self.alice.set_status(recent_resolved, "resolved"))
		resolved_old, resolved_old_c = self.conversation_at(old)
		self.ok(self.alice.set_status(resolved_old, "resolved"))
		# Resolved today, but its last message is 40 days old.
		resolved_today, _ = self.conversation_at(now - 40 * DAY)
		self.ok(self.alice.set_status(resolved_today, "resolved"))

		events, through, pages = snapshot_all(self.alice, since)
		convs = {e["conversation"] for e in events}
		for c in (open_old, pending_old, esc_old, snoozed_old,
		    recent_resolved):
			self.assertIn(c, convs)
		self.assertNotIn(resolved_old, convs)
		self.assertNotIn(resolved_today, convs)
		outside = pages[0]["outside"]
		self.assertGreaterEqual(outside["resolved"], 2)
		self.assertGreaterEqual(outside["conversations"],
		    outside["resolved"])
		# With since in the far past, everything is in.
		events, _, pages = snapshot_all(self.alice, 0)
		convs = {e["conversation"] for e in events}
		self.assertIn(resolved_old, convs)
		self.assertIn(resolved_today, convs)
		self.assertEqual(pages[0]["outside"], {"conversations": 0,
		    "resolved": 0})
		# A message today brings a resolved conversation back in.
		self.inbound(resolved_old_c)
		events, _, _ = snapshot_all(self.alice, since)
		self.assertIn(resolved_old, {e["conversation"] for e in events})

	def test_snapshot_events_are_the_log(self):
		"""Each event is the logged one, byte for byte the same object;
		messages and statuses are all there, oldest first; only the newest
		conversation event is kept when ts grows with seq."""
		conv, m, c = self.new_conversation()
		self.reply(conv, "first answer")
		self.inbound(c, text="thanks")
		self.ok(self.alice.assign(conv, "alice"))
		self.ok(self.alice.note(conv, "internal note"), 201)
		self.ok(self.alice.call("POST", "/v1/contacts/%s" % c.wa_id,
		    {"client_id": wp.new_media_id(), "note": "VIP"}))
		events, through, _ = snapshot_all(self.alice, 0, limit=1000)
		# Statuses may still come in: the log as of the snapshot.
		log = [e for e in self.events() if e["conversation"] == conv and
		    e["seq"] <= through]
		mine = [e for e in events if e["conversation"] == conv]
		by_seq = {e["seq"]: e for e in log}
		for e in mine:
			self.assertEqual(e, by_seq[e["seq"]])
			self.assertLessEqual(e["seq"], through)
		self.assertEqual([e["seq"] for e in mine],
		    sorted(e["seq"] for e in mine))
		want = [e["seq"] for e in log if e["type"] in ("message",
		    "status") and e["seq"] <= through]
		self.assertEqual([e["seq"] for e in mine if e["type"] in
		    ("message", "status")], want)
		states = [e for e in log if e["type"] == "conversation"]
		got_states = [e for e in mine if e["type"] == "conversation"]
		self.assertIn(states[-1], got_states)
		self.assertLess(len(got_states), len(states))
		contacts = [e for e in mine if e["type"] == "contact"]
		self.assertEqual(contacts[-1], [e for e in log
		    if e["type"] == "contact"][-1])
		self.assertEqual(contacts[-1]["contact"].get("note"), "VIP")
		self.assertFalse(any(e["type"] == "presence" for e in mine))

	def test_paging_cursor_and_through(self):
		now = int(time.time())
		made = [self.conversation_at(now - 60) for _ in range(5)]
		convs = [conv for conv, _ in made]
		seen = []

		def append_meanwhile(page_no):
			if page_no == 2:
				self.inbound(made[-1][1], text="during the snapshot")
		events, through, pages = snapshot_all(self.alice, now - DAY,
		    limit=2, check=append_meanwhile)
		self.assertGreaterEqual(len(pages), 3)
		for p in pages:
			ids = []
			for e in p["events"]:
				if not ids or ids[-1] != e["conversation"]:
					ids.append(e["conversation"])
			self.assertLessEqual(len(ids), 2)
			if ids:
				self.assertEqual(p["cursor"], ids[-1])
			seen += ids
		# Each conversation in exactly one page, in id order.
		self.assertEqual(len(seen), len(set(seen)))
		self.assertEqual(seen, sorted(seen, key=conv_num))
		for c in convs:
			self.assertIn(c, seen)
		self.assertTrue(all(e["seq"] <= through for e in events))
		# What came after through comes from /v1/sync?after=through.
		later = self.alice.all_events(through)
		self.assertTrue(any(e["type"] == "message" and
		    e["message"].get("text") == "during the snapshot"
		    for e in later))
		self.assertFalse(any(e["type"] == "message" and
		    e["message"].get("text") == "during the snapshot"
		    for e in events))

	def test_outside_counts_every_page_at_its_through(self):
		now = int(time.time())
		since = now - 30 * DAY
		for _ in range(3):
			self.conversation_at(now - 60)
		gone, _ = self.conversation_at(now - 90 * DAY)
		self.ok(self.alice.set_status(gone, "resolved"))
		_, _, pages = snapshot_all(self.alice, since, limit=1)
		self.assertGreaterEqual(len(pages), 3)
		first = pages[0]["outside"]
		self.assertGreaterEqual(first["resolved"], 1)
		for p in pages:
			self.assertEqual(p["outside"], first)
		# Resolving another old conversation moves the log: the next
		# snapshot, same since, counts it.
		more, _ = self.conversation_at(now - 80 * DAY)
		self.ok(self.alice.set_status(more, "resolved"))
		_, _, pages = snapshot_all(self.alice, since, limit=1)
		want = {"conversations": first["conversations"] + 1,
		    "resolved": first["resolved"] + 1}
		for p in pages:
			self.assertEqual(p["outside"], want)

	def test_snapshot_bad_parameters(self):
		for q in ("", "since=abc", "since=-1", "since=0&limit=0",
		    "since=0&limit=1001", "since=0&limit=x",
		    "since=0&cursor=c1", "since=0&through=5&cursor=zz",
		    "since=0&through=-2"):
			r = self.alice.call("GET", "/v1/snapshot?" + q)
			self.assertEqual(r.status, 400, q)
			self.assertEqual(r.error_code, "bad_request", q)
		r = self.alice.call("GET", "/v1/snapshot?since=0&limit=1000")
		self.assertEqual(r.status, 200, r)
		r = self.alice.call("GET", "/v1/snapshot?since=0", token="")
		self.assertEqual(r.status, 401)
		r = self.alice.call("GET", "/v1/snapshot?since=0", token="wrong")
		self.assertEqual(r.status, 401)

	# ---- /v1/conversations -------------------------------------------

	def test_conversation_list_pages(self):
		base = int(time.time()) - 150 * DAY - random.randrange(1000) * 60
		made = {}
		# Three share one timestamp: a page never ends inside them.
		for i, ts in enumerate((base, base - 10, base - 10, base - 10,
		    base - 20)):
			conv, _ = self.conversation_at(ts, text="x" * 150 +
			    " %d " % i + "é" * 100)
			self.ok(self.alice.set_status(conv, "resolved"))
			made[conv] = ts
		opened, _ = self.conversation_at(base - 5)
		got = []
		before = base + 1
		while True:
			d = self.ok(self.alice.call("GET", "/v1/conversations?"
			    "status=resolved&before=%d&limit=2" % before))
			# Longer only to hold a whole run of one last_ts.
			if len(d["conversations"]) > 2:
				self.assertEqual(len({c["last_ts"] for c in
				    d["conversations"]}), 1)
			for c in d["conversations"]:
				self.assertLess(c["last_ts"], before)
				self.assertEqual(c["state"]["status"], "resolved")
				got.append(c)
			if not d["more"] or not d["conversations"] or \
			    d["conversations"][-1]["last_ts"] < base - 20:
				break
			before = d["conversations"][-1]["last_ts"]
		ours = [c for c in got if c["id"] in made]
		self.assertEqual(sorted(c["id"] for c in ours), sorted(made))
		self.assertEqual([c["last_ts"] for c in got],
		    sorted((c["last_ts"] for c in got), reverse=True))
		self.assertNotIn(opened, [c["id"] for c in got])
		c = ours[0]
		self.assertEqual(c["last_ts"], made[c["id"]])
		self.assertTrue(c["contact"].get("wa_id"))
		self.assertEqual(len(c["preview"]), 200)
		self.assertTrue(c["preview"].startswith("x" * 150))
		self.assertFalse(any(k.startswith("_") for k in c["state"]))
		self.assertIn("first_ts", c)
		# Without status: any, the open one included.
		d = self.ok(self.alice.call("GET", "/v1/conversations?before=%d"
		    "&limit=200" % (base + 1)))
		self.assertIn(opened, [c["id"] for c in d["conversations"]])
		for q in ("status=bogus", "limit=0", "limit=201", "before=-1",
		    "before=x"):
			r = self.alice.call("GET", "/v1/conversations?" + q)
			self.assertEqual(r.status, 400, q)
		self.ok(self.alice.call("GET", "/v1/conversations?limit=200"))

	# ---- /v1/conversations/{id}/messages -----------------------------

	def test_history_pages_every_message_once(self):
		conv, m, c = self.new_conversation(text="m0")
		for i in range(1, 24):
			self.inbound(c, text="m%d" % i)
			if i % 6 == 0:
				self.reply(conv, "r%d" % i)
		stop = threading.Event()

		def append():
			n = 0
			while not stop.is_set():
				self.inbound(c, text="late%d" % n)
				n += 1

		t = threading.Thread(target=append)
		t.start()
		pages = []
		before = None
		try:
			while True:
				q = "limit=5" + ("&before=%d" % before if before
				    else "")
				d = self.ok(self.alice.call("GET",
				    "/v1/conversations/%s/messages?%s" % (conv, q)))
				pages.append(d)
				time.sleep(0.05)
				if not d["more"]:
					break
				before = d["before"]
		finally:
			stop.set()
			t.join()
		log = [e for e in self.events() if e["conversation"] == conv]
		msgs = [e for p in pages for e in p["events"]
		    if e["type"] == "message"]
		seqs = [e["seq"] for e in msgs]
		self.assertEqual(len(seqs), len(set(seqs)), "a message twice")
		first_top = max(e["seq"] for e in pages[0]["events"]
		    if e["type"] == "message")
		want = [e["seq"] for e in log if e["type"] == "message" and
		    e["seq"] <= first_top]
		self.assertEqual(sorted(seqs), want)
		for p in pages:
			self.assertLessEqual(len([e for e in p["events"]
			    if e["type"] == "message"]), 5)
			body = [e for e in p["events"] if e["type"] in ("message",
			    "status")]
			self.assertEqual([e["seq"] for e in body],
			    sorted(e["seq"] for e in body))
			self.assertEqual(p["events"][0]["type"], "contact")
			self.assertTrue(any(e["type"] == "conversation"
			    for e in p["events"]))
		# Statuses: each once, all of those after the oldest message.
		sts = [e["seq"] for p in pages for e in p["events"]
		    if e["type"] == "status"]
		self.assertEqual(len(sts), len(set(sts)), "a status twice")
		top = max(e["seq"] for e in pages[0]["events"])
		want_st = [e["seq"] for e in log if e["type"] == "status" and
		    e["seq"] <= top]
		self.assertTrue(want_st, "no status to check")
		self.assertTrue(set(want_st) <= set(sts))
		# The oldest page ends at the first message.
		self.assertEqual(min(seqs), want[0])
		self.assertEqual(pages[-1]["before"], min(seqs))
		r = self.alice.call("GET", "/v1/conversations/%s/messages?"
		    "before=%d" % (conv, want[0]))
		d = self.ok(r)
		self.assertEqual([e for e in d["events"]
		    if e["type"] == "message"], [])
		self.assertFalse(d["more"])

	def test_history_errors(self):
		conv, m, c = self.new_conversation()
		for bad in ("c999999999", "nonsense", "c", "c-1"):
			r = self.alice.call("GET", "/v1/conversations/%s/messages"
			    % bad)
			self.assertEqual(r.status, 404, bad)
			self.assertEqual(r.error_code, "not_found")
		for q in ("limit=0", "limit=501", "before=0", "before=x",
		    "limit=-3"):
			r = self.alice.call("GET", "/v1/conversations/%s/messages?%s"
			    % (conv, q))
			self.assertEqual(r.status, 400, q)
		d = self.ok(self.alice.call("GET", "/v1/conversations/%s/messages"
		    "?limit=500" % conv))
		self.assertEqual([e["message"]["id"] for e in d["events"]
		    if e["type"] == "message"], [m["id"]])
		self.assertFalse(d["more"])
		r = self.alice.call("GET", "/v1/conversations/%s/messages" % conv,
		    token="")
		self.assertEqual(r.status, 401)


@unittest.skipIf(pgcluster.wanted(), "30,000 messages: the page logic is "
    "window.c's, the same for both backends; SQLite runs it")
class WindowLongPages(RelayTestCase):
	"""A relay of its own: its log is long on purpose."""

	def test_page_ends_early_on_long_conversations(self):
		"""A page stops after the conversation that takes it past 20,000
		events; the next one resumes after it, nothing lost."""
		now = int(time.time())
		for k in range(3):
			c = self.customer()
			for b in range(0, 10200, 300):
				# One timestamp: the state does not change, so these
				# are message events only.
				msgs = [wp.inbound_message(c, "text", text="bulk %d" % i,
				    timestamp=now - 600) for i in range(b, b + 300)]
				code = self.fake.post_webhook(wp.envelope([
				    wp.message_value(self.fake.phone_number_id,
				    self.fake.display_phone_number, c, msgs)]))
				self.assertEqual(code, 200)
		events, through, pages = snapshot_all(self.alice, now - 3600,
		    limit=1000)
		counts = {}
		for e in events:
			if e["type"] == "message":
				counts[e["conversation"]] = counts.get(
				    e["conversation"], 0) + 1
		self.assertEqual(sorted(counts.values()), [10200] * 3)
		self.assertGreaterEqual(len(pages), 2)
		seen = []
		for p in pages:
			convs = sorted({e["conversation"] for e in p["events"]},
			    key=conv_num)
			self.assertLessEqual(len(p["events"]), 20000 + 10210)
			seen += convs
			if p["more"]:
				self.assertLess(len(convs), 3)
				self.assertEqual(p["cursor"], convs[-1])
		self.assertEqual(len(seen), 3)
		self.assertEqual(len(set(seen)), 3)


# What a database from before the windowed reads lacks (both backends).
_DOWNGRADE_SQLITE = """
DROP TRIGGER event_log_msg_ts; DROP TRIGGER conversations_new;
DROP TRIGGER conversations_state;
DROP INDEX conversations_status_ts; DROP INDEX conversations_msg_ts;
ALTER TABLE conversations DROP COLUMN msg_ts;
ALTER TABLE conversations DROP COLUMN status;
"""
_DOWNGRADE_PG = """
DROP TRIGGER events_msg_ts ON events;
DROP TRIGGER conversations_msg_ts ON conversations;
DROP FUNCTION ttydesk_events_msg_ts(); DROP FUNCTION ttydesk_conversations_msg_ts();
DROP INDEX conversations_status_ts; DROP INDEX conversations_msg_ts;
ALTER TABLE conversations DROP COLUMN msg_ts;
ALTER TABLE conversations DROP COLUMN status;
UPDATE meta SET value = '1' WHERE key = 'schema';
"""


class WindowMigrate(unittest.TestCase):
	"""An older database gets the last-message times from its log on
	start; a dump imported into a new one too."""

	def setUp(self):
		self.world = RelayWorld()
		self.relay = self.world.relay
		self.addCleanup(self.relay.cleanup)
		self.addCleanup(self.world.close)
		self.alice = self.world.agent()
		self.now = int(time.time())

	def conv_at(self, ts, status=None):
		c = self.world.fake.customer(unique_phone(), None, "Old")
		m, code = self.world.fake.customer_message(c, "text", text="hi",
		    timestamp=ts)
		self.assertEqual(code, 200)
		conv = [e for e in self.alice.all_events() if e["type"] ==
		    "message" and e["message"]["id"] == m["id"]][0]["conversation"]
		if status:
			r = self.alice.set_status(conv, status)
			self.assertEqual(r.status, 200, r)
		return conv, c

	def check(self, old, recent):
		since = self.now - 30 * DAY
		events, _, pages = snapshot_all(self.alice, since)
		convs = {e["conversation"] for e in events}
		self.assertIn(recent, convs)
		self.assertNotIn(old, convs)
		self.assertEqual(pages[0]["outside"], {"conversations": 1,
		    "resolved": 1})
		r = self.alice.call("GET", "/v1/conversations?status=resolved")
		self.assertEqual(r.status, 200, r)
		self.assertEqual([(c["id"], c["last_ts"]) for c in
		    r.data["conversations"]], [(recent, self.now - DAY),
		    (old, self.now - 100 * DAY)])

	def downgrade(self):
		if pgcluster.wanted():
			pgcluster.shared().psql(_DOWNGRADE_PG,
			    dbname=self.relay.database.split("/")[3].split("?")[0])
		else:
			db = sqlite3.connect(self.relay.db)
			db.executescript(_DOWNGRADE_SQLITE)
			db.close()

	def test_old_database(self):
		old, old_c = self.conv_at(self.now - 100 * DAY, "resolved")
		recent, _ = self.conv_at(self.now - DAY, "resolved")
		self.assertEqual(self.relay.stop(), 0)
		self.downgrade()
		self.relay.start()
		self.world.fake.set_relay_url(self.relay.url)
		self.check(old, recent)
		# Kept up to date from then on.
		self.world.fake.customer_message(old_c, "text", text="back")
		events, _, _ = snapshot_all(self.alice, self.now - 30 * DAY)
		self.assertIn(old, {e["conversation"] for e in events})

	def test_import(self):
		old, _ = self.conv_at(self.now - 100 * DAY, "resolved")
		recent, _ = self.conv_at(self.now - DAY, "resolved")
		self.assertEqual(self.relay.stop(), 0)
		dump = self.relay.run_cli("export", "--config",
		    self.relay.config_path)
		self.assertEqual(dump.returncode, 0, dump.stderr)
		if pgcluster.wanted():
			self.relay.database = pgcluster.shared().new_database()
		else:
			self.relay.database = "imported.db"
		self.relay.write_config()
		p = subprocess.run([relayproc.relay_binary(), "import", "--config",
		    self.relay.config_path], input=dump.stdout,
		    capture_output=True, text=True, timeout=120, cwd=self.relay.dir)
		self.assertEqual(p.returncode, 0, p.stderr)
		self.relay.start(write=False)
		self.world.fake.set_relay_url(self.relay.url)
		self.check(old, recent)


if __name__ == "__main__":
	main()
