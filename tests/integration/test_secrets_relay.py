#!/usr/bin/env python3
"""The relay's secrets and its agents' isolation, from outside:

* an agent's token is revoked without a restart (remove its section,
  SIGHUP: 401 at once, the others unaffected), a new agent added with
  `add-agent` works after SIGHUP, and a broken config on SIGHUP keeps the
  old agents (and says so in the log);
* failed authentication is rate-limited per address: after
  auth_fail_limit wrong tokens, 429 with Retry-After for every token (the
  right one too, so a lucky guess does not stand out), webhooks are not
  affected, and the right token works again when the window has passed;
  the default limit leaves ordinary mistakes alone;
* no core dump: RLIMIT_CORE is 0 in the running relay, and a SIGABRT
  leaves no core file although a control process in the same conditions
  leaves one; the report of a SIGSEGV holds no secret or customer text;
* another Unix user (throwaway, useradd) cannot read the relay's event
  log (customer messages), its secrets or its config, even when the
  relay's folder is world-searchable and the umask is the usual 022;
* the wrong tokens tried, the Graph token and the app secret never reach
  the relay's log, argv or environment.
"""

import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "pylib"))
from harness import RelayWorld, unique_phone, wait_until  # noqa: E402
import relayproc  # noqa: E402


def note(text):
	sys.stderr.write("  [secrets] %s\n" % text)


def without_agent(config_text, agent_id):
	"""The config text minus the [agent agent_id] section."""
	out, skip = [], False
	for line in config_text.splitlines(keepends=True):
		s = line.strip()
		if s.startswith("["):
			skip = s == "[agent %s]" % agent_id
		if not skip:
			out.append(line)
	return "".join(out)


class WorldCase(unittest.TestCase):
	relay_kw = None

	def setUp(self):
		self.world = RelayWorld(relay_kw=self.relay_kw)
		self.relay = self.world.relay
		self.alice = self.world.agent("alice")
		self.bob = self.world.agent("bob")

	def tearDown(self):
		log = self.relay.log_text()
		code = self.world.close()
		self.assertIn(code, (0, None), "relay exit %s:\n%s" % (code,
		    log[-3000:]))

	def hup_and_wait(self, what):
		before = self.relay.log_text().count(what)
		self.relay.proc.send_signal(signal.SIGHUP)
		wait_until(lambda: self.relay.log_text().count(what) > before, 10,
		    what="the relay to log %r" % what)


class Revoke(WorldCase):

	def test_sighup_revokes_and_adds_without_restart(self):
		pid = self.relay.proc.pid
		self.assertEqual(self.bob.me().status, 200)
		# A long-poll of bob's in flight when he is revoked.
		with open(self.relay.config_path) as fp:
			text = fp.read()
		with open(self.relay.config_path, "w") as fp:
			fp.write(without_agent(text, "bob"))
		self.hup_and_wait("agents reloaded")
		r = self.bob.me()
		self.assertEqual(r.status, 401, r)
		self.assertEqual(r.error_code, "unauthorized", r)
		self.assertEqual(self.bob.sync(0).status, 401)
		self.assertEqual(self.alice.me().status, 200)
		self.assertEqual(self.relay.proc.pid, pid, "the relay restarted")

		# add-agent, then SIGHUP: the new token works at once.
		p = self.relay.run_cli("add-agent", "--config",
		    self.relay.config_path, "carol", "--name", "Carol Ng",
		    "--teams", "tier1")
		self.assertEqual(p.returncode, 0, p.stderr)
		token = p.stdout.strip()
		self.assertEqual(len(token), 64, p.stdout)
		from agentapi import AgentClient
		carol = AgentClient(self.relay.url, token)
		self.assertEqual(carol.me().status, 401, "active before SIGHUP")
		self.hup_and_wait("agents reloaded")
		r = carol.me()
		self.assertEqual(r.status, 200, r)
		self.assertEqual(r.data["agent"]["id"], "carol")
		# The token itself is not in the config, only its hash.
		with open(self.relay.config_path) as fp:
			self.assertNotIn(token, fp.read())
		self.assertNotIn(token, self.relay.log_text())

	def test_broken_config_on_sighup_keeps_agents(self):
		with open(self.relay.config_path) as fp:
			good = fp.read()
		with open(self.relay.config_path, "w") as fp:
			fp.write(without_agent(good, "bob") +
			    "\n[agent mallory]\nname = M\nteams = tier1\n"
			    "token_sha256 = not-hex\n")
		self.hup_and_wait("reload failed")
		self.assertTrue(self.relay.running())
		# Nothing changed: bob (removed in the broken file) still works.
		self.assertEqual(self.bob.me().status, 200)
		self.assertEqual(self.alice.me().status, 200)
		with open(self.relay.config_path, "w") as fp:
			fp.write(good)


class AuthLimit(WorldCase):
	relay_kw = {"extra_config":
	    "\n[relay]\nauth_fail_limit = 5\nauth_fail_window = 4s\n"}

	def test_wrong_tokens_get_429_then_recover(self):
		from agentapi import AgentClient
		bad = "wrong-token-%d-guess" % os.getpid()
		guesser = AgentClient(self.relay.url, bad)
		t0 = time.monotonic()
		for i in range(5):
			r = guesser.me()
			self.assertEqual(r.status, 401, "try %d: %r" % (i, r))
		r = guesser.me()
		self.assertEqual(r.status, 429, r)
		self.assertEqual(r.error_code, "too_many_attempts", r)
		ra = r.header("Retry-After")
		self.assertIsNotNone(ra, "429 without Retry-After")
		self.assertTrue(1 <= int(ra) <= 4, ra)
		# Blocked: every token from this address, the right one too,
		# on every agent route.
		self.assertEqual(self.alice.me().status, 429)
		self.assertEqual(self.alice.sync(0).status, 429)
		self.assertEqual(guesser.call("GET", "/v1/me", token="").status,
		    429)
		# Meta's webhooks are not agent requests: still taken.
		c = self.world.fake.customer(unique_phone(), None, "Blocked Time")
		m, code = self.world.fake.customer_message(c, "text",
		    text="while the agents are blocked")
		self.assertEqual(code, 200)
		# After the window: the right token works, the store was not
		# touched by the block.
		wait_until(lambda: self.alice.me().status == 200, 10,
		    what="the block to end")
		note("blocked for %.1f s (window 4 s)" % (time.monotonic() - t0))
		self.assertGreaterEqual(time.monotonic() - t0, 3.0)
		ids = [e["message"]["id"] for e in self.alice.all_events(0)
		    if e.get("type") == "message"]
		self.assertIn(m["id"], ids)
		# A fresh window: wrong tokens are 401 again, not 429.
		self.assertEqual(guesser.me().status, 401)
		log = self.relay.log_text()
		self.assertNotIn(bad, log, "a tried token reached the log")
		self.assertIn(" status=429 ", log)

	def test_default_limit_spares_ordinary_mistakes(self):
		# A relay without the keys: 30 wrong tokens are still plain
		# 401s (the contract), and the right token keeps working.
		r2 = relayproc.Relay(self.relay.graph_url)
		try:
			r2.start()
			from agentapi import AgentClient
			wrong = AgentClient(r2.url, "nope")
			for i in range(30):
				self.assertEqual(wrong.me().status, 401, i)
			ok = AgentClient(r2.url, r2.agents["alice"].token)
			self.assertEqual(ok.me().status, 200)
			# ... but a scan is stopped by the default (100/min).
			codes = [wrong.me().status for _ in range(80)]
			self.assertIn(429, codes, "no limit by default")
			self.assertEqual(codes.index(429), 70, codes)
		finally:
			self.assertEqual(r2.stop(), 0)
			r2.cleanup()


class AuthLimitBehindProxy(WorldCase):
	"""Behind a reverse proxy every agent has the proxy's address; with
	trusted_proxies the limit counts the address the proxy forwards."""
	relay_kw = {"extra_config":
	    "\n[relay]\nauth_fail_limit = 5\nauth_fail_window = 30s\n"
	    "trusted_proxies = 127.0.0.1, ::1\n"}

	def call(self, token, xff):
		from agentapi import request
		h = {"Authorization": "Bearer " + token}
		if xff is not None:
			h["X-Forwarded-For"] = xff
		return request(self.relay.url, "GET", "/v1/me", None, h)

	def test_a_guesser_blocks_only_itself(self):
		bad = "wrong-token-%d-proxy" % os.getpid()
		good = self.alice.token
		# The client made up an address; the proxy appended the real one.
		for i in range(5):
			r = self.call(bad, "10.66.0.%d, 203.0.113.7" % i)
			self.assertEqual(r.status, 401, "try %d: %r" % (i, r))
		self.assertEqual(self.call(bad, "203.0.113.7").status, 429)
		# The guesser's address is blocked for every token ...
		self.assertEqual(self.call(good, "203.0.113.7").status, 429)
		# ... the other agents behind the same proxy are not,
		self.assertEqual(self.call(good, "198.51.100.20").status, 200)
		self.assertEqual(self.call(good, "2001:db8::20").status, 200)
		# nor is the proxy itself.
		self.assertEqual(self.call(good, None).status, 200)

	def test_an_untrusted_peer_cannot_pick_its_address(self):
		r2 = relayproc.Relay(self.relay.graph_url, extra_config=
		    "\n[relay]\nauth_fail_limit = 5\nauth_fail_window = 30s\n")
		try:
			r2.start()
			from agentapi import request
			codes = [request(r2.url, "GET", "/v1/me", None, {
			    "Authorization": "Bearer nope", "X-Forwarded-For":
			    "192.0.2.%d" % i}).status for i in range(7)]
			self.assertEqual(codes, [401] * 5 + [429] * 2, codes)
		finally:
			self.assertEqual(r2.stop(), 0)
			r2.cleanup()

	def test_bad_trusted_proxies_stop_the_relay(self):
		r2 = relayproc.Relay(self.relay.graph_url, extra_config=
		    "\n[relay]\ntrusted_proxies = 127.0.0.1, proxy.local\n")
		try:
			with self.assertRaises(RuntimeError) as cm:
				r2.start(timeout=10)
			self.assertIn("trusted_proxies: 'proxy.local' is not an "
			    "address or network", str(cm.exception))
		finally:
			r2.cleanup()


class NoCoreDump(unittest.TestCase):
	"""core_pattern must write a file in the crashing process's folder
	for this to say anything; a control process proves it does."""

	def setUp(self):
		with open("/proc/sys/kernel/core_pattern") as fp:
			pattern = fp.read().strip()
		if pattern.startswith("|") or "/" in pattern:
			self.skipTest("core_pattern %r: cores do not land in the "
			    "process's folder" % pattern)
		self.old_core = resource.getrlimit(resource.RLIMIT_CORE)
		hard = self.old_core[1]
		resource.setrlimit(resource.RLIMIT_CORE, (hard, hard))
		if hard == 0:
			self.skipTest("hard RLIMIT_CORE is 0 here")
		# ASan builds turn core dumps off on their own; let them be,
		# so only the relay's own hardening is measured.
		self.old_asan = os.environ.get("ASAN_OPTIONS")
		os.environ["ASAN_OPTIONS"] = ((self.old_asan + ":")
		    if self.old_asan else "") + "disable_coredump=0"
		self.tmp = tempfile.mkdtemp(prefix="ttydesk-core-")

	def tearDown(self):
		resource.setrlimit(resource.RLIMIT_CORE, self.old_core)
		if self.old_asan is None:
			os.environ.pop("ASAN_OPTIONS", None)
		else:
			os.environ["ASAN_OPTIONS"] = self.old_asan
		subprocess.run(["rm", "-rf", self.tmp])

	def cores(self, d):
		return [f for f in os.listdir(d) if f.startswith("core")]

	def test_sigabrt_leaves_no_core(self):
		ctl = os.path.join(self.tmp, "control")
		os.mkdir(ctl)
		p = subprocess.Popen(["sleep", "60"], cwd=ctl)
		time.sleep(0.2)
		p.send_signal(signal.SIGABRT)
		p.wait(10)
		wait_until(lambda: self.cores(ctl), 10, what="the control's core")

		world = RelayWorld()
		relay = world.relay
		try:
			pid = relay.proc.pid
			with open("/proc/%d/limits" % pid) as fp:
				limits = fp.read()
			line = [l for l in limits.splitlines()
			    if l.startswith("Max core file size")][0]
			self.assertEqual(line.split()[4:6], ["0", "0"], line)
			c = world.fake.customer(unique_phone(), None, "Core Person")
			world.fake.customer_message(c, "text", text="in memory")
			relay.proc.send_signal(signal.SIGABRT)
			relay.proc.wait(20)
			self.assertEqual(relay.proc.returncode, -signal.SIGABRT)
			time.sleep(0.5)
			self.assertEqual(self.cores(relay.dir), [],
			    "the relay left a core dump (secrets in memory)")
			self.assertEqual(self.cores(os.getcwd()), [])
		finally:
			relay.proc = None
			world.close()


class CrashOutput(WorldCase):

	def test_segv_report_holds_no_secret(self):
		c = self.world.fake.customer(unique_phone(), None, "Crash Victim")
		marker = "crash-customer-text-%d" % os.getpid()
		self.world.fake.customer_message(c, "text", text=marker)
		self.relay.proc.send_signal(signal.SIGSEGV)
		self.relay.proc.wait(30)
		self.assertNotEqual(self.relay.proc.returncode, 0)
		log = self.relay.log_text()
		note("crash output: %d bytes, last line %r" % (len(log),
		    log.strip().splitlines()[-1][:100]))
		for v in [a.token for a in self.relay.agents.values()] + [
		    self.relay.access_token, self.relay.app_secret,
		    self.relay.verify_token, marker]:
			self.assertNotIn(v, log)
		self.relay.proc = None


class OtherUser(unittest.TestCase):
	"""Needs root (useradd/runuser); the user is removed afterwards."""

	def setUp(self):
		if os.geteuid() != 0:
			self.skipTest("useradd needs root")
		self.user = "ttydsec%d" % (os.getpid() % 100000)
		p = subprocess.run(["useradd", "-M", "-N", "-s",
		    "/usr/sbin/nologin", self.user], stdout=subprocess.PIPE,
		    stderr=subprocess.STDOUT)
		if p.returncode != 0:
			self.skipTest("useradd failed: %s" % p.stdout)
		self.old_umask = os.umask(0o022)
		self.world = None

	def tearDown(self):
		os.umask(self.old_umask)
		try:
			if self.world is not None:
				self.world.close()
		finally:
			subprocess.run(["userdel", self.user])

	def as_user(self, *cmd):
		return subprocess.run(["runuser", "-u", self.user, "--"] +
		    list(cmd), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
		    text=True, errors="replace")

	def test_other_user_reads_no_relay_file(self):
		self.world = RelayWorld()
		relay = self.world.relay
		c = self.world.fake.customer(unique_phone(), None, "Private")
		_, code = self.world.fake.customer_message(c, "text",
		    text="my iban is DE89 3704")
		self.assertEqual(code, 200)
		# A deployment folder others may enter, as /var/lib often is.
		os.chmod(relay.dir, 0o755)
		files = []
		for root, dirs, names in os.walk(relay.dir):
			for n in names:
				files.append(os.path.join(root, n))
		dbs = [f for f in files if os.path.basename(f).startswith(
		    "relay.db")]
		self.assertTrue(dbs, files)
		modes = {os.path.relpath(f, relay.dir): "%o" % (os.stat(f).st_mode
		    & 0o777) for f in files}
		note("relay files under umask 022: %s" % modes)
		for f in dbs + [os.path.join(relay.dir, "secrets", "access_token"),
		    os.path.join(relay.dir, "secrets", "app_secret")]:
			r = self.as_user("cat", f)
			self.assertNotEqual(r.returncode, 0, "%s read %s (mode %o)"
			    % (self.user, f, os.stat(f).st_mode & 0o777))
		r = self.as_user("sqlite3", "-readonly", dbs[0],
		    "select count(*) from sqlite_master")
		self.assertNotEqual(r.returncode, 0, r.stdout)
		self.assertTrue(self.world.agent("alice").me().status == 200)


class NothingInLogArgvEnv(WorldCase):

	def test_secrets_absent_after_failures_and_reload(self):
		# Harder than the happy path: wrong tokens, a bad signature,
		# a verify handshake with the real verify token, a reload.
		from agentapi import AgentClient, WebhookClient
		near = self.relay.agents["alice"].token[:-2] + "zz"
		AgentClient(self.relay.url, near).me()
		WebhookClient(self.relay.url, "wrong-secret").post(b'{"object":1}')
		r = self.world.hooks().verify("subscribe", self.relay.verify_token,
		    "12345")
		self.assertEqual(r.status, 200)
		self.relay.proc.send_signal(signal.SIGHUP)
		wait_until(lambda: "agents reloaded" in self.relay.log_text(), 10)
		pid = self.relay.proc.pid
		with open("/proc/%d/cmdline" % pid, "rb") as fp:
			argv = fp.read()
		with open("/proc/%d/environ" % pid, "rb") as fp:
			env = fp.read()
		log = self.relay.log_text().encode()
		secrets_ = {"near-miss token": near,
		    "verify token": self.relay.verify_token,
		    "Graph token": self.relay.access_token,
		    "app secret": self.relay.app_secret}
		for a in self.relay.agents.values():
			secrets_["token of " + a.id] = a.token
		for what, v in secrets_.items():
			v = v.encode()
			self.assertNotIn(v, argv, what + " in argv")
			self.assertNotIn(v, env, what + " in environ")
			self.assertNotIn(v, log, what + " in the log")


if __name__ == "__main__":
	unittest.main(verbosity=2)
