#!/usr/bin/env python3
"""GET /v1/search (API-16): finds old messages by a word of their text, a
prefix, a caption, a document's file name, a note, and contacts by name,
phone number and username; pages newest first; never lets the query's
characters act as FTS5/tsquery syntax (400 or a correct answer, never
500).  And for an old database (tests/fixtures/relay-v1, written by a
relay of schema 1): the relay serves every event as before, and the index
it builds for the old log answers like the one built live.

Runs on SQLite, and on PostgreSQL with TTYDESK_TEST_DB=pg."""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
    "..", "pylib"))
from harness import RelayTestCase, RelayWorld, main  # noqa: E402
from agentapi import wait_until  # noqa: E402
import pgcluster  # noqa: E402
import relayproc  # noqa: E402
import searchlog  # noqa: E402
import wa_payloads as wp  # noqa: E402

DAY = 86400


def search(agent, q, **kw):
	args = {"q": q}
	args.update(kw)
	return agent.call("GET", "/v1/search?" + urllib.parse.urlencode(args))


def unique_word(tag):
	return "%s%s" % (tag, wp.new_media_id()[-9:])


class Search(RelayTestCase):
	def hits(self, q, **kw):
		r = search(self.alice, q, **kw)
		self.assertEqual(r.status, 200, r)
		self.assertIsInstance(r.data["results"], list)
		self.assertIsInstance(r.data["more"], bool)
		return r.data["results"]

	def test_old_resolved_conversation_found_by_a_word(self):
		word = unique_word("quux")
		old = int(time.time()) - 210 * DAY
		conv, m, c = self.new_conversation(text="My %s arrived broken, "
		    "can you help?" % word, timestamp=old)
		self.assertEqual(self.alice.set_status(conv, "resolved").status,
		    200)
		# Newer traffic elsewhere does not hide it.
		for i in range(5):
			self.new_conversation(text="unrelated message %d" % i)
		for q in (word, word.upper(), word[:6] + "*", word + " broken",
		    "BROKEN " + word):
			res = self.hits(q)
			self.assertEqual(len(res), 1, (q, res))
			h = res[0]
			self.assertEqual(h["conversation"], conv)
			self.assertEqual(h["kind"], "message")
			self.assertEqual(h["message"], m["id"])
			self.assertEqual(h["ts"], old)
			ev = self.message_events(m["id"])[0]
			self.assertEqual(h["seq"], ev["seq"])
			self.assertIn("\u0002" + word + "\u0003", h["snippet"])
			self.assertLessEqual(len(h["snippet"]), 160)
		# Words are ANDed.
		self.assertEqual(self.hits(word + " nowherefoundword"), [])
		self.assertEqual(self.hits(word[:6]), [], "no prefix without *")

	def test_contact_by_name_phone_and_username(self):
		name = unique_word("Xylo")
		c = self.fake.customer(unique_word("1555"), None, name + " Quist",
		    username=unique_word("nick") + ".x")
		conv, _, _ = self.new_conversation(customer=c, text="hi")
		for q in (name, name.lower(), c.wa_id, c.wa_id[:8] + "*",
		    c.username, c.username.split(".")[0]):
			res = [h for h in self.hits(q) if h["kind"] == "contact"]
			self.assertEqual(len(res), 1, (q, res))
			self.assertEqual(res[0]["conversation"], conv)
			self.assertNotIn("message", res[0])
			self.assertIn("\u0002", res[0]["snippet"])
		# A contact note set by an agent is found too.
		word = unique_word("vipnote")
		r = self.alice.call("POST", "/v1/contacts/" + c.wa_id,
		    {"note": "prefers " + word})
		self.assertEqual(r.status, 200, r)
		res = self.hits(word)
		self.assertEqual([(h["kind"], h["conversation"]) for h in res],
		    [("contact", conv)])

	def test_notes_captions_and_file_names(self):
		conv, _, c = self.new_conversation(text="see attachments")
		cap, fname = unique_word("capt"), unique_word("Beleg") + ".pdf"
		img = self.inbound(c, "image", caption="a photo of " + cap)
		doc = self.inbound(c, "document", filename=fname)
		note = unique_word("notew")
		r = self.alice.note(conv, "called back, " + note + " confirmed")
		self.assertEqual(r.status, 201, r)
		res = self.hits(cap)
		self.assertEqual([(h["kind"], h["message"]) for h in res],
		    [("message", img["id"])])
		res = self.hits(fname)
		self.assertEqual([(h["kind"], h["message"]) for h in res],
		    [("message", doc["id"])])
		self.assertIn("\u0002", res[0]["snippet"])
		res = self.hits(note)
		self.assertEqual([(h["kind"], h["message"]) for h in res],
		    [("note", r.data["message"]["id"])])

	def test_pages_newest_first(self):
		word = unique_word("pagew")
		conv, _, c = self.new_conversation(text="first " + word,
		    timestamp=int(time.time()) - 300 * DAY)
		for i in range(24):
			self.inbound(c, "text", text="%s number %d" % (word, i),
			    timestamp=int(time.time()) - (299 - i) * DAY)
		seen, before, pages = [], None, 0
		while True:
			kw = {"limit": 10}
			if before is not None:
				kw["before"] = before
			r = search(self.alice, word, **kw)
			self.assertEqual(r.status, 200, r)
			res = r.data["results"]
			self.assertLessEqual(len(res), 10)
			seen += res
			pages += 1
			if not r.data["more"]:
				break
			self.assertEqual(len(res), 10)
			before = r.data["before"]
			self.assertEqual(before, res[-1]["seq"])
		self.assertEqual(pages, 3)
		seqs = [h["seq"] for h in seen]
		self.assertEqual(len(seqs), 25)
		self.assertEqual(seqs, sorted(seqs, reverse=True))
		self.assertEqual(len(set(seqs)), 25)
		self.assertTrue(all(h["conversation"] == conv for h in seen))

	def test_query_syntax_is_never_syntax(self):
		word = unique_word("inj")
		conv, m, c = self.new_conversation(text="quote \"%s\" or NEAR "
		    "grüße 😀 col:umn e-mail" % word)
		# Each of these finds the message (its words are all there).
		for q in ('"%s"' % word, '%s"' % word, "%s OR" % word,
		    "(%s)" % word, "%s*" % word, "%s NEAR" % word,
		    "{%s}" % word, "^%s" % word, "%s -col" % word,
		    "col:umn %s" % word, "grüße",
		    "e-mail " + word, "'%s'" % word, word + "\\",
		    "%s or NEAR" % word, word + " :*"):
			r = search(self.alice, q)
			self.assertEqual(r.status, 200, (q, r))
			self.assertIn(m["id"], [h.get("message") for h in
			    r.data["results"]], q)
		# These match nothing or are refused, but never fail.
		for q in ("NEAR(%s x)" % word, "%s:x" % word, "x OR y",
		    "* *", "\"\"", "😀", "%s NOT" % word[:-1], "'", "\\",
		    "a" * 511, "é" * 200, "*" + word, "&|!<->",
		    "x:* | y", word[:3] + "\u0000"):
			r = search(self.alice, q)
			self.assertIn(r.status, (200, 400), (q, r))
			if r.status == 400:
				self.assertEqual(r.error_code, "bad_request")
		for q in ("*", "\"", "", "   ", "a" * 513, " ".join(["w"] * 17)):
			r = search(self.alice, q)
			self.assertEqual(r.status, 400, (q, r))
			self.assertEqual(r.error_code, "bad_request")
		r = self.alice.call("GET", "/v1/search?q=%ff%fe")
		self.assertEqual(r.status, 400, r)
		r = self.alice.call("GET", "/v1/search")
		self.assertEqual(r.status, 400, r)
		for bad in ({"limit": 0}, {"limit": 101}, {"limit": "x"},
		    {"before": 0}, {"before": "1e3"}):
			r = search(self.alice, word, **bad)
			self.assertEqual(r.status, 400, (bad, r))
		r = self.alice.call("GET", "/v1/search?q=" + word, token="nope")
		self.assertEqual(r.status, 401, r)

	def test_snippet_is_short_and_marked(self):
		word = unique_word("long")
		text = ("lorem ipsum " * 30) + word + (" dolor sit" * 30)
		self.new_conversation(text=text)
		h = self.hits(word)[0]
		self.assertLessEqual(len(h["snippet"]), 160)
		self.assertIn("\u0002%s\u0003" % word, h["snippet"])
		self.assertTrue(h["snippet"].startswith("\u2026"))
		self.assertTrue(h["snippet"].endswith("\u2026"))
		# A customer's own control characters never pose as marks.
		word2 = unique_word("ctl")
		self.new_conversation(text="\u0002fake\u0003 " + word2)
		s = self.hits(word2)[0]["snippet"]
		self.assertEqual(s.count("\u0002"), 1, s)


def load_fixture(path):
	"""An SQLite database as the schema-1 relay left it."""
	db = sqlite3.connect(path)
	with open(os.path.join(searchlog.FIXTURES, "relay-v1.sql")) as fp:
		db.executescript(fp.read())
	db.close()


def cli(relay, *args, stdin=None):
	return subprocess.run([relayproc.relay_binary()] + list(args) +
	    ["--config", relay.config_path], input=stdin, capture_output=True,
	    text=True, timeout=300)


class OldDatabase(unittest.TestCase):
	"""A database written by the relay before this one (schema 1)."""

	def setUp(self):
		with open(os.path.join(searchlog.FIXTURES, "events.json")) as fp:
			self.old_events = json.load(fp)

	def world(self, database):
		w = RelayWorld(relay_kw={"database": database})
		self.addCleanup(w.close)
		return w

	def migrated(self):
		"""A relay started on the fixture (SQLite) or on the fixture
		moved to PostgreSQL by export / import; returns the world."""
		w = self.world("relay.db")
		self.assertEqual(w.relay.stop(), 0)
		os.unlink(w.relay.db)
		load_fixture(w.relay.db)
		if pgcluster.wanted():
			dump = cli(w.relay, "export")
			self.assertEqual(dump.returncode, 0, dump.stderr)
			w.relay.database = pgcluster.shared().new_database()
			w.relay.write_config()
			p = cli(w.relay, "import", stdin=dump.stdout)
			self.assertEqual(p.returncode, 0, p.stderr)
		w.relay.start(write=False)
		w.fake.set_relay_url(w.relay.url)
		return w

	def live(self):
		w = self.world(None)
		for body in searchlog.webhooks():
			self.assertEqual(w.fake.post_webhook(body), 200)
		return w

	def answers(self, agent):
		out = {}
		for q in searchlog.QUERIES:
			r = search(agent, q, limit=100)
			self.assertEqual(r.status, 200, (q, r))
			out[q] = r.data
		return out

	def test_every_event_served_as_before(self):
		w = self.migrated()
		alice = w.agent()
		self.assertEqual(alice.all_events(), self.old_events)
		# In pages too, and the log continues after the old seqs.
		got, after = [], 0
		while True:
			r = alice.sync(after, limit=37)
			self.assertEqual(r.status, 200, r)
			got += r.data["events"]
			if not r.data["events"]:
				break
			after = r.data["next"]
		self.assertEqual(got, self.old_events)
		c = w.fake.customer("15559990001", None, "After Upgrade")
		_, code = w.fake.customer_message(c, "text", text="new afterupgrade")
		self.assertEqual(code, 200)
		new = alice.all_events(self.old_events[-1]["seq"])
		self.assertEqual(new[0]["seq"], self.old_events[-1]["seq"] + 1)
		r = search(alice, "afterupgrade")
		self.assertEqual(len(r.data["results"]), 1, r)
		if not pgcluster.wanted():
			self.check_compact(w.relay)
			self.check_served_as_stored(w.relay, alice)

	def check_served_as_stored(self, relay, agent):
		"""The sync answer carries each event byte for byte as the view
		events gives it back (decoded in C, not by the view)."""
		db = sqlite3.connect(relay.db)
		texts = [j for j, in db.execute("SELECT json FROM events ORDER "
		    "BY seq")]
		db.close()
		r = agent.sync(0, limit=5000, wait=0)
		self.assertEqual(r.status, 200, r)
		body, pos = r.body.decode(), 0
		for t in texts:
			at = body.find(t, pos)
			self.assertGreaterEqual(at, 0, t)
			pos = at + len(t)

	def check_compact(self, relay):
		"""Schema 2 on disk: the copy of schema 1 kept, each event's
		JSON stored without its head and with pieces coded, message
		keys without the wamid twice."""
		self.assertTrue(os.path.exists(relay.db + ".schema-1"))
		old = sqlite3.connect(relay.db + ".schema-1")
		self.assertEqual(old.execute("SELECT value FROM meta WHERE key = "
		    "'schema'").fetchone(), ("1",))
		old.close()
		db = sqlite3.connect(relay.db)
		whole, body, n = db.execute("SELECT SUM(length(e.json)), "
		    "SUM(length(l.body)), SUM(substr(l.body, 1, 1) = '{') FROM "
		    "events e JOIN event_log l USING(seq)").fetchone()
		self.assertEqual(n, 0)
		self.assertLess(body, whole * 0.3)
		same, = db.execute("SELECT COUNT(*) FROM messages WHERE wamid = "
		    "'='").fetchone()
		self.assertEqual(same, 121)  # every inbound message
		self.assertEqual(db.execute("SELECT value FROM meta WHERE key = "
		    "'schema'").fetchone(), ("2",))
		# The conversation made after the upgrade: its state names its
		# number before labels and sla, so the common ending is one code.
		coded, literal = db.execute("SELECT COUNT(*), SUM(instr(body, "
		    "'\"sla\"') > 0) FROM event_log WHERE type = 'conversation' "
		    "AND conversation = (SELECT conversation FROM event_log WHERE "
		    "type = 'message' ORDER BY seq DESC LIMIT 1)").fetchone()
		self.assertGreater(coded, 0)
		self.assertEqual(literal, 0)
		db.close()

	def test_export_import_keeps_every_event(self):
		"""The compact database exports the same rows as schema 1 did
		(wamids in full) and a new database imports them."""
		w = self.migrated()
		self.assertEqual(w.relay.stop(), 0)
		dump = cli(w.relay, "export")
		self.assertEqual(dump.returncode, 0, dump.stderr)
		self.assertNotIn('"=",', dump.stdout)
		w.relay.database = pgcluster.shared().new_database() if \
		    pgcluster.wanted() else "moved.db"
		w.relay.db = os.path.join(w.relay.dir, w.relay.database)
		w.relay.write_config()
		p = cli(w.relay, "import", stdin=dump.stdout)
		self.assertEqual(p.returncode, 0, p.stderr)
		p = cli(w.relay, "migrate")
		self.assertEqual(p.returncode, 0, p.stderr)
		w.relay.start(write=False)
		w.fake.set_relay_url(w.relay.url)
		alice = w.agent()
		self.assertEqual(alice.all_events(), self.old_events)
		r = search(alice, "order0000")
		self.assertEqual(len(r.data["results"]), 1, r)
		# Redelivering an old webhook after the move adds nothing.
		body = searchlog.webhooks()[0]
		self.assertEqual(w.fake.post_webhook(body), 200)
		self.assertEqual(alice.all_events(), self.old_events)

	def test_migrate_keys_old_messages_by_id(self):
		"""A database made before keeps its rowid messages table until
		`migrate` makes it anew keyed by id alone, with every row; a
		new database is keyed so from the start."""
		if pgcluster.wanted():
			self.skipTest("SQLite's table layout")
		w = self.migrated()
		self.assertEqual(w.relay.stop(), 0)
		rows = "SELECT * FROM messages ORDER BY id"
		keyed = "SELECT sql LIKE '%WITHOUT ROWID' FROM sqlite_master " \
		    "WHERE name = 'messages'"
		db = sqlite3.connect(w.relay.db)
		before = db.execute(rows).fetchall()
		self.assertEqual(db.execute(keyed).fetchone(), (0,))
		db.close()
		self.assertGreater(len(before), 100)
		p = cli(w.relay, "migrate")
		self.assertEqual(p.returncode, 0, p.stderr)
		self.assertIn("messages: %d keyed by their id" % len(before),
		    p.stdout)
		db = sqlite3.connect(w.relay.db)
		self.assertEqual(db.execute(keyed).fetchone(), (1,))
		self.assertEqual(db.execute(rows).fetchall(), before)
		db.close()
		p = cli(w.relay, "migrate")
		self.assertEqual(p.returncode, 0, p.stderr)
		self.assertNotIn("messages:", p.stdout)
		# The relay finds the old messages by id: a redelivered old
		# webhook adds nothing, a new one is stored.
		w.relay.start(write=False)
		w.fake.set_relay_url(w.relay.url)
		alice = w.agent()
		self.assertEqual(w.fake.post_webhook(searchlog.webhooks()[0]),
		    200)
		self.assertEqual(alice.all_events(), self.old_events)
		c = w.fake.customer("15559990002", None, "After Rekey")
		_, code = w.fake.customer_message(c, "text", text="rekeyed")
		self.assertEqual(code, 200)
		self.assertEqual(len(search(alice, "rekeyed").data["results"]), 1)
		live = self.live()
		db = sqlite3.connect(live.relay.db)
		self.assertEqual(db.execute(keyed).fetchone(), (1,))
		db.close()

	def test_index_built_on_upgrade_equals_index_built_live(self):
		w = self.migrated()
		alice = w.agent()
		# The relay indexes the old log in batches by itself.
		oldest = [e for e in self.old_events if e["type"] == "message"][0]
		wait_until(lambda: oldest["message"]["id"] in [h.get("message")
		    for h in search(alice, "order0000").data["results"]],
		    what="the oldest message in the index")
		migrated = self.answers(alice)
		live = self.answers(self.live().agent())
		for q in searchlog.QUERIES:
			self.assertTrue(live[q]["results"], q)
			self.assertEqual(migrated[q], live[q], q)
		# `migrate` builds what is left at once and says so.
		self.assertEqual(w.relay.stop(), 0)
		p = cli(w.relay, "migrate")
		self.assertEqual(p.returncode, 0, p.stderr)


if __name__ == "__main__":
	main()
