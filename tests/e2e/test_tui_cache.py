"""End to end: the encrypted cache from the agent's side.  keygen, a wrong
key, a locked profile, a damaged cache rebuilt from the relay, --forget,
and a token file with loose permissions."""

import os
import re
import shutil
import stat
import subprocess
import sys
import time
import unittest

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, _HERE)
sys.path.insert(0, os.path.join(_HERE, "..", "pylib"))

import harness  # noqa: E402
from tui_tmux import TuiSession, ttydesk_binary, write_secret  # noqa: E402


def run(args, **kw):
	env = dict(os.environ, LANG="C.UTF-8")
	return subprocess.run([ttydesk_binary()] + list(args), capture_output=True,
	    text=True, timeout=60, env=env, stdin=subprocess.DEVNULL, **kw)


@unittest.skipUnless(shutil.which("tmux"), "tmux is not installed")
class TuiCache(unittest.TestCase):
	@classmethod
	def setUpClass(cls):
		cls.world = harness.RelayWorld()
		c = cls.world.fake.customer(harness.unique_phone(), None,
		    "Cache Customer")
		cls.world.fake.customer_message(c, "text", text="remember me")

	@classmethod
	def tearDownClass(cls):
		cls.world.close()
		cls.world.relay.cleanup()

	def session(self):
		t = TuiSession.for_agent(self.world, "alice")
		self.addCleanup(t.close)
		return t

	def fill(self, t):
		t.start()
		t.wait_for("online")
		# Mine is empty, so ttydesk shows All.
		t.wait_for("Cache Customer")
		t.keys("q")
		t.wait_for("TTYDESK-EXIT=0")
		t.tmux("kill-server", check=False)

	def test_keygen(self):
		t = self.session()
		path = os.path.join(t.dir, "new.key")
		r = run(["keygen", path])
		self.assertEqual(r.returncode, 0, r.stderr)
		st = os.stat(path)
		self.assertEqual(stat.S_IMODE(st.st_mode), 0o600)
		self.assertEqual(st.st_size, 32)
		r = run(["keygen", path])
		self.assertNotEqual(r.returncode, 0)
		self.assertIn("keygen", r.stderr)

	def test_wrong_key_then_forget(self):
		t = self.session()
		self.fill(t)
		os.unlink(os.path.join(t.dir, "cache.key"))
		write_secret(os.path.join(t.dir, "cache.key"), os.urandom(32))
		r = run(["--config", t.config])
		self.assertEqual(r.returncode, 1)
		self.assertIn("does not open", r.stderr)
		self.assertIn("--forget", r.stderr)
		self.assertEqual(r.stderr.count("\n"), 1, "one clear message")
		r = run(["--config", t.config, "--forget"])
		self.assertEqual(r.returncode, 0, r.stderr)
		self.assertFalse(os.path.exists(os.path.join(t.dir, "cache")))
		# With the new key ttydesk starts and catches up from the relay.
		t.start()
		t.wait_for("online")
		t.wait_for("Cache Customer")
		t.keys("q")
		t.wait_for("TTYDESK-EXIT=0")

	def test_locked(self):
		t = self.session()
		t.start()
		t.wait_for("online")
		r = run(["--config", t.config])
		self.assertEqual(r.returncode, 1)
		self.assertIn("another ttydesk is using the cache", r.stderr)
		t.keys("q")
		t.wait_for("TTYDESK-EXIT=0")

	def test_corrupt_rebuilt_from_relay(self):
		t = self.session()
		self.fill(t)
		header = os.path.join(t.dir, "cache", "header")
		with open(header, "r+b") as fp:
			fp.seek(140)
			b = fp.read(1)
			fp.seek(140)
			fp.write(bytes([b[0] ^ 0xff]))
		t.start()
		t.wait_for("Move it aside and rebuild it from the relay?")
		t.keys("y", "Enter")
		t.wait_for("online")
		t.wait_for("Cache Customer")
		t.keys("q")
		t.wait_for("TTYDESK-EXIT=0")
		aside = [f for f in os.listdir(t.dir) if f.startswith(
		    "cache.corrupt-")]
		self.assertEqual(len(aside), 1)

	def test_passphrase_command(self):
		t = self.session()
		t.extra = ""
		with open(t.config, encoding="utf-8") as fp:
			text = fp.read()
		with open(t.config, "w", encoding="utf-8") as fp:
			fp.write(text.replace("key_file = cache.key",
			    "passphrase_command = printf 'correct horse'"))
		self.fill(t)
		with open(t.config, "w", encoding="utf-8") as fp:
			fp.write(text.replace("key_file = cache.key",
			    "passphrase_command = printf 'wrong horse'"))
		r = run(["--config", t.config])
		self.assertEqual(r.returncode, 1)
		self.assertIn("does not open", r.stderr)
		with open(t.config, "w", encoding="utf-8") as fp:
			fp.write(text.replace("key_file = cache.key",
			    "passphrase_command = exit 3"))
		r = run(["--config", t.config])
		self.assertEqual(r.returncode, 1)
		self.assertIn("passphrase_command failed", r.stderr)

	def test_passphrase_prompt(self):
		t = self.session()
		with open(t.config, encoding="utf-8") as fp:
			text = fp.read()
		with open(t.config, "w", encoding="utf-8") as fp:
			fp.write(text.replace("key_file = cache.key\n", ""))
		t.start()
		t.wait_for("Choose a passphrase for the ttydesk cache")
		t.literal("typed secret")
		t.keys("Enter")
		t.wait_for("online")
		# No echo: the passphrase never showed on the screen.
		self.assertNotIn("typed secret", t.screen())
		t.keys("q")
		t.wait_for("TTYDESK-EXIT=0")
		self.assertNotIn("typed secret", t.screen())

	def test_config_errors_before_the_screen(self):
		t = self.session()
		with open(t.config, encoding="utf-8") as fp:
			text = fp.read()
		with open(t.config, "w", encoding="utf-8") as fp:
			fp.write(text + "\n[keys]\nreply = x\nresolve = y, x\n")
		r = run(["--config", t.config])
		self.assertEqual(r.returncode, 1)
		self.assertIn("key x is bound to both reply and resolve", r.stderr)
		self.assertIn(t.config, r.stderr)
		with open(t.config, "w", encoding="utf-8") as fp:
			fp.write(text.replace("theme = default", "theme = nope"))
		r = run(["--config", t.config])
		self.assertEqual(r.returncode, 1)
		self.assertIn("theme 'nope' not found", r.stderr)
		# A rebinding that is fine starts, and the help shows it.
		with open(t.config, "w", encoding="utf-8") as fp:
			fp.write(text + "\n[keys]\nhelp = F2\nquit = Q\n")
		t.start()
		t.wait_for("online")
		t.keys("?")
		t.wait_for("? is not bound")
		t.keys("F2")
		s = t.wait_for("ttydesk keys")
		# The help lists the new key (page down to its row).
		for _ in range(6):
			if re.search(r"F2 +help", s):
				break
			t.keys("C-f")
			time.sleep(0.3)
			s = t.screen()
		self.assertRegex(s, r"F2 +help")
		t.keys("Escape", "q")
		s = t.wait_for("q is not bound")
		t.keys("Q")
		t.wait_for("TTYDESK-EXIT=0")

	def test_token_permissions(self):
		t = self.session()
		os.chmod(os.path.join(t.dir, "token"), 0o644)
		r = run(["--config", t.config])
		self.assertEqual(r.returncode, 1)
		self.assertIn("token_file", r.stderr)
		self.assertIn("chmod 600", r.stderr)
		# Never the token itself.
		self.assertNotIn(self.world.relay.agents["alice"].token, r.stderr)


if __name__ == "__main__":
	unittest.main(verbosity=2)
