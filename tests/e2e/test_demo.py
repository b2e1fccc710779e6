#!/usr/bin/env python3
"""scripts/demo end to end, headless in tmux, as a newcomer would run it:
conversations appear, a reply typed in ttydesk reaches the (fake) customer
and gets its read tick, the customer answers, and quitting leaves no demo
process and no temporary file behind.

The demo reuses the test build (TTYDESK_BUILD_DIR), so nothing is rebuilt.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

SOURCE = os.environ.get("TTYDESK_SOURCE_DIR") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("TTYDESK_BUILD_DIR") or os.path.join(SOURCE, "build",
    "test")

# Names the simulated customers use (tests/demo/customers.py).
HISTORY_NAMES = ("Sofia Almeida", "Daniel Okafor", "Hannah Schulz",
    "Mei Tanaka", "Carlos Ruiz")
CARD_CUSTOMER = "4915123456789"     # Hannah: inside the 24-hour window
NO_PHONE_CUSTOMER = "FR.83491208655302741918"


def tmux(sock, *args, check=True):
	# A UTF-8 locale for tmux itself, so accents and ticks survive.
	env = dict(os.environ, LC_ALL="C.UTF-8")
	p = subprocess.run(["tmux", "-u", "-L", sock] + list(args),
	    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
	if check and p.returncode != 0:
		raise AssertionError("tmux %s: %s" % (" ".join(args), p.stderr))
	return p.stdout


def http_json(url, token=None, timeout=10):
	req = urllib.request.Request(url)
	if token:
		req.add_header("Authorization", "Bearer " + token)
	with urllib.request.urlopen(req, timeout=timeout) as r:
		return json.loads(r.read())


def wait(pred, timeout, what, step=0.25):
	deadline = time.monotonic() + timeout
	while True:
		v = pred()
		if v:
			return v
		if time.monotonic() > deadline:
			raise AssertionError("timed out after %ds waiting for %s"
			    % (timeout, what))
		time.sleep(step)


def pid_alive(pid):
	try:
		os.kill(pid, 0)
	except ProcessLookupError:
		return False
	except PermissionError:
		return True
	# A zombie is dead for our purpose.
	try:
		with open("/proc/%d/stat" % pid) as fp:
			return fp.read().split(")")[-1].split()[0] != "Z"
	except OSError:
		return False


def processes_mentioning(text):
	found = []
	for d in os.listdir("/proc"):
		if not d.isdigit():
			continue
		try:
			with open("/proc/%s/cmdline" % d, "rb") as fp:
				cmd = fp.read().replace(b"\0", b" ").decode(
				    errors="replace")
		except OSError:
			continue
		if text in cmd and int(d) != os.getpid():
			found.append((int(d), cmd))
	return found


class Demo(unittest.TestCase):
	@classmethod
	def setUpClass(cls):
		if not shutil.which("tmux"):
			raise AssertionError("tmux missing: scripts/install-deps "
			    "installs it")
		for prog in ("ttydesk", "ttydesk-relay"):
			if not os.access(os.path.join(BUILD, prog), os.X_OK):
				raise AssertionError("%s not built in %s" % (prog,
				    BUILD))
		cls.work = tempfile.mkdtemp(prefix="ttydesk-demo-test-")
		cls.info_path = os.path.join(cls.work, "info")
		cls.exit_path = os.path.join(cls.work, "exit")
		cls.sock = "ttydesk-demo-test-%d" % os.getpid()
		env = {"TTYDESK_BUILD_DIR": BUILD,
		    "TTYDESK_DEMO_INFO": cls.info_path,
		    "TMPDIR": cls.work, "LC_ALL": "C.UTF-8"}
		cmd = "env %s %s --pace 4 --speed 0.3 --status-delays 0.5,2,7; echo $? > %s" % (
		    " ".join("%s=%s" % kv for kv in env.items()),
		    os.path.join(SOURCE, "scripts", "demo"), cls.exit_path)
		tmux(cls.sock, "-f", "/dev/null", "new-session", "-d", "-x",
		    "160", "-y", "45", "-s", "demo", cmd)
		tmux(cls.sock, "set-option", "-t", "demo", "remain-on-exit",
		    "on", check=False)
		cls.info = None
		try:
			wait(lambda: os.path.exists(cls.info_path), 180,
			    "the demo to start")
			with open(cls.info_path) as fp:
				cls.info = dict(line.rstrip("\n").split("=", 1)
				    for line in fp if "=" in line)
			with open(os.path.join(cls.info["tmp"], "alice",
			    "token")) as fp:
				cls.token = fp.read().strip()
		except BaseException:
			print(cls.screen(), file=sys.stderr)
			cls.tearDownClass()
			raise

	@classmethod
	def tearDownClass(cls):
		tmux(cls.sock, "kill-server", check=False)
		# Should the demo's own clean-up have failed, do not leave
		# its processes to the next test run.
		if cls.info:
			for key in ("relay_pid", "customers_pid"):
				try:
					os.killpg(int(cls.info[key]), 9)
				except (OSError, KeyError, ValueError):
					pass
		shutil.rmtree(cls.work, ignore_errors=True)

	@classmethod
	def screen(cls):
		return tmux(cls.sock, "capture-pane", "-p", "-t", "demo",
		    check=False)

	def keys(self, *keys):
		tmux(self.sock, "send-keys", "-t", "demo", *keys)

	def events(self):
		out, after = [], 0
		while True:
			d = http_json("%s/v1/sync?after=%d&limit=5000" % (
			    self.info["relay_url"], after), self.token)
			out += d["events"]
			if not d.get("more"):
				return out
			after = d["next"]

	def sent(self):
		return http_json(self.info["fake_url"] + "/_fake/sent")["sent"]

	def test_1_conversations_appear(self):
		# The history and the live customers reach the relay and the
		# screen.
		wait(lambda: all(n in self.screen() for n in HISTORY_NAMES[:3]),
		    30, "customer names on screen")
		contacts = self.contacts()
		self.assertGreaterEqual(len(contacts), 6)
		self.assertIn(NO_PHONE_CUSTOMER, contacts)
		old = [e for e in self.events() if e["type"] == "message" and
		    e["message"]["direction"] == "in" and
		    e["message"]["from"] == "2348031234567"]
		self.assertTrue(old, "no message from the parcel customer")
		# Customers keep writing while the demo runs (--pace 4).
		n = len(contacts)
		wait(lambda: len(self.contacts()) > n, 20, "a new customer")

	def test_2_reply_reaches_the_customer(self):
		if compose_missing():
			self.skipTest("the TUI cannot compose yet (docs/keys.md "
			    "says reply is not available)")
		conv = self.contacts()[CARD_CUSTOMER]
		text = "Demo test reply %d" % os.getpid()
		self.open_conversation("Hannah")
		self.reply(text)
		send = wait(lambda: [s for s in self.sent() if (s["body"].get(
		    "text") or {}).get("body") == text], 30,
		    "the reply at the fake Graph API")[0]
		self.assertEqual(send["to"], CARD_CUSTOMER)
		# sent -> delivered -> read reach the relay and the screen,
		# and the read tick looks different from the delivered one.
		def statuses():
			mine = [e for e in self.events() if e["type"] == "message"
			    and e["message"].get("text") == text]
			ids = {send["wamid"]} | {e["message"]["id"] for e in mine}
			return {e["status"]["status"] for e in self.events()
			    if e["type"] == "status" and e["status"]["message"]
			    in ids}
		wait(lambda: "delivered" in statuses(), 30, "delivered")
		self.assertNotIn("read", statuses(), "read came too early to "
		    "see the delivered tick; slow the fake's status delays")
		delivered = wait(lambda: self.tick_cells(text), 5,
		    "a tick next to the reply")
		wait(lambda: "read" in statuses(), 30, "read")
		wait(lambda: self.tick_cells(text) not in ("", delivered), 10,
		    "the read tick to differ from the delivered one")
		self.assertIn(READ_TICK, self.line_with(text))
		# The customer answers.
		wait(lambda: [e for e in self.events() if e["type"] == "message"
		    and e["conversation"] == conv and e["message"]["direction"]
		    == "in" and e["ts"] >= int(send["time"]) - 1], 30,
		    "the customer's answer")

	def test_3_quit_leaves_nothing(self):
		tmp = self.info["tmp"]
		self.assertTrue(os.path.isdir(tmp))
		self.assertNotEqual(processes_mentioning(tmp), [])
		self.quit()
		wait(lambda: os.path.exists(self.exit_path), 30,
		    "the demo to exit")
		for key in ("relay_pid", "customers_pid"):
			pid = int(self.info[key])
			wait(lambda: not pid_alive(pid), 10, key + " to end")
		self.assertFalse(os.path.exists(tmp), tmp + " left behind")
		self.assertEqual(processes_mentioning(tmp), [])
		self.assertEqual([f for f in os.listdir(self.work)
		    if f.startswith("ttydesk-demo.")], [])
		with open(self.exit_path) as fp:
			self.assertEqual(fp.read().strip(), "0")

	def contacts(self):
		"""customer wa_id or BSUID -> conversation id."""
		found = {}
		for e in self.events():
			if e["type"] == "contact":
				c = e["contact"]
				for k in ("wa_id", "user_id"):
					if c.get(k):
						found[c[k]] = e["conversation"]
		return found

	def tick_cells(self, text):
		"""The line holding text, with its colours (capture -e), from
		the first tick on; "" when it has none."""
		out = tmux(self.sock, "capture-pane", "-p", "-e", "-t", "demo",
		    check=False)
		for line in out.splitlines():
			if text in re.sub(r"\x1b\[[0-9;]*m", "", line):
				i = line.find(READ_TICK)
				if i < 0:
					return ""
				# Keep the escape sequences right before the tick.
				j = line.rfind("m", 0, i)
				k = line.rfind("\x1b[", 0, j + 1)
				return line[k:] if k >= 0 and j == i - 1 else \
				    line[i:]
		return ""

	def line_with(self, text):
		for line in self.screen().splitlines():
			if text in line:
				return line
		return ""

	# The keyboard side: docs/keys.md holds the defaults.
	def open_conversation(self, name):
		self.keys(*SEARCH_KEYS)
		self.keys("-l", name)
		self.keys("Enter")
		wait(lambda: name in self.screen(), 10, name + " selected")
		self.keys(*OPEN_KEYS)
		time.sleep(0.5)

	def reply(self, text):
		self.keys(*REPLY_KEYS)
		time.sleep(0.3)
		self.keys("-l", text)
		self.keys(*SEND_KEYS)

	def quit(self):
		# Esc alone (a following key would make it Alt-key).
		self.keys("Escape")
		time.sleep(0.5)
		self.keys(*QUIT_KEYS)


def compose_missing():
	try:
		with open(os.path.join(SOURCE, "docs", "keys.md")) as fp:
			rows = [l for l in fp if l.startswith("| `reply` |")]
	except OSError:
		return False
	return bool(rows) and "not available" in rows[0]


SEARCH_KEYS = ("/",)
OPEN_KEYS = ("Enter",)
REPLY_KEYS = ("r",)
SEND_KEYS = ("Enter",)
QUIT_KEYS = ("q",)
READ_TICK = "\u2713\u2713"


if __name__ == "__main__":
	unittest.main(verbosity=2)
