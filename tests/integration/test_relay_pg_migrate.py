#!/usr/bin/env python3
"""PostgreSQL backend selection, `migrate`, and moving an SQLite log to
PostgreSQL with `export` / `import`: the moved relay serves the same
events, continues the seq and conversation ids, and refuses what it must
(a password in the URI, a non-empty target, a cut dump)."""

import os
import re
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
    "..", "pylib"))
from harness import RelayWorld, unique_phone  # noqa: E402
from agentapi import wait_until  # noqa: E402
import pgcluster  # noqa: E402
import relayproc  # noqa: E402


def cli(relay, *args, stdin=None):
	return subprocess.run([relayproc.relay_binary()] + list(args) +
	    ["--config", relay.config_path], input=stdin, capture_output=True,
	    text=True, timeout=120)


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
