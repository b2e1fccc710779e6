#!/usr/bin/env python3
"""Running a relay day to day, through the real binary (relay-api.md,
"Operating the relay"): add-agent checks ids as the loader does,
rotate-token, remove-agent and list-agents, SIGHUP without dropping
connections, warnings for unknown keys, the event log's log_id and an
`after` past the head, and `backup` while webhooks flow."""

import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
    "..", "pylib"))
from harness import AgentClient, RelayWorld, main, unique_phone  # noqa: E402
from harness import wait_until  # noqa: E402
import pgcluster  # noqa: E402
import relayproc  # noqa: E402


class Admin(unittest.TestCase):

	def setUp(self):
		self.world = RelayWorld()
		self.relay = self.world.relay
		self.fake = self.world.fake
		self.addCleanup(self.world.close)

	def cli(self, *args):
		return self.relay.run_cli(*args)

	def conf(self):
		with open(self.relay.config_path, encoding="utf-8") as fp:
			return fp.read()

	def hup(self, what):
		before = self.relay.log_text().count(what)
		self.relay.proc.send_signal(signal.SIGHUP)
		wait_until(lambda: self.relay.log_text().count(what) > before, 10,
		    what=what)

	def test_add_agent_refuses_what_the_loader_refuses(self):
		before = self.conf()
		for bad in ("bob@x", "a b", "x" * 65, "", "ü", "a/b"):
			p = self.cli("add-agent", "--config", self.relay.config_path,
			    bad, "--name", "Bob")
			self.assertEqual(p.returncode, 2, (bad, p.stderr))
			self.assertEqual(p.stdout, "")
		p = self.cli("add-agent", "--config=" + self.relay.config_path,
		    "bob2", "--name", "Bob", "--teams", "tier1,bad team")
		self.assertEqual(p.returncode, 2, p.stderr)
		self.assertEqual(self.conf(), before)
		# What it accepts, the relay starts with.
		p = self.cli("add-agent", "--config=" + self.relay.config_path,
		    "bob.n-2_x", "--name", "Bob N", "--teams", "tier1")
		self.assertEqual(p.returncode, 0, p.stderr)
		self.relay.stop()
		self.relay.start(write=False)
		self.assertEqual(AgentClient(self.relay.url,
		    p.stdout.strip()).me().status, 200)

	@staticmethod
	def long_poll(agent, wait):
		"""A /v1/sync waiting in another thread: (thread, result dict
		that gets "r")."""
		seq = agent.sync(0).data["next"]
		res = {}
		t = threading.Thread(target=lambda: res.update(r=agent.sync(seq,
		    wait=wait)))
		t.start()
		time.sleep(0.5)
		return t, res

	def test_rotate_remove_list_with_sighup(self):
		alice = self.world.agent("alice")
		old = self.relay.agents["alice"].token
		# A long-poll in flight across the reload keeps its connection.
		t, res = self.long_poll(alice, 6)
		p = self.cli("rotate-token", "--config", self.relay.config_path,
		    "alice")
		self.assertEqual(p.returncode, 0, p.stderr)
		lines = p.stdout.splitlines()
		self.assertEqual(len(lines), 1, "only the token on stdout")
		new = lines[0]
		self.assertRegex(new, r"^[0-9a-f]{64}$")
		conf = self.conf()
		self.assertIn("token_sha256 = " + relayproc.sha256_hex(new), conf)
		self.assertNotIn(relayproc.sha256_hex(old), conf)
		self.assertNotIn(new, conf)
		self.assertIn("# written by tests/pylib/relayproc.py", conf)
		self.hup("agents reloaded")
		self.assertEqual(AgentClient(self.relay.url, old).me().status, 401)
		self.assertEqual(AgentClient(self.relay.url, new).me().status, 200)
		t.join()
		self.assertEqual(res["r"].status, 200, "long-poll dropped by HUP")
		# list-agents: id, name, teams; no hashes.
		p = self.cli("list-agents", "--config", self.relay.config_path)
		self.assertEqual(p.returncode, 0, p.stderr)
		self.assertEqual(p.stdout.splitlines(), [
		    "alice\tAlice Moreau\ttier1,tier2", "bob\tBob Nakamura\ttier1"])
		p = self.cli("remove-agent", "--config", self.relay.config_path,
		    "bob")
		self.assertEqual(p.returncode, 0, p.stderr)
		self.assertNotIn("[agent bob]", self.conf())
		self.assertIn("[agent alice]", self.conf())
		self.hup("agents reloaded")
		bob = self.relay.agents["bob"].token
		self.assertEqual(AgentClient(self.relay.url, bob).me().status, 401)
		p = self.cli("remove-agent", "--config", self.relay.config_path,
		    "bob")
		self.assertEqual(p.returncode, 1)
		p = self.cli("rotate-token", "--config", self.relay.config_path,
		    "nobody")
		self.assertEqual((p.returncode, p.stdout), (1, ""))

	def test_agent_section_twice(self):
		"""[agent bob] twice (a hand edit): the loader merges the two
		(the last token_sha256 counts), so rotate-token and
		remove-agent, which edit one section, refuse instead of
		leaving the token that counts; list-agents lists bob once."""
		bob = self.relay.agents["bob"]
		with open(self.relay.config_path, "a") as fp:
			fp.write("\n[agent bob]\ntoken_sha256 = %s\n" %
			    relayproc.sha256_hex(bob.token))
		before = self.conf()
		for cmd in ("rotate-token", "remove-agent"):
			p = self.cli(cmd, "--config", self.relay.config_path, "bob")
			self.assertEqual((p.returncode, p.stdout), (1, ""), cmd)
			self.assertIn("more than once", p.stderr)
			self.assertEqual(self.conf(), before)
		p = self.cli("list-agents", "--config", self.relay.config_path)
		self.assertEqual([l.split("\t")[0] for l in p.stdout.splitlines()],
		    ["alice", "bob"])

	def test_sighup_reloads_the_secrets(self):
		relay, fake = self.relay, self.fake
		alice = self.world.agent("alice")
		c = fake.customer(unique_phone(), None, "S")
		self.assertEqual(fake.customer_message(c, "text")[1], 200)
		conv = [e for e in alice.all_events(0) if e.get("type") ==
		    "message"][-1]["conversation"]
		old_secret, old_vt = relay.app_secret, relay.verify_token
		relay.app_secret = "new-secret-" + old_secret
		relay.access_token = "EAAGnew" + relay.access_token
		relay.verify_token = "new-vt-" + old_vt
		relay.write_config()
		self.hup("agents reloaded")
		# Webhooks signed with the old secret are refused now.
		self.assertEqual(fake.customer_message(c, "text")[1], 401)
		fake.app_secret = relay.app_secret
		self.assertEqual(fake.customer_message(c, "text")[1], 200)
		hooks = self.world.hooks()
		self.assertEqual(hooks.verify("subscribe", old_vt, "c").status,
		    403)
		r = hooks.verify("subscribe", relay.verify_token, "c9")
		self.assertEqual((r.status, r.body), (200, b"c9"))
		# Sends carry the new access token (the fake answers 190 to
		# any other).
		fake.access_token = relay.access_token
		text = "after the token changed %d" % time.time_ns()
		r = alice.send_text(conv, text)
		self.assertEqual(r.status, 202, r)
		fake.wait_for(lambda f: [x for x in f.accepted_sends() if
		    ((x.get("body") or {}).get("text") or {}).get("body") ==
		    text], 30)
		self.assertNotIn(relay.access_token, relay.log_text())
		self.assertNotIn(relay.app_secret, relay.log_text())

	def test_sighup_reloads_teams_and_numbers(self):
		"""A team and a number added to the file are served after
		SIGHUP, while a long-poll stays connected: webhooks to the new
		number are stored under it and replies go out with its token."""
		self.world.close()
		de, fr = "106540352242922", "106540352242955"
		self.world = RelayWorld(relay_kw={"extra_config":
		    "\n[number support-de]\nphone_number_id = %s\n"
		    "display_phone_number = +49 30 1234567\n" % de})
		self.relay, self.fake = self.world.relay, self.world.fake
		relay, fake = self.relay, self.fake
		alice = self.world.agent("alice")
		me = alice.me().data
		self.assertEqual([n["id"] for n in me["numbers"]], ["support-de"])
		self.assertNotIn("returns", [t["id"] for t in me["teams"]])
		tok = "EAAGfr" + os.urandom(12).hex()
		tokfile = os.path.join(relay.dir, "secrets", "tok-fr")
		relayproc.write_secret(tokfile, tok)
		fake.add_number(fr, tok, "33123456789")
		c = fake.customer(unique_phone(), None, "Nadia")
		m, code = fake.customer_message(c, "text", phone_number_id=fr)
		self.assertEqual(code, 200)
		self.assertEqual([e for e in alice.all_events(0) if
		    e.get("type") == "message" and e["message"]["id"] == m["id"]],
		    [], "a number nobody configured was stored")
		t, res = self.long_poll(alice, 8)
		relay.extra_config += ("\n[number support-fr]\nphone_number_id = "
		    "%s\ndisplay_phone_number = +33 1 23456789\n"
		    "access_token_file = %s\n\n[team returns]\nname = Returns\n"
		    % (fr, tokfile))
		relay.write_config()
		self.hup("agents reloaded")
		me = alice.me().data
		self.assertEqual([n["id"] for n in me["numbers"]],
		    ["support-de", "support-fr"])
		self.assertIn({"id": "returns", "name": "Returns"},
		    [{"id": x["id"], "name": x["name"]} for x in me["teams"]])
		m, code = fake.customer_message(c, "text", phone_number_id=fr)
		self.assertEqual(code, 200)
		t.join()
		self.assertEqual(res["r"].status, 200, "long-poll dropped by HUP")
		ev = [e for e in alice.all_events(0) if e.get("type") == "message"
		    and e["message"]["id"] == m["id"]]
		self.assertEqual(len(ev), 1, "the new number's webhook not stored")
		conv = ev[0]["conversation"]
		states = [e["state"] for e in alice.all_events(0) if
		    e.get("type") == "conversation" and e["conversation"] == conv]
		self.assertEqual(states[-1].get("number"), "support-fr")
		# Escalating to the new team works; a reply uses fr's token.
		r = alice.escalate(conv, "returns", "a parcel back")
		self.assertEqual(r.status, 200, r)
		text = "from the new number %d" % time.time_ns()
		r = alice.send_text(conv, text)
		self.assertEqual(r.status, 202, r)
		sent = fake.wait_for(lambda f: [x for x in f.accepted_sends() if
		    ((x.get("body") or {}).get("text") or {}).get("body") ==
		    text], 30)
		self.assertTrue(sent)

	def test_help_and_usage(self):
		for cmd in ("add-agent", "rotate-token", "remove-agent",
		    "list-agents", "backup", "migrate", "export", "import",
		    "report"):
			for h in ("-h", "--help"):
				p = self.cli(cmd, h)
				self.assertEqual(p.returncode, 0, (cmd, h, p.stderr))
				self.assertIn("usage:", p.stdout)
			p = self.cli(cmd)
			self.assertEqual(p.returncode, 2, cmd)
			self.assertIn("usage:", p.stderr)
		# --config=PATH as well as --config PATH.
		conf = "--config=" + self.relay.config_path
		for args in (("list-agents", conf), ("migrate", conf),
		    ("report", conf, "--from", "2026-01-01", "--to",
		    "2026-01-02")):
			p = self.cli(*args)
			self.assertEqual(p.returncode, 0, (args, p.stderr))

	def test_unknown_keys_warn_with_their_line(self):
		self.relay.stop()
		self.relay.relay_options["max_bodyy"] = "5"
		self.relay.extra_config = "\n[whatsap]\nverify_token = x\n"
		self.relay.start()
		lines = self.conf().splitlines()
		n = lines.index("max_bodyy = 5") + 1
		log = self.relay.log_text()
		self.assertRegex(log, r"<4>\S+ event=config_unknown_key file=\S+ "
		    r"line=%d section=\"relay\" key=\"max_bodyy\"" % n)
		n = lines.index("[whatsap]") + 2
		self.assertRegex(log, r"<4>\S+ event=config_unknown_section file=\S+ "
		    r"line=%d section=\"whatsap\"" % n)
		self.assertNotIn('key="listen"', log)

	def refused(self):
		p = self.cli("--config", self.relay.config_path)
		self.assertNotEqual(p.returncode, 0, "relay started")
		return p.stderr

	def test_config_and_hook_others_can_write_are_refused(self):
		self.relay.stop()
		os.chmod(self.relay.config_path, 0o666)
		err = self.refused()
		self.assertIn("chmod go-w", err)
		self.assertIn(self.relay.config_path, err)
		os.chmod(self.relay.config_path, 0o644)
		hook = os.path.join(self.relay.dir, "hook.sh")
		with open(hook, "w") as fp:
			fp.write("#!/bin/sh\ncat >/dev/null\n")
		os.chmod(hook, 0o777)
		with open(self.relay.config_path, "a") as fp:
			fp.write("\n[escalation]\ncommand = hook.sh\n")
		err = self.refused()
		self.assertIn("[escalation] command", err)
		self.assertIn("0777", err)
		os.chmod(hook, 0o755)
		if os.geteuid() == 0:
			# Owned by another user (not root): refused as ssh does,
			# the configuration and the command alike.
			os.chown(hook, 65534, 65534)
			err = self.refused()
			self.assertIn("[escalation] command", err)
			self.assertIn("owned by uid 65534", err)
			os.chown(hook, 0, 0)
			os.chown(self.relay.config_path, 65534, 65534)
			err = self.refused()
			self.assertIn("owned by uid 65534", err)
			self.assertIn(self.relay.config_path, err)
			os.chown(self.relay.config_path, 0, 0)
		self.relay.start(write=False)
		self.assertTrue(self.relay.running())

	def test_log_id_and_after_past_the_head(self):
		alice = self.world.agent("alice")
		c = self.fake.customer(unique_phone(), None, "L")
		self.assertEqual(self.fake.customer_message(c, "text")[1], 200)
		r = alice.sync(0)
		log_id = r.data["log_id"]
		self.assertRegex(log_id, r"^[0-9a-f]{32}$")
		head = r.data["next"]
		self.assertGreater(head, 0)
		# Same id on every answer and across a restart.
		self.assertEqual(alice.sync(head).data["log_id"], log_id)
		self.world.restart()
		alice = self.world.agent("alice")
		self.assertEqual(alice.sync(0).data["log_id"], log_id)
		# After beyond the head: answered at once; next stays after (the
		# contract), "head" says where the log ends.
		t0 = time.monotonic()
		r = alice.sync(head + 1000, wait=10)
		self.assertLess(time.monotonic() - t0, 5)
		self.assertEqual(r.status, 200)
		self.assertEqual((r.data["events"], r.data["next"], r.data["head"]),
		    ([], head + 1000, head))
		self.assertEqual(r.data["log_id"], log_id)
		self.assertNotIn("head", alice.sync(head).data)

	@unittest.skipIf(pgcluster.wanted(), "SQLite backup")
	def test_backup_while_webhooks_flow_and_restore(self):
		alice = self.world.agent("alice")
		stop = threading.Event()
		codes = []

		def flow():
			while not stop.is_set():
				c = self.fake.customer(unique_phone(), None, "B")
				codes.append(self.fake.customer_message(c, "text")[1])
		t = threading.Thread(target=flow)
		t.start()
		try:
			time.sleep(1.0)
			copy = os.path.join(self.relay.dir, "copy.db")
			p = self.cli("backup", "--config", self.relay.config_path,
			    copy)
			self.assertEqual(p.returncode, 0, p.stderr)
			time.sleep(0.5)
		finally:
			stop.set()
			t.join()
		self.assertTrue(codes and set(codes) == {200}, codes[:10])
		live = alice.all_events(0)
		log_id = alice.sync(0).data["log_id"]
		db = sqlite3.connect(copy)
		rows = db.execute("SELECT seq, body FROM events ORDER BY seq"
		    ).fetchall() if self._has_body(db) else db.execute(
		    "SELECT seq FROM events ORDER BY seq").fetchall()
		self.assertEqual(db.execute("PRAGMA integrity_check").fetchone(),
		    ("ok",))
		db.close()
		seqs = [r[0] for r in rows]
		self.assertTrue(seqs, "empty backup")
		self.assertLess(len(seqs), len(live), "webhooks did not flow "
		    "after the backup")
		# A prefix: seqs 1..n of the live log, nothing else.
		self.assertEqual(seqs, [e["seq"] for e in live][:len(seqs)])
		# The file exists now: a second backup to it is refused.
		p = self.cli("backup", "--config", self.relay.config_path, copy)
		self.assertEqual(p.returncode, 1)
		# Restore: the relay runs on the copy; the log has a new id
		# and agents see its head.
		self.relay.stop()
		os.replace(copy, self.relay.db)
		for ext in ("-wal", "-shm"):
			if os.path.exists(self.relay.db + ext):
				os.remove(self.relay.db + ext)
		self.world.restart()
		alice = self.world.agent("alice")
		r = alice.sync(0)
		self.assertNotEqual(r.data["log_id"], log_id)
		restored = r.data["log_id"]
		r = alice.sync(live[-1]["seq"])
		self.assertEqual((r.data["next"], r.data["head"]),
		    (live[-1]["seq"], seqs[-1]))
		# The new id stays for later starts.
		self.world.restart()
		self.assertEqual(self.world.agent("alice").sync(0).data["log_id"],
		    restored)

	@staticmethod
	def _has_body(db):
		cols = [r[1] for r in db.execute("PRAGMA table_info(events)")]
		return "body" in cols


@unittest.skipUnless(pgcluster.available(), "PostgreSQL not installed")
class PgRestore(unittest.TestCase):
	"""docs/operations.md's PostgreSQL restore, step by step: pg_dump,
	pg_restore into an empty database, the restore_pending mark.  The
	relay on the restored database has the same events under a new
	log_id, and keeps that id."""

	def test_pg_dump_restore_and_mark(self):
		pg = pgcluster.shared()
		src = pg.new_database()
		world = RelayWorld(relay_kw={"database": src})
		self.addCleanup(world.close)
		relay, fake = world.relay, world.fake
		c = fake.customer(unique_phone(), None, "Pia")
		self.assertEqual(fake.customer_message(c, "text")[1], 200)
		alice = world.agent("alice")
		log_id = alice.sync(0).data["log_id"]
		live = [(e["seq"], e["type"]) for e in alice.all_events(0)]
		self.assertTrue(live)
		dump = os.path.join(relay.dir, "relay.dump")
		tool = os.path.join(pgcluster.bin_dir(), "%s")
		subprocess.run([tool % "pg_dump", "--format=custom",
		    "--file=" + dump, src], check=True, capture_output=True)
		dst = pg.new_database()
		subprocess.run([tool % "pg_restore", "--dbname=" + dst, dump],
		    check=True, capture_output=True)
		pg.psql("INSERT INTO meta(key, value) VALUES('restore_pending', "
		    "'1') ON CONFLICT (key) DO UPDATE SET value = '1'",
		    dst.split("/")[3].split("?")[0])
		relay.stop()
		relay.database = dst
		relay.start()
		fake.set_relay_url(relay.url)
		alice = world.agent("alice")
		restored = alice.sync(0).data["log_id"]
		self.assertNotEqual(restored, log_id)
		self.assertEqual([(e["seq"], e["type"]) for e in
		    alice.all_events(0)], live)
		world.restart()
		self.assertEqual(world.agent("alice").sync(0).data["log_id"],
		    restored)


if __name__ == "__main__":
	main()
