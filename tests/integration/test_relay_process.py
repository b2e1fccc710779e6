#!/usr/bin/env python3
"""The relay as a program (relay-api.md, "Running the relay"): secrets
files must be 0600, relative paths follow the config file, add-agent,
clean stop on SIGTERM/SIGINT, and no secret or message text in its log."""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
    "..", "pylib"))
from harness import RelayWorld, AgentClient, wp, unique_phone  # noqa: E402
import relayproc  # noqa: E402


class Process(unittest.TestCase):

	def setUp(self):
		self.world = RelayWorld(status_delays=(0.05, 0.1, 0.15))
		self.relay = self.world.relay
		self.fake = self.world.fake

	def tearDown(self):
		try:
			self.world.close()
		finally:
			self.relay.cleanup()

	def _refuses(self, path):
		self.assertEqual(self.relay.stop(), 0)
		self.relay.write_config()
		os.chmod(path, 0o644)
		p = subprocess.Popen([relayproc.relay_binary(), "--config",
		    self.relay.config_path], stdout=subprocess.DEVNULL,
		    stderr=subprocess.PIPE, text=True, cwd=self.relay.dir)
		relayproc._LIVE.add(p)
		try:
			_, err = p.communicate(timeout=30)
		except subprocess.TimeoutExpired:
			p.kill()
			p.communicate()
			self.fail("relay runs with a world-readable secret file")
		finally:
			relayproc._LIVE.discard(p)
		self.assertNotEqual(p.returncode, 0, "relay started with a "
		    "world-readable secret file")
		self.assertTrue(err.strip(), "refused without saying why")
		self.assertNotIn(self.relay.app_secret, err)
		self.assertNotIn(self.relay.access_token, err)

	def test_refuses_world_readable_app_secret(self):
		self._refuses(os.path.join(self.relay.dir, "secrets",
		    "app_secret"))

	def test_refuses_world_readable_access_token(self):
		self._refuses(os.path.join(self.relay.dir, "secrets",
		    "access_token"))

	def test_missing_config_fails(self):
		p = subprocess.run([relayproc.relay_binary(), "--config",
		    os.path.join(self.relay.dir, "nope.conf")],
		    capture_output=True, text=True, timeout=60)
		self.assertNotEqual(p.returncode, 0)
		self.assertTrue(p.stderr.strip())

	def test_relative_paths_follow_config_folder(self):
		self.assertEqual(self.relay.stop(), 0)
		elsewhere = tempfile.mkdtemp(prefix="ttydesk-cwd-")
		self.addCleanup(shutil.rmtree, elsewhere, True)
		os.remove(self.relay.db)
		self.relay.cwd = elsewhere
		self.relay.start()
		self.fake.set_relay_url(self.relay.url)
		c = self.fake.customer(unique_phone(), None, "Cwd")
		_, code = self.fake.customer_message(c, "text")
		self.assertEqual(code, 200)
		self.assertTrue(os.path.exists(self.relay.db))
		self.assertFalse(os.path.exists(os.path.join(elsewhere,
		    "relay.db")))

	def test_add_agent(self):
		self.assertEqual(self.relay.stop(), 0)
		p = self.relay.run_cli("add-agent", "--config",
		    self.relay.config_path, "carol", "--name", "Carol Li",
		    "--teams", "tier2,billing")
		self.assertEqual(p.returncode, 0, p.stderr)
		with open(self.relay.config_path, encoding="utf-8") as fp:
			conf = fp.read()
		self.assertIn("[agent carol]", conf)
		sec = conf[conf.index("[agent carol]"):]
		m = re.search(r"token_sha256\s*=\s*([0-9a-f]{64})", sec)
		self.assertTrue(m, sec)
		token = [w for w in p.stdout.split() if relayproc.sha256_hex(w)
		    == m.group(1)]
		self.assertEqual(len(token), 1, "token not printed (once)")
		self.assertNotIn(token[0], conf)
		# The relay keeps the other agents and knows carol.
		self.relay.start(write=False)
		r = AgentClient(self.relay.url, token[0]).me()
		self.assertEqual(r.status, 200, r)
		self.assertEqual(r.data["agent"]["id"], "carol")
		self.assertEqual(r.data["agent"]["name"], "Carol Li")
		self.assertEqual(sorted(r.data["agent"]["teams"]),
		    ["billing", "tier2"])
		self.assertEqual(self.world.agent("alice").me().status, 200)

	def test_add_agent_tokens_differ(self):
		self.assertEqual(self.relay.stop(), 0)
		outs = []
		for aid in ("dan", "eve"):
			p = self.relay.run_cli("add-agent", "--config",
			    self.relay.config_path, aid, "--name", aid.title(),
			    "--teams", "tier1")
			self.assertEqual(p.returncode, 0, p.stderr)
			outs.append(p.stdout)
		with open(self.relay.config_path, encoding="utf-8") as fp:
			hashes = re.findall(r"token_sha256\s*=\s*([0-9a-f]{64})",
			    fp.read())
		self.assertEqual(len(hashes), len(set(hashes)))
		self.assertEqual(len(hashes), 4)

	def test_migrate_sqlite(self):
		# relay-api.md: `ttydesk-relay migrate --config PATH` creates or
		# upgrades the schema (both backends).
		self.assertEqual(self.relay.stop(), 0)
		os.remove(self.relay.db)
		for _ in range(2):   # creating, then upgrading a current one
			p = self.relay.run_cli("migrate", "--config",
			    self.relay.config_path)
			self.assertEqual(p.returncode, 0, p.stderr)
			self.assertTrue(os.path.exists(self.relay.db))
		self.relay.start(write=False)
		self.fake.set_relay_url(self.relay.url)
		c = self.fake.customer(unique_phone(), None, "Migrated")
		m, code = self.fake.customer_message(c, "text")
		self.assertEqual(code, 200)
		evs = self.world.agent("alice").all_events(0)
		self.assertEqual([e["message"]["id"] for e in evs
		    if e["type"] == "message"], [m["id"]])
		self.assertEqual(self.relay.stop(), 0)
		p = self.relay.run_cli("migrate", "--config",
		    self.relay.config_path)
		self.assertEqual(p.returncode, 0, p.stderr)
		self.relay.start(write=False)
		evs2 = self.world.agent("alice").all_events(0)
		self.assertEqual(evs2, evs, "migrate lost or changed events")

	def test_sigint_clean(self):
		self.relay.proc.send_signal(signal.SIGINT)
		self.assertEqual(self.relay.proc.wait(30), 0,
		    self.relay.log_tail())
		relayproc._LIVE.discard(self.relay.proc)
		self.relay.proc = None

	def test_sigterm_finishes_inflight_longpoll(self):
		alice = self.world.agent("alice")
		last = alice.sync(0, limit=5000, wait=0).data["next"]
		box = {}
		th = threading.Thread(target=lambda: box.update(
		    r=alice.sync(last, wait=20)))
		th.start()
		time.sleep(0.5)
		t0 = time.monotonic()
		code = self.relay.stop(timeout=40)
		th.join(40)
		self.assertEqual(code, 0, self.relay.log_tail())
		self.assertIn("r", box, "long-poll got no answer")
		self.assertEqual(box["r"].status, 200, box["r"])
		self.assertLess(time.monotonic() - t0, 35)

	def test_log_has_no_secrets_or_texts(self):
		alice = self.world.agent("alice")
		hooks = self.world.hooks()
		c = self.fake.customer(unique_phone(), None, "Privacy Person")
		m, code = self.fake.customer_message(c, "text",
		    text="CUSTOMER-SECRET-TEXT-4711")
		self.assertEqual(code, 200)
		evs = alice.all_events(0)
		conv = [e for e in evs if e["type"] == "message"][0]["conversation"]
		self.assertEqual(alice.send_text(conv, "AGENT-REPLY-TEXT-0815")
		    .status, 202)
		self.assertEqual(alice.note(conv, "AGENT-NOTE-TEXT-0042").status,
		    201)
		self.assertEqual(alice.escalate(conv, "tier2",
		    "ESCALATION-REASON-99").status, 200)
		self.fake.wait_for(lambda f: f.accepted_sends())
		hooks.verify("subscribe", self.relay.verify_token, "77")
		AgentClient(self.relay.url, "WRONG-TOKEN-123456").me()
		hooks.post(b"{}", signature="sha256=" + "ab" * 32)
		n_requests = 8
		time.sleep(0.5)
		self.assertEqual(self.relay.stop(), 0)
		log = self.relay.log_text()
		secrets = [self.relay.app_secret, self.relay.access_token,
		    self.relay.verify_token, "WRONG-TOKEN-123456",
		    "CUSTOMER-SECRET-TEXT-4711", "AGENT-REPLY-TEXT-0815",
		    "AGENT-NOTE-TEXT-0042", "ESCALATION-REASON-99",
		    "Privacy Person"]
		secrets += [a.token for a in self.relay.agents.values()]
		for s in secrets:
			self.assertNotIn(s, log)
		lines = [l for l in log.splitlines() if not l.startswith("----")]
		self.assertGreaterEqual(len(lines), n_requests,
		    "expected one log line per request:\n" + log)


if __name__ == "__main__":
	unittest.main(verbosity=2)
