#!/usr/bin/env python3
"""ttydesk's secrets, from outside, against a real relay:

* a token or key file others can read (0644, 0640, 0604), owned by
  somebody else, a symlink, empty, or a folder: ttydesk refuses to start,
  exits non-zero and names the file and the fix; no terminal is set up;
* running in tmux: the token and the cache key are in neither
  /proc/PID/cmdline nor /proc/PID/environ nor on the screen, the cache on
  disk holds neither them nor the customer's text in the clear,
  RLIMIT_CORE is 0, and a SIGABRT leaves no core (a control process in
  the same folder does leave one);
* a revoked token: ttydesk says so on screen, without echoing the token.
"""

import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import unittest

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(_HERE, "..", "pylib"))
sys.path.insert(0, os.path.join(_HERE, "..", "e2e"))
if os.environ.get("TTYDESK_BUILD_DIR"):   # tests chdir: make it absolute
	os.environ["TTYDESK_BUILD_DIR"] = os.path.abspath(
	    os.environ["TTYDESK_BUILD_DIR"])
from harness import RelayWorld, unique_phone, wait_until  # noqa: E402
from tui_tmux import TuiSession, ttydesk_binary  # noqa: E402


def note(text):
	sys.stderr.write("  [secrets-tui] %s\n" % text)


def ttydesk_pid(tui):
	"""The pid of ttydesk itself (the pane runs sh -c '...; sleep')."""
	sh = int(tui.tmux("list-panes", "-F", "#{pane_pid}").split()[0])
	for _ in range(100):
		try:
			with open("/proc/%d/task/%d/children" % (sh, sh)) as fp:
				kids = [int(k) for k in fp.read().split()]
		except OSError:
			kids = []
		for k in kids:
			try:
				if os.readlink("/proc/%d/exe" % k) == os.path.realpath(
				    ttydesk_binary()):
					return k
			except OSError:
				pass
		time.sleep(0.05)
	raise AssertionError("no ttydesk process under the pane")


class InsecureFiles(unittest.TestCase):
	"""ttydesk is run directly: it must stop before touching the tty."""

	@classmethod
	def setUpClass(cls):
		cls.world = RelayWorld()

	@classmethod
	def tearDownClass(cls):
		cls.world.close()

	def setUp(self):
		self.tui = TuiSession.for_agent(self.world, "alice")

	def tearDown(self):
		self.tui.close()

	def run_ttydesk(self, before_screen=True):
		env = dict(os.environ, HOME=self.tui.dir, TERM="xterm-256color",
		    LANG="C.UTF-8")
		p = subprocess.run([ttydesk_binary(), "--config", self.tui.config],
		    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
		    stderr=subprocess.PIPE, env=env, timeout=30)
		out = p.stdout.decode(errors="replace")
		err = p.stderr.decode(errors="replace")
		if before_screen:
			self.assertNotIn("\x1b", out + err, "terminal set up "
			    "before the check")
		return p.returncode, err

	def assert_refused(self, name, *words, before_screen=True):
		code, err = self.run_ttydesk(before_screen)
		self.assertNotEqual(code, 0, "started with a bad %s: %s" %
		    (name, err))
		self.assertIn(os.path.join(self.tui.dir, name), err)
		for w in words:
			self.assertIn(w, err)
		self.assertNotIn(self.tui.token, err, "the token was printed")
		return err

	def test_open_modes_refused(self):
		for name in ("token", "cache.key"):
			path = os.path.join(self.tui.dir, name)
			for mode in (0o644, 0o640, 0o604, 0o660):
				os.chmod(path, mode)
				err = self.assert_refused(name, "%04o" % mode,
				    "chmod 600")
			os.chmod(path, 0o600)
		note("refusal: " + err.strip())

	def test_other_owner_refused(self):
		path = os.path.join(self.tui.dir, "token")
		os.chown(path, 65534, 65534)
		err = self.assert_refused("token", "owned by uid 65534")
		note(err.strip())

	def test_symlink_empty_folder_refused(self):
		path = os.path.join(self.tui.dir, "token")
		real = os.path.join(self.tui.dir, "real-token")
		os.rename(path, real)
		os.symlink(real, path)
		# The token is read with O_NOFOLLOW: refused up front, before
		# the terminal is set up (run_ttydesk checks that).
		self.assert_refused("token", "symbolic link")
		os.unlink(path)
		fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
		os.close(fd)
		self.assert_refused("token", "empty")
		os.unlink(path)
		os.mkdir(path, 0o700)
		self.assert_refused("token", "not a regular file")


class RunningTui(unittest.TestCase):

	@classmethod
	def setUpClass(cls):
		cls.world = RelayWorld()

	@classmethod
	def tearDownClass(cls):
		cls.world.close()

	def setUp(self):
		self.tmp = tempfile.mkdtemp(prefix="ttydesk-tuisec-")
		self.tui = None

	def tearDown(self):
		if self.tui is not None:
			self.tui.close()
		subprocess.run(["rm", "-rf", self.tmp])

	def start_in(self, cwd, **kw):
		tui = self.tui = TuiSession.for_agent(self.world, "alice", **kw)
		old = os.getcwd()
		os.chdir(cwd)
		try:
			tui.start()
		finally:
			os.chdir(old)
		return tui

	def test_no_secret_in_proc_screen_or_cache(self):
		marker = "cardnumber-%d-4111" % os.getpid()
		c = self.world.fake.customer(unique_phone(), None, "Secret Keeper")
		_, code = self.world.fake.customer_message(c, "text", text=marker)
		self.assertEqual(code, 200)
		tui = self.start_in(self.tmp)
		screen = tui.wait_for("Secret Keeper", what="the conversation")
		pid = ttydesk_pid(tui)
		with open(os.path.join(tui.dir, "cache.key"), "rb") as fp:
			key = fp.read()
		token = tui.token.encode()
		with open("/proc/%d/cmdline" % pid, "rb") as fp:
			argv = fp.read()
		with open("/proc/%d/environ" % pid, "rb") as fp:
			env = fp.read()
		for what, blob in (("argv", argv), ("environ", env),
		    ("screen", screen.encode())):
			self.assertNotIn(token, blob, "token in " + what)
			self.assertNotIn(key, blob, "key in " + what)
			self.assertNotIn(key.hex().encode(), blob, "key in " + what)
		with open("/proc/%d/limits" % pid) as fp:
			line = [l for l in fp.read().splitlines()
			    if l.startswith("Max core file size")][0]
		self.assertEqual(line.split()[4:6], ["0", "0"], line)
		# The cache: written by now (the conversation is on screen).
		tui.keys("q")
		wait_until(lambda: "TTYDESK-EXIT=" in tui.screen(), 15,
		    what="ttydesk to quit")
		self.assertIn("TTYDESK-EXIT=0", tui.screen())
		cache = os.path.join(tui.dir, "cache")
		blobs = b""
		for root, _, names in os.walk(cache):
			for n in names:
				with open(os.path.join(root, n), "rb") as fp:
					blobs += fp.read()
		self.assertGreater(len(blobs), 0, "no cache written")
		for what, needle in (("token", token), ("key", key),
		    ("customer text", marker.encode()),
		    ("customer name", b"Secret Keeper")):
			self.assertNotIn(needle, blobs, what + " in the clear in "
			    "the cache")

	def test_sigabrt_leaves_no_core(self):
		with open("/proc/sys/kernel/core_pattern") as fp:
			pattern = fp.read().strip()
		if pattern.startswith("|") or "/" in pattern:
			self.skipTest("core_pattern %r" % pattern)
		old = resource.getrlimit(resource.RLIMIT_CORE)
		if old[1] == 0:
			self.skipTest("hard RLIMIT_CORE is 0")
		old_asan = os.environ.get("ASAN_OPTIONS")
		resource.setrlimit(resource.RLIMIT_CORE, (old[1], old[1]))
		# ASan turns cores off on its own; measure ttydesk's hardening.
		os.environ["ASAN_OPTIONS"] = ((old_asan + ":") if old_asan else
		    "") + "disable_coredump=0"
		try:
			p = subprocess.Popen(["sleep", "60"], cwd=self.tmp)
			time.sleep(0.2)
			p.send_signal(signal.SIGABRT)
			p.wait(10)
			cores = lambda: [f for f in os.listdir(self.tmp)  # noqa
			    if f.startswith("core")]
			wait_until(cores, 10, what="the control's core")
			for f in cores():
				os.unlink(f if os.path.isabs(f) else
				    os.path.join(self.tmp, f))
			tui = self.start_in(self.tmp)
			tui.wait_for(lambda s: s.strip() != "", what="a screen")
			pid = ttydesk_pid(tui)
			with open("/proc/%d/cwd/.probe" % pid, "w"):
				pass   # its cwd is the folder watched
			self.assertTrue(os.path.exists(os.path.join(self.tmp,
			    ".probe")))
			os.kill(pid, signal.SIGABRT)
			tui.wait_for("TTYDESK-EXIT=", what="ttydesk to die")
			time.sleep(0.5)
			self.assertEqual(cores(), [], "ttydesk left a core dump")
		finally:
			resource.setrlimit(resource.RLIMIT_CORE, old)
			if old_asan is None:
				os.environ.pop("ASAN_OPTIONS", None)
			else:
				os.environ["ASAN_OPTIONS"] = old_asan

	def test_revoked_token_said_without_echo(self):
		bad = "revoked-%d-token-value" % os.getpid()
		tui = self.tui = TuiSession(self.world.relay.url, bad)
		tui.start()
		screen = tui.wait_for(lambda s: any(w in s.lower() for w in
		    ("token", "unauthor", "401", "revoked")), timeout=20,
		    what="ttydesk to report the refused token")
		note("revoked token screen: %r" % [l for l in
		    screen.splitlines() if l.strip()][-3:])
		self.assertNotIn(bad, screen)
		self.assertNotIn(bad[:12], screen)


if __name__ == "__main__":
	unittest.main(verbosity=2)
