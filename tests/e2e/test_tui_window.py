"""End to end: the working set ([cache] window) against the real relay.

* A conversation resolved 200 days ago is outside the window: a new
  agent's first sync (GET /v1/snapshot) does not bring it; the relay's
  search finds it by a word, Enter opens it with its messages (history on
  demand); with the relay stopped, it opens again from the cache.
* Killing ttydesk (SIGKILL) during the snapshot: the next start resumes
  at the next page (it asks with through= and cursor=, not from scratch)
  and ends with the whole working set.
"""

import http.client
import json
import http.server
import os
import signal
import sys
import threading
import time
import unittest
import urllib.parse

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, _HERE)
sys.path.insert(0, os.path.join(_HERE, "..", "pylib"))
sys.path.insert(0, os.path.join(_HERE, "..", "fake"))

import harness  # noqa: E402
from tui_tmux import TuiSession, TuiWorldCase, _pids_with_arg  # noqa: E402

DAY = 86400


class Proxy:
	"""Forwards to the relay, records the request paths, and slows down
	snapshot pages so a test can kill ttydesk between them."""

	def __init__(self, target, snapshot_delay=0.0):
		u = urllib.parse.urlsplit(target)
		self.host, self.port = u.hostname, u.port
		self.delay = snapshot_delay
		self.paths = []
		proxy = self

		class Handler(http.server.BaseHTTPRequestHandler):
			protocol_version = "HTTP/1.1"

			def log_message(self, *a):
				pass

			def forward(self):
				n = int(self.headers.get("Content-Length") or 0)
				body = self.rfile.read(n) if n else None
				proxy.paths.append(self.path)
				if self.path.startswith("/v1/snapshot") and proxy.delay:
					time.sleep(proxy.delay)
				c = http.client.HTTPConnection(proxy.host, proxy.port,
				    timeout=120)
				h = {k: v for k, v in self.headers.items()
				    if k.lower() not in ("host", "connection")}
				c.request(self.command, self.path, body=body, headers=h)
				r = c.getresponse()
				data = r.read()
				self.send_response(r.status)
				for k, v in r.getheaders():
					if k.lower() not in ("transfer-encoding",
					    "connection", "content-length"):
						self.send_header(k, v)
				self.send_header("Content-Length", str(len(data)))
				self.end_headers()
				c.close()
				try:
					self.wfile.write(data)
				except OSError:
					pass  # ttydesk was killed mid-answer

			do_GET = do_POST = forward

		self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
		    Handler)
		self.server.daemon_threads = True
		self.url = "http://127.0.0.1:%d" % self.server.server_port
		threading.Thread(target=self.server.serve_forever,
		    daemon=True).start()

	def snapshots(self):
		return [p for p in self.paths if p.startswith("/v1/snapshot")]

	def close(self):
		self.server.shutdown()
		self.server.server_close()


def supported(world, path):
	return world.agent("alice").call("GET", path).status != 404


def in_thread(text):
	"""A wait_for predicate: text in the thread pane (right of the list's
	border), not in a list row's preview."""
	return lambda s: any(text in line.split("\u2502", 1)[1]
	    for line in s.splitlines() if "\u2502" in line)


class TuiWindow(TuiWorldCase):
	def setUp(self):
		c = self.fake.customer(harness.unique_phone(), None, "Window Wes")
		self.customer_says(c, "a conversation in the working set")
		if not supported(self.world, "/v1/snapshot?since=1&limit=1"):
			self.skipTest("this relay has no /v1/snapshot")

	def test_old_conversation_by_search_then_offline(self):
		if not supported(self.world, "/v1/search?q=x"):
			self.skipTest("this relay has no /v1/search")
		now = int(time.time())
		olga = self.fake.customer(harness.unique_phone(), None, "Olga Old")
		m = self.customer_says(olga, "the zeppelin landed in the yard",
		    timestamp=now - 200 * DAY)
		old = self.conv_of(m["id"])
		# More than a screen of it: opening must land on the newest.
		for i in range(16):
			last = self.customer_says(olga, "olga's line %d" % i,
			    timestamp=now - 200 * DAY + 60 * (i + 1))
		self.conv_of(last["id"])
		self.assertEqual(self.alice.set_status(old, "resolved").status,
		    200)
		nina = self.fake.customer(harness.unique_phone(), None, "Nina New")
		self.customer_says(nina, "hello from nina today")

		t = self.online_session()
		self.goto_queue(t, "All")
		t.wait_for("Nina New")
		self.goto_queue(t, "Resolved")
		s = t.screen()
		self.assertNotIn("Olga Old", s)
		# The relay counts what it keeps outside: the tab says so.
		self.assertRegex(s, r"Resolved \d+\+\d+")

		t.keys("/")
		t.literal("zeppelin")
		t.keys("Enter")
		s = t.wait_for("older conversations on the relay",
		    what="the relay's hits")
		self.assertIn("zeppelin", s)
		t.keys("Enter")
		# A resolved past opens at its newest message, not at a first
		# "unread" one: this cache never had a read position for it.
		s = t.wait_for(in_thread("olga's line 15"),
		    what="the old conversation's newest message in its thread")
		self.assertIn("Olga Old", s)
		self.assertNotIn("the zeppelin landed in the yard", s)
		t.keys("g")
		t.wait_for("the zeppelin landed in the yard")
		t.wait_for("no older messages")
		self.quit(t)
		t.tmux("kill-server", check=False)
		t.started = False

		# Relay gone: the conversation opens from the same cache.
		self.world.relay.stop()
		self.addCleanup(self.world.restart)
		t.start()
		t.wait_for("offline")
		self.goto_queue(t, "Resolved")
		t.wait_for("Olga Old")
		t.keys("/")
		t.literal("Olga Old")
		t.keys("Enter", "Enter")
		t.wait_for(in_thread("olga's line 15"),
		    what="the newest message, offline")
		self.quit(t)

	def test_archive_pages_resolved_conversations_from_the_relay(self):
		if not supported(self.world, "/v1/conversations?status=resolved"):
			self.skipTest("this relay has no /v1/conversations")
		base = int(time.time()) - 150 * DAY
		last = None
		for i in range(55):
			c = self.fake.customer(harness.unique_phone(), None,
			    "Arch %02d" % i)
			last = self.customer_says(c, "archived note %02d" % i,
			    timestamp=base + 60 * i)
		self.conv_of(last["id"])
		convs = {e["conversation"] for e in self.alice.all_events(0)
		    if e["type"] == "message" and str(e["message"].get("text",
		    "")).startswith("archived note")}
		self.assertEqual(len(convs), 55)
		for conv in convs:
			self.assertEqual(self.alice.set_status(conv,
			    "resolved").status, 200)

		t = self.session()
		t.start()
		t.wait_for("online")
		t.keys("O")
		# Newest first, fifty to a page, a last row for the next page.
		s = t.wait_for("resolved on the relay: 50, more below",
		    what="the first page of the archive")
		self.assertIn("Arch 54", s)
		self.assertNotIn("Arch 04", s)
		t.keys("G", "Enter")
		s = t.wait_for("resolved on the relay: 55",
		    what="the second page appended")
		self.assertNotIn("more below", s)
		t.keys("G")
		t.wait_for("Arch 00")
		t.keys("Enter")
		s = t.wait_for(in_thread("archived note 00"),
		    what="the oldest archived conversation opened")
		self.assertIn("[resolved", s)
		self.quit(t)

	def test_snapshot_resumes_after_kill(self):
		n = 12
		for i in range(n):
			c = self.fake.customer(harness.unique_phone(), None,
			    "Resume %02d" % i)
			self.customer_says(c, "resume message %d" % i)
		proxy = Proxy(self.world.relay.url, snapshot_delay=0.4)
		self.addCleanup(proxy.close)
		t = TuiSession(proxy.url, self.world.relay.agents["alice"].token)
		self.addCleanup(t.close)
		env = ["TTYDESK_SNAPSHOT_LIMIT=2"]
		t.start(env=env)
		harness.wait_until(lambda: len(proxy.snapshots()) >= 3,
		    what="three snapshot pages")
		for pid in _pids_with_arg(t.config):
			os.kill(pid, signal.SIGKILL)
		t.wait_for("TTYDESK-EXIT=", what="the killed ttydesk gone")
		t.tmux("kill-server", check=False)
		t.started = False
		first_run = list(proxy.snapshots())
		self.assertNotIn("cursor=", first_run[0])

		proxy.paths.clear()
		proxy.delay = 0
		t.start(env=env)
		t.wait_for("online")
		harness.wait_until(lambda: proxy.snapshots(), what="a snapshot page")
		resumed = proxy.snapshots()[0]
		# Resumed: the position of a page stored before the kill.
		self.assertIn("through=", resumed)
		self.assertIn("cursor=", resumed)
		self.goto_queue(t, "All")
		for i in range(n):
			t.wait_for("Resume %02d" % i)
		self.quit(t)


if __name__ == "__main__":
	unittest.main()
