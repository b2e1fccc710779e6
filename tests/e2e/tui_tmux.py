"""Drive the real `ttydesk` inside tmux on a private socket.

    world = harness.RelayWorld()               # fake Graph API + relay
    tui = TuiSession.for_agent(world, "alice")  # config, token, cache key
    tui.start()
    tui.wait_for("Maria")                       # polls capture-pane
    tui.keys("j", "Enter")
    tui.close()                                 # kills the tmux server

Every session has its own tmux socket (-L), its own temp dir (config,
token 0600, cache key 0600, cache), TERM=xterm-256color, LANG=C.UTF-8.
"""

import os
import signal
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(_HERE, "..", "pylib"))


def build_dir():
	d = os.environ.get("TTYDESK_BUILD_DIR")
	if not d:
		d = os.path.join(_HERE, "..", "..", "build", "dev")
	return os.path.abspath(d)


def ttydesk_binary():
	return os.path.join(build_dir(), "ttydesk")


def write_secret(path, data):
	fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
	with os.fdopen(fd, "wb") as fp:
		fp.write(data if isinstance(data, bytes) else data.encode())


class TuiSession:
	def __init__(self, relay_url, token, width=120, height=40, extra=""):
		self.dir = tempfile.mkdtemp(prefix="ttydesk-tui-")
		self.socket = "ttydesk-e2e-%d-%s" % (os.getpid(),
		    secrets.token_hex(4))
		self.width = width
		self.height = height
		self.relay_url = relay_url
		self.token = token
		self.extra = extra
		self.config = os.path.join(self.dir, "config")
		self.started = False
		write_secret(os.path.join(self.dir, "token"), token)
		write_secret(os.path.join(self.dir, "cache.key"),
		    secrets.token_bytes(32))
		self.write_config()

	@classmethod
	def for_agent(cls, world, agent_id="alice", **kw):
		return cls(world.relay.url, world.relay.agents[agent_id].token, **kw)

	def write_config(self):
		with open(self.config, "w", encoding="utf-8") as fp:
			fp.write("[relay]\nurl = %s\ntoken_file = token\n\n"
			    "[cache]\ndir = cache\nkey_file = cache.key\n\n"
			    "[ui]\ntheme = default\nbell = off\n%s" % (
			    self.relay_url, self.extra))

	def put_file(self, name, data):
		"""data as a file of the session's folder; its path."""
		path = os.path.join(self.dir, name)
		with open(path, "wb") as fp:
			fp.write(data)
		return path

	def tmux(self, *args, check=True):
		r = subprocess.run(["tmux", "-L", self.socket, "-f", "/dev/null"] +
		    list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
		    timeout=30)
		if check and r.returncode != 0:
			raise RuntimeError("tmux %s: %s" % (args[0],
			    r.stderr.decode(errors="replace")))
		return r.stdout.decode("utf-8", errors="replace")

	def command(self, args=(), lang="C.UTF-8", term="xterm-256color",
	    env=()):
		"""ttydesk with its environment, as an argv list."""
		env = ["env", "TERM=" + term, "LANG=" + lang, "LC_ALL=" + lang] + \
		    list(env) + [
		    "HOME=" + self.dir, "XDG_RUNTIME_DIR=" + self.dir,
		    "TTYDESK_BACKOFF_MAX_MS=2000",
		    "ASAN_OPTIONS=" + os.environ.get("ASAN_OPTIONS", "") +
		    ":log_path=" + os.path.join(self.dir, "asan")]
		return env + [ttydesk_binary(), "--config", self.config] + list(args)

	def launch(self, line, options=()):
		"""Run the shell line in a new tmux session (status bar off, then
		the (option, value) pairs)."""
		# A server killed a moment ago may still be going away.
		for attempt in range(20):
			try:
				self.tmux("new-session", "-d", "-x", str(self.width),
				    "-y", str(self.height), "sh", "-c", line)
				break
			except RuntimeError:
				if attempt == 19:
					raise
				time.sleep(0.1)
		self.tmux("set-option", "-g", "status", "off", check=False)
		for name, value in options:
			self.tmux("set-option", "-g", name, value, check=False)
		self.started = True

	def start(self, args=(), lang="C.UTF-8", term="xterm-256color", env=()):
		cmd = self.command(args, lang, term, env)
		# The shell stays after ttydesk exits so its message is readable.
		# The mark starts a line of its own: a ttydesk killed with the
		# cursor at the end of a full status line leaves it there, with
		# the terminal in raw mode (no newline translation).
		self.launch(" ".join(_shq(c) for c in cmd) +
		    "; printf '\\r\\nTTYDESK-EXIT=%s\\r\\n' $?; sleep 3600")

	def screen(self):
		return self.tmux("capture-pane", "-p", "-t", "0")

	def keys(self, *keys):
		for k in keys:
			self.tmux("send-keys", "-t", "0", k)
			time.sleep(0.05)

	def literal(self, text):
		self.tmux("send-keys", "-t", "0", "-l", text)

	def resize(self, width, height):
		self.tmux("resize-window", "-t", "0", "-x", str(width), "-y",
		    str(height))

	def wait_for(self, pred, timeout=20.0, what=None):
		"""pred: text that must appear, or a function of the screen."""
		if isinstance(pred, str):
			text = pred
			pred = lambda s: text in s  # noqa: E731
			what = what or repr(text)
		deadline = time.monotonic() + timeout
		s = ""
		while time.monotonic() < deadline:
			s = self.screen()
			if pred(s):
				return s
			time.sleep(0.1)
		raise AssertionError("timed out waiting for %s; screen:\n%s" %
		    (what or "condition", s))

	def asan_reports(self):
		out = []
		for f in os.listdir(self.dir):
			if f.startswith("asan"):
				with open(os.path.join(self.dir, f), errors="replace") as fp:
					out.append(fp.read())
		return out

	def close(self):
		if self.started:
			self.tmux("kill-server", check=False)
			self.started = False
			self._reap()
		shutil.rmtree(self.dir, ignore_errors=True)

	def _reap(self, grace=3.0):
		"""ttydesk quits when its terminal goes away; one that has not
		after grace seconds (e.g. stuck in a sanitizer's exit-time leak
		scan) is killed so no test leaves a process behind."""
		deadline = time.monotonic() + grace
		while True:
			pids = _pids_with_arg(self.config)
			if not pids or time.monotonic() >= deadline:
				break
			time.sleep(0.1)
		for pid in pids:
			try:
				os.kill(pid, signal.SIGKILL)
			except OSError:
				pass


def _pids_with_arg(arg):
	pids = []
	for d in os.listdir("/proc"):
		if not d.isdigit():
			continue
		try:
			with open("/proc/%s/cmdline" % d, "rb") as fp:
				argv = fp.read().split(b"\0")
		except OSError:
			continue
		if arg.encode() in argv:
			pids.append(int(d))
	return pids


def _shq(s):
	return "'" + s.replace("'", "'\\''") + "'"


def have_tmux():
	return shutil.which("tmux") is not None



@unittest.skipUnless(have_tmux(), "tmux is not installed")
class TuiWorldCase(unittest.TestCase):
	"""One relay world (relay + fake Graph API) per test class, agent
	alice, and what the tmux tests do again and again.  relay_kw goes to
	harness.RelayWorld (e.g. extra relay config)."""
	relay_kw = None
	session_kw = {}

	@classmethod
	def setUpClass(cls):
		import harness
		cls.world = harness.RelayWorld(status_delays=None,
		    relay_kw=cls.relay_kw)
		cls.fake = cls.world.fake
		cls.alice = cls.world.agent("alice")

	@classmethod
	def tearDownClass(cls):
		cls.world.close()
		cls.world.relay.cleanup()

	def session(self, agent="alice", **kw):
		"""A TuiSession closed when the test ends."""
		for k, v in self.session_kw.items():
			kw.setdefault(k, v)
		t = TuiSession.for_agent(self.world, agent, **kw)
		self.addCleanup(t.close)
		return t

	def online_session(self, agent="alice", **kw):
		"""session(), started and online."""
		t = self.session(agent, **kw)
		t.start()
		t.wait_for("online")
		return t

	def goto_queue(self, t, label):
		"""] until the status bar names the queue."""
		for _ in range(12):
			if t.screen().splitlines()[-1].startswith(" " + label + " "):
				return
			t.keys("]")
			time.sleep(0.2)
		raise AssertionError("queue %s not found" % label)

	def customer_writes(self, name, text, phone=None, **kw):
		"""A new customer (a fresh number unless phone) sends text:
		(customer, message)."""
		import harness
		c = self.fake.customer(phone or harness.unique_phone(), None, name)
		return c, self.customer_says(c, text, **kw)

	def customer_says(self, customer, text, **kw):
		"""An existing customer sends text (kw: the fake's message
		fields, e.g. timestamp): the message."""
		m, code = self.fake.customer_message(customer, "text", text=text,
		    **kw)
		self.assertEqual(code, 200)
		return m

	def conv_of(self, wamid):
		"""The conversation id of message wamid, from alice's events,
		once the relay has it."""
		import harness
		ev = harness.wait_until(lambda: next((e for e in
		    self.alice.all_events(0) if e.get("type") == "message" and
		    e["message"].get("id") == wamid), None),
		    what="the event of message " + wamid)
		return ev["conversation"]

	def open_conv(self, t, name, mark="["):
		"""In the All queue, search name and open its thread (its title
		line holds name and mark)."""
		for _ in range(12):
			if t.screen().splitlines()[-1].startswith(" All "):
				break
			t.keys("]")
			time.sleep(0.2)
		t.keys("/")
		t.literal(name)
		t.keys("Enter", "Enter")
		t.wait_for(lambda s: any(name in l and mark in l for l in
		    s.splitlines()), what="thread of " + name)

	def accepted(self, text):
		"""The sends of text the fake Graph API accepted."""
		return [s for s in self.fake.accepted_sends()
		    if s["body"].get("text", {}).get("body") == text]

	def quit(self, t):
		"""Esc, q (saying yes when asked), exit status 0 and no
		sanitizer report."""
		t.keys("Escape", "Escape", "q")
		s = t.wait_for(lambda s: "TTYDESK-EXIT=0" in s or "quit?" in s,
		    what="exit or quit question")
		if "quit?" in s:
			t.keys("y")
		t.wait_for("TTYDESK-EXIT=0", what="ttydesk to exit with 0")
		self.assertEqual(t.asan_reports(), [])
