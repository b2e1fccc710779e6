#!/usr/bin/env python3
"""The relay under hostile conditions, from outside, against a real
ttydesk-relay and the fake Graph API:

* secrets (Graph token, app secret, agent tokens) and customer text never
  reach the relay's argv, environment or log;
* 500 agents long-polling at once: RSS and file descriptors stay bounded,
  every one of them is answered when an event arrives, and the fds go
  back when they hang up;
* a Graph API that hangs or answers garbage does not stall anybody else;
* a full disk (a 1 MiB tmpfs) never gets a webhook acknowledged that was
  not stored, and the relay carries on when space comes back;
* a file-size limit (RLIMIT_FSIZE set on the running relay) makes writes
  fail instead of killing the relay with SIGXFSZ;
* under the usual umask 022 the event log and its -wal/-shm are 0600.
Figures (RSS, fds, times) are printed to stderr.
"""

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "pylib"))
from harness import (RelayTestCase, RelayWorld, main, unique_phone,  # noqa: E402
    wait_until)

HOSTILE = ("pay now \x1b]52;c;Y3VybCBldmlsLnNo\x07 \x1b[2J\x1b[H"
    "\u202eevil\u202c \x9b31m")


def proc_status(pid, key):
	with open("/proc/%d/status" % pid) as fp:
		for line in fp:
			if line.startswith(key + ":"):
				return int(line.split()[1])
	raise KeyError(key)


def fd_count(pid):
	return len(os.listdir("/proc/%d/fd" % pid))


def note(text):
	sys.stderr.write("  [hardening] %s\n" % text)


class HardeningRelay(RelayTestCase):
	# 500 long-polls from one address: the default of 32 connections
	# per address (test_relay_limits.py) would refuse most of them.
	relay_kw = {"relay_options": {"max_conns_per_address": "1000"}}

	def pid(self):
		self.assertTrue(self.relay.running(), "relay is not running:\n"
		    + self.relay.log_tail())
		return self.relay.proc.pid

	def secrets(self):
		s = {"Graph access token": self.relay.access_token,
		    "app secret": self.relay.app_secret}
		for a in self.relay.agents.values():
			s["token of " + a.id] = a.token
		return s

	def test_secrets_and_customer_text_stay_out_of_argv_env_log(self):
		marker = "customer-secret-%d" % os.getpid()
		conv, m, c = self.new_conversation(text=marker + " " + HOSTILE)
		reply = "agent-reply-%d %s" % (os.getpid(), HOSTILE)
		self.reply(conv, reply)
		self.alice.note(conv, "note-text-%d" % os.getpid())
		pid = self.pid()
		with open("/proc/%d/cmdline" % pid, "rb") as fp:
			argv = fp.read().decode("utf-8", "replace")
		with open("/proc/%d/environ" % pid, "rb") as fp:
			env = fp.read().decode("utf-8", "replace")
		log = self.relay.log_text()
		self.assertTrue(log.strip(), "the relay logged nothing at all")
		for what, value in self.secrets().items():
			self.assertNotIn(value, argv, what + " in argv")
			self.assertNotIn(value, env, what + " in the environment")
			self.assertNotIn(value, log, what + " in the relay log")
		for text in (marker, "agent-reply-%d" % os.getpid(),
		    "note-text-%d" % os.getpid(), c.name):
			self.assertNotIn(text, log, "customer/agent text in the log")
		self.assertNotIn("\x1b", log, "raw ESC in the relay log")
		with open("/proc/%d/status" % pid) as fp:
			self.assertRegex(fp.read(), r"(?m)^TracerPid:\s+0$")

	def test_500_long_polls(self):
		n = 500
		pid = self.pid()
		after = self.last_seq()
		rss0, fds0 = proc_status(pid, "VmRSS"), fd_count(pid)
		req = ("GET /v1/sync?after=%d&wait=50 HTTP/1.1\r\nHost: x\r\n"
		    "Authorization: Bearer %s\r\nConnection: close\r\n\r\n"
		    % (after, self.alice.token)).encode()
		socks = []
		try:
			t0 = time.monotonic()
			for _ in range(n):
				s = socket.create_connection(("127.0.0.1",
				    self.relay.port), timeout=60)
				s.sendall(req)
				socks.append(s)
			# (the test's own keep-alive connection may close meanwhile)
			wait_until(lambda: fd_count(pid) >= fds0 + n - 5, 30,
			    what="the relay to hold %d connections" % n)
			time.sleep(0.5)
			rss1, fds1 = proc_status(pid, "VmRSS"), fd_count(pid)
			self.assertTrue(self.relay.running())
			note("%d long-polls: RSS %d -> %d KiB (+%.1f KiB each), "
			    "fds %d -> %d, connect %.2f s" % (n, rss0, rss1,
			    (rss1 - rss0) / n, fds0, fds1, time.monotonic() - t0))
			# ASan builds carry shadow memory; 128 KiB each is loose
			# enough for them and still catches a per-poll buffer leak.
			self.assertLess(rss1 - rss0, n * 128,
			    "RSS grew by %d KiB for %d long-polls" % (rss1 - rss0, n))
			self.assertLess(fds1 - fds0, n + 20)
			t1 = time.monotonic()
			conv, m, _ = self.new_conversation(text="wake up everyone")
			answered = 0
			for s in socks:
				data = b""
				while True:
					chunk = s.recv(65536)
					if not chunk:
						break
					data += chunk
				head, _, body = data.partition(b"\r\n\r\n")
				self.assertTrue(head.startswith(b"HTTP/1.1 200"), head)
				evs = json.loads(body)["events"]
				self.assertTrue(any(e.get("type") == "message" and
				    e["message"].get("id") == m["id"] for e in evs))
				answered += 1
			note("all %d long-polls answered %.2f s after the webhook"
			    % (answered, time.monotonic() - t1))
		finally:
			for s in socks:
				s.close()
		wait_until(lambda: fd_count(pid) <= fds0 + 5, 30,
		    what="the relay to release the connections' fds")
		note("fds after hang-up: %d; RSS %d KiB" % (fd_count(pid),
		    proc_status(pid, "VmRSS")))

	def test_graph_hanging_or_garbage_stalls_nobody(self):
		conv, _, _ = self.new_conversation()
		self.fake.fail_next("slow")
		r = self.alice.send_text(conv, "this send hangs at Graph")
		self.assertEqual(r.status, 202, r)
		time.sleep(0.3)
		t0 = time.monotonic()
		for _ in range(20):
			self.assertEqual(self.bob.me().status, 200)
			self.assertEqual(self.bob.sync(0, limit=1).status, 200)
		elapsed = time.monotonic() - t0
		note("40 agent requests while Graph hangs: %.3f s" % elapsed)
		self.assertLess(elapsed, 10)
		self.fake.fail_next("garbage")
		r = self.alice.send_text(conv, "this send gets html back")
		self.assertEqual(r.status, 202, r)
		c2, m2, _ = self.new_conversation(text="still taking webhooks")
		self.assertTrue(self.relay.running())


class DiskFull(unittest.TestCase):
	"""The relay's folder on a 1 MiB tmpfs of its own (needs root, as the
	CI container has): webhooks until the disk is full, then more space."""

	def setUp(self):
		if os.geteuid() != 0:
			self.skipTest("mounting a tmpfs needs root")
		self.mnt = tempfile.mkdtemp(prefix="ttydesk-full-")
		p = subprocess.run(["mount", "-t", "tmpfs", "-o",
		    "size=1m,mode=0700", "tmpfs", self.mnt],
		    stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
		if p.returncode != 0:
			os.rmdir(self.mnt)
			self.skipTest("cannot mount a tmpfs: %s" % p.stdout)
		self.world = RelayWorld(relay_kw={"workdir": self.mnt})
		self.relay = self.world.relay

	def tearDown(self):
		try:
			self.world.close()
		finally:
			subprocess.run(["umount", "-l", self.mnt])
			os.rmdir(self.mnt)

	def test_disk_full_never_acks_unstored_webhooks(self):
		fake = self.world.fake
		acked, refused = [], 0
		for i in range(300):
			c = fake.customer(unique_phone(), None, "Full Disk")
			m, code = fake.customer_message(c, "text",
			    text="disk-full %d %s" % (i, "x" * 30000))
			if not self.relay.running():
				break
			if code == 200:
				acked.append(m["id"])
			else:
				refused += 1
				self.assertGreaterEqual(code, 500, "webhook on a full "
				    "disk answered %s (Meta must retry)" % code)
				if refused >= 3:
					break
		note("1 MiB disk: %d webhooks stored, %d refused, relay %s" %
		    (len(acked), refused, "alive" if self.relay.running() else
		    "DEAD (exit %s)" % self.relay.proc.returncode))
		self.assertTrue(self.relay.running(), "the relay died when the "
		    "disk filled up:\n" + self.relay.log_tail(20))
		self.assertGreater(refused, 0, "the disk never filled up")
		subprocess.run(["mount", "-o", "remount,size=16m", self.mnt],
		    check=True)
		c = fake.customer(unique_phone(), None, "Space Back")
		m, code = fake.customer_message(c, "text", text="space is back")
		self.assertEqual(code, 200, "no recovery after space came back:\n"
		    + self.relay.log_tail(20))
		alice = self.world.agent("alice")
		stored = {e["message"]["id"] for e in alice.all_events(0)
		    if e.get("type") == "message"}
		self.assertEqual([w for w in acked if w not in stored], [],
		    "acknowledged webhooks lost")
		self.assertIn(m["id"], stored)


class FileSizeLimit(unittest.TestCase):
	"""RLIMIT_FSIZE on the running relay (prlimit): the write fails with
	EFBIG, the webhook is refused, the relay lives on."""

	def setUp(self):
		self.world = RelayWorld()
		self.relay = self.world.relay

	def tearDown(self):
		try:
			self.world.close()
		finally:
			self.relay.cleanup()

	def test_file_size_limit_refuses_instead_of_dying(self):
		fake = self.world.fake
		pid = self.relay.proc.pid
		biggest = max(os.path.getsize(os.path.join(self.relay.dir, f))
		    for f in os.listdir(self.relay.dir) if f.startswith("relay.db"))
		limit = biggest + 64 * 1024
		subprocess.run(["prlimit", "--pid", str(pid),
		    "--fsize=%d:unlimited" % limit], check=True)
		acked, refused = [], 0
		try:
			for i in range(200):
				c = fake.customer(unique_phone(), None, "Limit")
				m, code = fake.customer_message(c, "text",
				    text="fsize %d %s" % (i, "x" * 3000))
				if not self.relay.running():
					break
				if code == 200:
					acked.append(m["id"])
				else:
					refused += 1
					self.assertGreaterEqual(code, 500, code)
					if refused >= 3:
						break
		finally:
			if self.relay.running():
				subprocess.run(["prlimit", "--pid", str(pid),
				    "--fsize=unlimited"], check=True)
		note("RLIMIT_FSIZE +64 KiB: %d stored, %d refused, relay %s" %
		    (len(acked), refused, "alive" if self.relay.running() else
		    "DEAD (exit %s)" % self.relay.proc.returncode))
		self.assertTrue(self.relay.running(), "the relay died at the "
		    "file-size limit (SIGXFSZ?)")
		self.assertGreater(refused, 0, "the limit was never reached")
		c = fake.customer(unique_phone(), None, "After Limit")
		m, code = fake.customer_message(c, "text", text="limit lifted")
		self.assertEqual(code, 200)
		stored = {e["message"]["id"] for e in
		    self.world.agent("alice").all_events(0)
		    if e.get("type") == "message"}
		self.assertEqual([w for w in acked if w not in stored], [])
		self.assertIn(m["id"], stored)


class RelayFileModes(unittest.TestCase):
	"""Started under umask 022, the relay's event log is private."""

	def test_event_log_is_private_under_umask_022(self):
		old = os.umask(0o022)
		try:
			world = RelayWorld()
		finally:
			os.umask(old)
		try:
			fake = world.fake
			c = fake.customer(unique_phone(), None, "Mode Check")
			m, code = fake.customer_message(c, "text", text="hello")
			self.assertEqual(code, 200)
			files = [f for f in os.listdir(world.relay.dir)
			    if f.startswith("relay.db")]
			self.assertIn("relay.db", files)
			for f in files:
				mode = os.stat(os.path.join(world.relay.dir, f)).st_mode
				self.assertEqual(mode & 0o077, 0, "%s is %o" %
				    (f, mode & 0o777))
		finally:
			world.close()
			world.relay.cleanup()


if __name__ == "__main__":
	main()
