"""Start and stop a real ttydesk-relay with a temporary configuration.

Python standard library only.  Every process started here is killed at
interpreter exit (atexit) even when a test fails half way.
"""

import atexit
import hashlib
import http.client
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import pgcluster

_LIVE = set()


def _kill_all():
	for p in list(_LIVE):
		try:
			p.kill()
			p.wait(5)
		except (OSError, subprocess.TimeoutExpired):
			pass


atexit.register(_kill_all)


def build_dir():
	d = os.environ.get("TTYDESK_BUILD_DIR")
	if not d:
		here = os.path.dirname(os.path.abspath(__file__))
		d = os.path.join(here, "..", "..", "build", "dev")
	return os.path.abspath(d)


def relay_binary():
	return os.path.join(build_dir(), "ttydesk-relay")


def free_port():
	"""A port nobody listens on right now (bind port 0, close)."""
	with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
		s.bind(("127.0.0.1", 0))
		return s.getsockname()[1]


def write_secret(path, text):
	fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
	with os.fdopen(fd, "w") as fp:
		fp.write(text)
	os.chmod(path, 0o600)


def sha256_hex(text):
	return hashlib.sha256(text.encode()).hexdigest()


class Agent:
	def __init__(self, agent_id, name, teams, token=None, numbers=None,
	    role=None, visibility=None):
		self.id = agent_id
		self.role = role                # None: the default (agent)
		self.visibility = visibility    # None: the default (all)
		self.name = name
		self.teams = list(teams)
		self.token = token or secrets.token_urlsafe(24)
		self.numbers = list(numbers) if numbers else None  # None: all


DEFAULT_TEAMS = (("tier1", "Tier 1"), ("tier2", "Tier 2"),
    ("billing", "Billing"))


class Relay:
	"""One ttydesk-relay process with its own folder, config and DB.

	Typical use:
	    r = Relay(graph_url=fake.graph_url, app_secret=..., access_token=...)
	    r.start()          # waits until it answers
	    ...
	    r.stop()           # SIGTERM, returns the exit code
	"""

	def __init__(self, graph_url, phone_number_id="106540352242922",
	    app_secret=None, access_token=None, verify_token=None,
	    display_phone_number="+1 555 0100", max_body=None, agents=None,
	    teams=DEFAULT_TEAMS, workdir=None, extra_config="", database=None,
	    relay_options=None):
		self.graph_url = graph_url
		self.phone_number_id = str(phone_number_id)
		self.display_phone_number = display_phone_number
		self.app_secret = app_secret or secrets.token_hex(16)
		self.access_token = access_token or "EAAG" + secrets.token_hex(24)
		self.verify_token = verify_token or "verify-" + secrets.token_hex(6)
		self.max_body = max_body
		self.teams = list(teams)
		if agents is None:
			# alice leads the team: she may assign to others.
			agents = [Agent("alice", "Alice Moreau", ["tier1", "tier2"],
			    role="supervisor"),
			    Agent("bob", "Bob Nakamura", ["tier1"])]
		self.agents = {a.id: a for a in agents}
		self.extra_config = extra_config
		self.relay_options = dict(relay_options or {})  # more [relay] keys
		self._own_dir = workdir is None
		self.dir = workdir or tempfile.mkdtemp(prefix="ttydesk-relay-")
		# The [relay] database value: a file (relative) or a
		# postgresql:// URI; with TTYDESK_TEST_DB=pg and none given, a
		# fresh database in a throwaway cluster (pgcluster.py).
		if database is None and pgcluster.wanted():
			database = pgcluster.shared().new_database()
		self.database = database or "relay.db"
		self.db = os.path.join(self.dir, self.database)
		self.config_path = os.path.join(self.dir, "relay.conf")
		self.log_path = os.path.join(self.dir, "relay.log")
		self.proc = None
		self.port = None
		self.url = None
		self.starts = 0
		self.cwd = self.dir     # relative paths must not depend on it

	# ---- configuration ----------------------------------------------

	def write_config(self):
		sec = os.path.join(self.dir, "secrets")
		os.makedirs(sec, mode=0o700, exist_ok=True)
		write_secret(os.path.join(sec, "access_token"), self.access_token)
		write_secret(os.path.join(sec, "app_secret"), self.app_secret)
		lines = ["# written by tests/pylib/relayproc.py", "[relay]",
		    "listen = 127.0.0.1:%d" % self.port,
		    "database = " + self.database]
		if self.max_body is not None:
			lines.append("max_body = %d" % self.max_body)
		lines += ["%s = %s" % kv for kv in self.relay_options.items()]
		lines += ["", "[whatsapp]", "graph_url = " + self.graph_url,
		    "phone_number_id = " + self.phone_number_id,
		    "display_phone_number = " + self.display_phone_number,
		    "access_token_file = secrets/access_token",
		    "app_secret_file = secrets/app_secret",
		    "verify_token = " + self.verify_token]
		for tid, tname in self.teams:
			lines += ["", "[team %s]" % tid, "name = " + tname]
		for a in self.agents.values():
			lines += ["", "[agent %s]" % a.id, "name = " + a.name,
			    "teams = " + ", ".join(a.teams),
			    "token_sha256 = " + sha256_hex(a.token)]
			if a.numbers:
				lines.append("numbers = " + ", ".join(a.numbers))
			if a.role:
				lines.append("role = " + a.role)
			if a.visibility:
				lines.append("visibility = " + a.visibility)
		text = "\n".join(lines) + "\n" + self.extra_config
		with open(self.config_path, "w", encoding="utf-8") as fp:
			fp.write(text)

	# ---- life cycle -------------------------------------------------

	def start(self, timeout=60.0, port=None, write=True):
		"""Start the relay and wait until it answers HTTP.  A port taken
		between free_port() and the relay's bind gets a second try.
		write=False keeps the config file as it is (e.g. after
		add-agent)."""
		if not os.access(relay_binary(), os.X_OK):
			raise RuntimeError("no relay binary at %s (set "
			    "TTYDESK_BUILD_DIR)" % relay_binary())
		last = None
		for _ in range(3):
			self.port = port or self.port or free_port()
			self.url = "http://127.0.0.1:%d" % self.port
			if write:
				self.write_config()
			try:
				self._spawn(timeout)
				return self
			except RuntimeError as e:
				last = e
				if port or not write:
					break
				self.port = None
		raise last

	def _spawn(self, timeout):
		log = open(self.log_path, "ab")
		log.write(b"---- start %d\n" % self.starts)
		log.flush()
		self.starts += 1
		self.proc = subprocess.Popen([relay_binary(), "--config",
		    self.config_path], stdin=subprocess.DEVNULL,
		    stdout=log, stderr=log, cwd=self.cwd)
		log.close()
		_LIVE.add(self.proc)
		deadline = time.monotonic() + timeout
		while time.monotonic() < deadline:
			if self.proc.poll() is not None:
				_LIVE.discard(self.proc)
				raise RuntimeError("relay exited with %d at start:\n%s"
				    % (self.proc.returncode, self.log_tail()))
			if self._answers():
				return
			time.sleep(0.05)
		self.kill()
		raise RuntimeError("relay did not answer within %.0f s:\n%s"
		    % (timeout, self.log_tail()))

	def _answers(self):
		try:
			c = http.client.HTTPConnection("127.0.0.1", self.port,
			    timeout=2)
			c.request("GET", "/webhook?hub.mode=subscribe&hub."
			    "verify_token=probe-not-the-token&hub.challenge=1")
			c.getresponse().read()
			c.close()
			return True
		except OSError:
			return False

	def running(self):
		return self.proc is not None and self.proc.poll() is None

	def stop(self, timeout=30.0):
		"""SIGTERM and wait; returns the exit code (None if not running)."""
		if self.proc is None:
			return None
		p = self.proc
		if p.poll() is None:
			p.send_signal(signal.SIGTERM)
			try:
				p.wait(timeout)
			except subprocess.TimeoutExpired:
				p.kill()
				p.wait(10)
				_LIVE.discard(p)
				self.proc = None
				raise RuntimeError("relay ignored SIGTERM for %.0f s"
				    % timeout)
		_LIVE.discard(p)
		self.proc = None
		return p.returncode

	def kill(self):
		"""SIGKILL (kill -9) and reap."""
		if self.proc is None:
			return
		p = self.proc
		if p.poll() is None:
			p.kill()
		p.wait(10)
		_LIVE.discard(p)
		self.proc = None

	def restart(self, timeout=60.0):
		code = self.stop()
		self.start(timeout, port=None)
		return code

	def cleanup(self):
		"""Kill if running and remove the folder (when we made it)."""
		self.kill()
		if self._own_dir:
			shutil.rmtree(self.dir, ignore_errors=True)

	def log_text(self):
		try:
			with open(self.log_path, "rb") as fp:
				return fp.read().decode("utf-8", "replace")
		except OSError:
			return ""

	def log_tail(self, n=60):
		return "\n".join(self.log_text().splitlines()[-n:])

	def run_cli(self, *args, timeout=60):
		"""Run `ttydesk-relay <args>` (e.g. add-agent); returns
		CompletedProcess with text output."""
		return subprocess.run([relay_binary()] + list(args),
		    capture_output=True, text=True, timeout=timeout, cwd=self.dir)
