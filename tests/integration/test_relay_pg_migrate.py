#!/usr/bin/env python3
"""PostgreSQL backend selection, `migrate`, and moving an SQLite log to
PostgreSQL with `export` / `import`: the moved relay serves the same
events, continues the seq and conversation ids, keeps a customer's former
number in his conversation, and refuses what it must (a password in the
URI, a non-empty target, a cut dump).  A database from before a table
(an old SQLite file, PostgreSQL at an older schema) still exports."""

import json
import os
import re
import sqlite3
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
    "..", "pylib"))
from harness import RelayWorld, unique_phone  # noqa: E402
from agentapi import wait_until  # noqa: E402
import pgcluster  # noqa: E402
import relayproc  # noqa: E402
import searchlog  # noqa: E402
import wa_payloads as wp  # noqa: E402


def cli(relay, *args, stdin=None):
	return subprocess.run([relayproc.relay_binary()] + list(args) +
	    ["--config", relay.config_path], input=stdin, capture_output=True,
	    text=True, timeout=120)


def dump_rows(dump, table):
	"""The rows of one table in a dump, in order."""
	out = []
	for line in dump.splitlines():
		o = json.loads(line)
		if o.get("t") == table:
			out.append(o["r"])
	return out


def dump_checked(test, dump):
	"""Asserts the dump's end line counts its rows; returns the count."""
	lines = dump.splitlines()
	test.assertIn('"ttydesk_relay_dump":1', lines[0])
	test.assertEqual(json.loads(lines[-1]), {"end": len(lines) - 2})
	return len(lines) - 2


@unittest.skipUnless(pgcluster.available(), "no PostgreSQL server binaries")
class Migrate(unittest.TestCase):
	@classmethod
	def setUpClass(cls):
		cls.pg = pgcluster.shared()

	def setUp(self):
		self.world = RelayWorld(relay_kw={"database": "relay.db"})
		self.relay = self.world.relay
		self.fake = self.world.fake
		self.addCleanup(self.relay.cleanup)
		self.addCleanup(self.world.close)

	def _fill(self):
		alice = self.world.agent()
		for i in range(3):
			c = self.fake.customer(unique_phone(), None, "Move %d" % i)
			m, code = self.fake.customer_message(c, "text",
			    text="hello %d" % i)
			self.assertEqual(code, 200)
		evs = alice.all_events()
		conv = [e for e in evs if e["type"] == "message"][0]["conversation"]
		r = alice.send_text(conv, "moved reply")
		self.assertEqual(r.status, 202, r)
		r = alice.note(conv, "a private note")
		self.assertEqual(r.status, 201, r)
		self.fake.wait_for(lambda f: f.accepted_sends(), timeout=30)
		wait_until(lambda: [e for e in alice.all_events() if e["type"] ==
		    "status" and e["status"]["status"] == "sent"], what="sent")
		return alice

	def test_move_sqlite_log_to_postgresql(self):
		alice = self._fill()
		before = alice.all_events()
		log_id = alice.sync(0).data["log_id"]
		self.assertEqual(self.relay.stop(), 0, self.relay.log_tail())

		p = cli(self.relay, "migrate")
		self.assertEqual(p.returncode, 0, p.stderr)
		self.assertRegex(p.stdout, r"relay\.db: schema version [0-9]+\n")
		p = cli(self.relay, "export")
		self.assertEqual(p.returncode, 0, p.stderr)
		dump = p.stdout
		self.assertIn('"ttydesk_relay_dump":1', dump.splitlines()[0])
		self.assertIn('"end":', dump.splitlines()[-1])

		# Same config, database now PostgreSQL.
		self.relay.database = self.pg.new_database()
		self.relay.write_config()
		p = cli(self.relay, "migrate")
		self.assertEqual(p.returncode, 0, p.stderr)
		m = re.search(r"postgresql: schema version ([0-9]+) \(was 0\)",
		    p.stdout)
		self.assertTrue(m, p.stdout)
		version = m.group(1)
		p = cli(self.relay, "migrate")
		self.assertIn("postgresql: schema version %s (was %s)" % (version,
		    version), p.stdout)

		cut = "\n".join(dump.splitlines()[:-3]) + "\n"
		p = cli(self.relay, "import", stdin=cut)
		self.assertNotEqual(p.returncode, 0)
		self.assertIn("cut short", p.stderr)
		p = cli(self.relay, "import", stdin="not json\n")
		self.assertNotEqual(p.returncode, 0)

		p = cli(self.relay, "import", stdin=dump)
		self.assertEqual(p.returncode, 0, p.stderr)
		p = cli(self.relay, "import", stdin=dump)
		self.assertNotEqual(p.returncode, 0)
		self.assertIn("not empty", p.stderr)

		self.relay.start(write=False)
		self.fake.set_relay_url(self.relay.url)
		after = alice.all_events()
		self.assertEqual(after, before)
		# An imported log is another log: a new log_id (clients resync).
		self.assertNotEqual(alice.sync(0).data["log_id"], log_id)
		# SQLite's schema version did not come along.
		self.assertIn("schema version %s (was %s)" % (version, version),
		    cli(self.relay, "migrate").stdout)

		# The log continues: next seq, a new conversation id.
		c = self.fake.customer(unique_phone(), None, "After move")
		m, code = self.fake.customer_message(c, "text", text="new here")
		self.assertEqual(code, 200)
		new = alice.all_events(before[-1]["seq"])
		self.assertEqual(new[0]["seq"], before[-1]["seq"] + 1)
		old_convs = {e["conversation"] for e in before}
		conv = [e for e in new if e["type"] == "message"][0]["conversation"]
		self.assertNotIn(conv, old_convs)
		# And PostgreSQL's export gives the same rows back.
		p = cli(self.relay, "export")
		self.assertEqual(p.returncode, 0, p.stderr)
		self.assertEqual(len(p.stdout.splitlines()),
		    len(dump.splitlines()) + len([e for e in new]) + 2 + 1)
		self.assertNotIn('"r":["schema"', p.stdout)

	def _message_in(self, alice, mid):
		def find():
			return [e for e in alice.all_events() if e["type"] ==
			    "message" and e["message"].get("id") == mid]
		return wait_until(find, what="message %s" % mid)[0]["conversation"]

	def _say(self, alice, customer, text):
		m, code = self.fake.customer_message(customer, "text", text=text)
		self.assertEqual(code, 200)
		return self._message_in(alice, m["id"])

	def test_changed_number_moves_to_postgresql_and_back(self):
		alice = self.world.agent()
		old = self.fake.customer(unique_phone(), None, "Changer")
		conv = self._say(alice, old, "before the change")
		new = unique_phone()
		m = {"from": old.wa_id, "id": "wamid.HBgL" + wp.new_media_id(),
		    "timestamp": str(int(time.time())), "type": "system",
		    "system": {"body": "User A changed from %s to %s" % (old.wa_id,
		    new), "type": "user_changed_number", "wa_id": new}}
		self.assertEqual(self.fake.post_webhook(wp.envelope([{
		    "messaging_product": "whatsapp", "metadata": wp.metadata(
		    self.fake.phone_number_id, self.fake.display_phone_number),
		    "messages": [m]}], field="messages")), 200)
		self.assertEqual(self._message_in(alice, m["id"]), conv)
		self.assertEqual(self.relay.stop(), 0, self.relay.log_tail())

		p = cli(self.relay, "export")
		self.assertEqual(p.returncode, 0, p.stderr)
		dump = p.stdout
		n = dump_checked(self, dump)
		aliases = dump_rows(dump, "contact_aliases")
		self.assertEqual([a[1] for a in aliases], [old.wa_id], aliases)
		contact = [c for c in dump_rows(dump, "contacts") if c[1] == new]
		self.assertEqual(aliases[0][2], contact[0][0])

		self.relay.database = self.pg.new_database()
		self.relay.write_config()
		p = cli(self.relay, "import", stdin=dump)
		self.assertEqual(p.returncode, 0, p.stderr)
		self.assertIn("imported %d rows" % n, p.stderr)
		p = cli(self.relay, "export")
		self.assertEqual(p.returncode, 0, p.stderr)
		self.assertEqual(dump_rows(p.stdout, "contact_aliases"), aliases)
		pg_dump = p.stdout

		# The moved relay still knows the old number as the customer.
		self.relay.start(write=False)
		self.fake.set_relay_url(self.relay.url)
		self.assertEqual(self._say(alice, old, "old number, after"), conv)
		self.assertEqual(self.relay.stop(), 0, self.relay.log_tail())

		# And back: PostgreSQL's dump into a new SQLite database.
		self.relay.database = "back.db"
		self.relay.write_config()
		p = cli(self.relay, "import", stdin=pg_dump)
		self.assertEqual(p.returncode, 0, p.stderr)
		p = cli(self.relay, "export")
		self.assertEqual(p.returncode, 0, p.stderr)
		self.assertEqual(dump_rows(p.stdout, "contact_aliases"), aliases)
		# A target that holds only a former identifier is not empty.
		self.relay.database = "spare.db"
		self.relay.write_config()
		self.assertEqual(cli(self.relay, "migrate").returncode, 0)
		db = sqlite3.connect(os.path.join(self.relay.dir, "spare.db"))
		db.execute("INSERT INTO contact_aliases VALUES('wa_id', '1', 1)")
		db.commit()
		db.close()
		p = cli(self.relay, "import", stdin=pg_dump)
		self.assertNotEqual(p.returncode, 0)
		self.assertIn("not empty", p.stderr)

	def test_database_from_before_the_aliases_exports(self):
		self.assertEqual(self.relay.stop(), 0)
		# An SQLite file of schema 1 that this relay never opened.
		os.unlink(self.relay.db)
		db = sqlite3.connect(self.relay.db)
		with open(os.path.join(searchlog.FIXTURES, "relay-v1.sql")) as fp:
			db.executescript(fp.read())
		self.assertEqual(db.execute("SELECT COUNT(*) FROM sqlite_master "
		    "WHERE name = 'contact_aliases'").fetchone()[0], 0)
		events = db.execute("SELECT COUNT(*) FROM events").fetchone()[0]
		db.close()
		p = cli(self.relay, "export")
		self.assertEqual(p.returncode, 0, p.stderr)
		n = dump_checked(self, p.stdout)
		self.assertEqual(len(dump_rows(p.stdout, "events")), events)
		self.assertEqual(dump_rows(p.stdout, "contact_aliases"), [])

		# PostgreSQL at schema 4, before the table: the same rows.
		uri = self.pg.new_database()
		self.relay.database = uri
		self.relay.write_config()
		p = cli(self.relay, "import", stdin=p.stdout)
		self.assertEqual(p.returncode, 0, p.stderr)
		dbname = uri.split("/")[3].split("?")[0]
		self.pg.psql("DROP TABLE contact_aliases; UPDATE meta SET value = "
		    "'4' WHERE key = 'schema'", dbname)
		p = cli(self.relay, "export")
		self.assertEqual(p.returncode, 0, p.stderr)
		self.assertEqual(dump_checked(self, p.stdout), n)
		self.assertEqual(dump_rows(p.stdout, "contact_aliases"), [])

	def test_password_in_uri_refused(self):
		self.assertEqual(self.relay.stop(), 0)
		base = self.pg.new_database()
		self.relay.database = base.replace("ttydesk@", "ttydesk:hunter2@")
		self.relay.write_config()
		p = subprocess.run([relayproc.relay_binary(), "--config",
		    self.relay.config_path], capture_output=True, text=True,
		    timeout=60)
		self.assertNotEqual(p.returncode, 0)
		self.assertIn("pgpass", p.stderr)
		self.assertNotIn("hunter2", p.stderr)
		self.relay.database = base + "&password=hunter2"
		self.relay.write_config()
		p = cli(self.relay, "migrate")
		self.assertNotEqual(p.returncode, 0)
		self.assertIn("password", p.stderr)
		self.assertNotIn("hunter2", p.stderr)

	def test_unreachable_database_is_a_clear_error(self):
		self.assertEqual(self.relay.stop(), 0)
		self.relay.database = "postgresql://ttydesk@/nope?host=%s&port=%d" \
		    % (self.pg.dir, self.pg.port)
		self.relay.write_config()
		p = cli(self.relay, "migrate")
		self.assertNotEqual(p.returncode, 0)
		self.assertIn("cannot connect", p.stderr)


if __name__ == "__main__":
	unittest.main(verbosity=2)
