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
import urllib.parse
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


class DemoRun(unittest.TestCase):
	"""Runs scripts/demo ARGS in a private tmux server for the class."""
	ARGS = ""

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
		cmd = "env %s %s %s; echo $? > %s" % (
		    " ".join("%s=%s" % kv for kv in env.items()),
		    os.path.join(SOURCE, "scripts", "demo"), cls.ARGS,
		    cls.exit_path)
		tmux(cls.sock, "-f", "/dev/null", "new-session", "-d", "-x",
		    "160", "-y", "45", "-s", "demo", cmd)
		cls.info = None
		tmux(cls.sock, "set-option", "-t", "demo", "remain-on-exit",
		    "on", check=False)
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
		# The demo cleans up after the tmux server is gone: let it
		# finish before removing the folder it works in.
		deadline = time.monotonic() + 15
		while processes_mentioning(cls.work) and \
		    time.monotonic() < deadline:
			time.sleep(0.2)
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

	def reply_via_api(self, conv, text):
		body = json.dumps({"client_id": "e2e-%d" % os.getpid(),
		    "text": text}).encode()
		req = urllib.request.Request("%s/v1/conversations/%s/messages" %
		    (self.info["relay_url"], urllib.parse.quote(conv, safe="")),
		    data=body, method="POST", headers={"Authorization": "Bearer "
		    + self.token, "Content-Type": "application/json"})
		with urllib.request.urlopen(req, timeout=10) as r:
			self.assertEqual(r.status, 202)

	def sent(self):
		return http_json(self.info["fake_url"] + "/_fake/sent")["sent"]

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
		"""The reply's header line (it carries the tick, just above
		the text) with its colours (capture -e), from the tick on; ""
		when there is no tick."""
		out = tmux(self.sock, "capture-pane", "-p", "-e", "-t", "demo",
		    check=False).splitlines()
		plain = [re.sub(r"\x1b\[[0-9;:]*m", "", l) for l in out]
		for i, line in enumerate(plain):
			if text not in line:
				continue
			for j in (i, i - 1, i - 2):
				if j >= 0 and "\u2713" in plain[j]:
					raw = out[j]
					k = raw.find("\u2713")
					# With the colour sequences right before it.
					m = re.search(r"(\x1b\[[0-9;:]*m)*$", raw[:k])
					return raw[m.start():]
			return ""
		return ""

	# The keyboard side: docs/keys.md holds the defaults.
	def goto_queue(self, send, screen, name, agent="Alice Moreau"):
		"""Cycle the queues until the status line names `name`."""
		def current():
			lines = [l for l in screen().splitlines() if l.strip()]
			return lines[-1].split() if lines else []
		wait(lambda: agent in " ".join(current()), 30,
		    "ttydesk's status line")
		for _ in range(12):
			if current()[:1] == [name]:
				return
			send(key("queue_next"))
			time.sleep(0.3)
		self.fail("no queue %s: %r" % (name, current()))

	def selected_row(self):
		"""The list row under the cursor ("" when none is shown)."""
		return next((l for l in self.screen().splitlines()
		    if l.startswith("\u25b6")), "")

	def open_conversation(self, name):
		"""Search for name and open it.  The demo goes on meanwhile and a
		busy ttydesk may read two keys at once (Escape then / as Alt-/,
		or a name typed before the prompt is up as actions): so the
		prompt must be on screen before the name is typed, and the
		search is made again until the row under the cursor is name's,
		so the test never opens another conversation."""
		for attempt in range(3):
			# C-g closes a prompt or box left open; the list ignores it.
			self.keys("C-g")
			time.sleep(0.3)
			self.keys(key("search"))
			try:
				wait(lambda: "Search:" in self.screen(), 5,
				    "the search prompt")
				self.keys("-l", name)
				self.keys("Enter")
				wait(lambda: name in self.selected_row().split(
				    "\u2502")[0], 5, name + " selected")
				break
			except AssertionError:
				if attempt == 2:
					print(self.screen(), file=sys.stderr)
					raise
		self.keys(key("open"))
		time.sleep(0.5)

	def reply(self, text):
		self.keys(key("reply"))
		time.sleep(0.5)
		self.keys("-l", text)
		time.sleep(0.2)
		self.keys(key("send"))

	def quit(self):
		# Esc alone (a following key would make it Alt-key).
		self.keys(key("back"))
		time.sleep(0.5)
		self.keys(key("quit"))


class Demo(DemoRun):
	ARGS = "--pace 4 --speed 0.3 --status-delays 0.5,2,7"

	def test_1_conversations_appear(self):
		# The history and the live customers reach the relay and the
		# screen (the All queue shows every conversation).
		self.goto_queue(self.keys, self.screen, "All")
		wait(lambda: all(n in self.screen() for n in HISTORY_NAMES[:3]),
		    30, "customer names on screen")
		contacts = self.contacts()
		self.assertGreaterEqual(len(contacts), 6)
		self.assertIn(NO_PHONE_CUSTOMER, contacts)
		old = [e for e in self.events() if e["type"] == "message" and
		    e["message"]["direction"] == "in" and
		    e["message"]["from"] == "2348031234567"]
		self.assertTrue(old, "no message from the parcel customer")
		# Two business numbers: the French customers' conversations are
		# on the second one, and one answer there came from the
		# WhatsApp Business app.
		numbers = {e["state"].get("number") for e in self.events()
		    if e["type"] == "conversation"}
		self.assertEqual(numbers, {"support-de", "support-fr"})
		self.assertTrue([e for e in self.events() if e["type"] ==
		    "message" and e["message"].get("origin") == "business_app"],
		    "no message sent from the WhatsApp Business app")
		wait(lambda: "number: all" in self.screen(), 10,
		    "the number filter on the queue bar")
		# Customers keep writing while the demo runs (--pace 4).
		n = len(contacts)
		wait(lambda: len(self.contacts()) > n, 20, "a new customer")

	def test_1b_the_team_lead_tools(self):
		# Tier 1 is assigned in turn to its online agents: alice, here;
		# the thread says so.
		def auto():
			return [e for e in self.events() if e["type"] ==
			    "conversation" and e["state"].get("team") == "tier1" and
			    e["state"].get("assigned_by") == "auto" and
			    e["state"].get("assignee") == "alice"]
		wait(auto, 30, "a conversation assigned automatically")
		# alice is a supervisor: the report has figures, the team view
		# her open conversations against the capacity.
		# sam answered and resolved Nora's request and she rated it
		# "Great" (csat:5).
		def report():
			r = http_json("%s/v1/reports?from=0&by=agent" %
			    self.info["relay_url"], self.token)
			return r if r["totals"]["csat_count"] > 0 else None
		rep = wait(report, 30, "a CSAT answer in the report")
		self.assertGreater(rep["totals"]["conversations"], 0, rep)
		self.assertGreater(rep["totals"]["resolved"], 0, rep)
		self.assertEqual(rep["totals"]["csat_avg"], 5.0, rep)
		self.assertIsNotNone(rep["totals"]["resolution_p50"], rep)
		self.assertIn("alice", [r["key"] for r in rep["rows"]])
		team = http_json(self.info["relay_url"] + "/v1/team", self.token)
		tier1 = [t for t in team["teams"] if t["id"] == "tier1"][0]
		self.assertEqual((tier1["mode"], tier1["open_now"]),
		    ("round_robin", True))
		me = [a for a in team["agents"] if a["id"] == "alice"][0]
		self.assertTrue(me["online"])
		self.assertEqual(me["capacity"], 8)
		self.assertGreater(me["open"], 0)
		self.keys("C-g")
		time.sleep(0.3)
		self.keys(key("report"))
		wait(lambda: "Conversations per agent" in self.screen() and
		    "daily volume" in self.screen(), 20, "the report view")
		self.keys(key("back"))
		time.sleep(0.5)
		self.keys(key("team"))
		wait(lambda: "round_robin" in self.screen() and "/8" in
		    self.screen(), 20, "the team view")
		self.keys(key("back"))
		time.sleep(0.5)

	def test_2_reply_reaches_the_customer(self):
		conv = self.contacts()[CARD_CUSTOMER]
		text = "Demo test reply %d" % os.getpid()
		self.open_conversation("Hannah")
		if compose_missing():
			# Until the TUI can compose (docs/keys.md says reply is
			# not available), alice replies through the agent API;
			# everything after the send is checked the same way.
			print("note: reply sent through the agent API, the TUI "
			    "has no compose yet", file=sys.stderr)
			self.reply_via_api(conv, text)
		else:
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
		self.assertIn(READ_TICK, self.tick_cells(text))
		# The customer answers.
		wait(lambda: [e for e in self.events() if e["type"] == "message"
		    and e["conversation"] == conv and e["message"]["direction"]
		    == "in" and e["ts"] >= int(send["time"]) - 1], 30,
		    "the customer's answer")

	def test_2b_picture_button_template(self):
		# Hannah tapped the button of Sam's message: a structured line.
		# (The search moves to the list from a thread: no Escape, which a
		# busy ttydesk could read with the next key as one Alt-key.)
		self.open_conversation("Hannah")
		wait(lambda: "button: Yes, it was me" in self.screen(), 30,
		    "Hannah's button answer")
		# Mei's photo of the lamp is drawn as a picture.
		self.open_conversation("Mei Tanaka")
		blocks = set(chr(c) for c in range(0x2580, 0x25A0))
		try:
			wait(lambda: sum(1 for l in self.screen().splitlines()
			    if sum(ch in blocks for ch in l) >= 2) >= 4, 30,
			    "the lamp picture")
		except AssertionError:
			print(self.screen(), file=sys.stderr)
			raise
		# The approved template is listed, the paused one not offered.
		ts = http_json(self.info["relay_url"] + "/v1/templates",
		    self.token)["templates"]
		self.assertIn(("replacement_shipped", "APPROVED"),
		    [(t["name"], t["status"]) for t in ts])
		self.keys("Escape")

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


class TwoAgents(DemoRun):
	"""--two-agents: alice and bob in two windows of the demo's own tmux,
	sharing one queue."""
	ARGS = "--two-agents --pace 30"

	def inner(self, *args):
		p = subprocess.run(["tmux", "-S", os.path.join(self.info["tmp"],
		    "tmux.sock")] + list(args), stdout=subprocess.PIPE,
		    stderr=subprocess.PIPE, text=True,
		    env=dict(os.environ, LC_ALL="C.UTF-8"))
		return p.stdout

	def pane(self, window):
		return self.inner("capture-pane", "-p", "-t",
		    "ttydesk-demo:" + window)

	def test_two_agents_share_the_queue(self):
		wait(lambda: self.inner("list-windows", "-t", "ttydesk-demo",
		    "-F", "#{window_name}").split() == ["alice", "bob"], 20,
		    "the windows alice and bob")
		wait(lambda: "Alice Moreau" in self.pane("alice"), 20,
		    "alice's ttydesk")
		wait(lambda: "Bob Lee" in self.pane("bob"), 20, "bob's ttydesk")
		self.goto_queue(lambda k: self.inner("send-keys", "-t",
		    "ttydesk-demo:bob", k), lambda: self.pane("bob"), "All",
		    "Bob Lee")
		# bob is in tier2: the conversation sam escalated is in his
		# Tier 2 queue.
		wait(lambda: "Tier 2 1" in self.pane("bob"), 20,
		    "the escalation in bob's Tier 2 queue")
		# alice takes Hannah's conversation: bob sees it at once.
		conv = self.contacts()[CARD_CUSTOMER]
		body = json.dumps({"client_id": "e2e-claim-%d" % os.getpid(),
		    "agent": "alice"}).encode()
		req = urllib.request.Request("%s/v1/conversations/%s/assign" %
		    (self.info["relay_url"], urllib.parse.quote(conv, safe="")),
		    data=body, method="POST", headers={"Authorization": "Bearer "
		    + self.token, "Content-Type": "application/json"})
		with urllib.request.urlopen(req, timeout=10) as r:
			self.assertEqual(r.status, 200)
		wait(lambda: [l for l in self.pane("bob").splitlines()
		    if "Hannah" in l and "@alice" in l], 10,
		    "bob to see that alice took Hannah")
		# q in alice's window ends the whole demo.
		tmp = self.info["tmp"]
		self.inner("send-keys", "-t", "ttydesk-demo:alice", key("quit"))
		wait(lambda: os.path.exists(self.exit_path), 30,
		    "the demo to exit")
		for k in ("relay_pid", "customers_pid"):
			pid = int(self.info[k])
			wait(lambda: not pid_alive(pid), 10, k + " to end")
		self.assertFalse(os.path.exists(tmp), tmp + " left behind")
		self.assertEqual(processes_mentioning(tmp), [])


def keymap():
	"""action -> its first default key, from docs/keys.md (generated from
	the TUI's keymap), in tmux send-keys spelling."""
	tmux_names = {"Esc": "Escape", "PageUp": "PPage",
	    "PageDown": "NPage", "Space": "Space", "BTab": "BTab"}
	keys = {}
	with open(os.path.join(SOURCE, "docs", "keys.md")) as fp:
		for line in fp:
			m = re.match(r"\| `(\w+)` \| `?([^|`]+)`? \| (.*) \|$",
			    line.strip())
			if m:
				first = m.group(2).split(",")[0].strip()
				keys[m.group(1)] = (tmux_names.get(first, first),
				    m.group(3))
	return keys


def key(action):
	return keymap()[action][0]


def compose_missing():
	k = keymap().get("reply")
	return k is None or "not available" in k[1]


READ_TICK = "\u2713\u2713"


if __name__ == "__main__":
	unittest.main(verbosity=2)
