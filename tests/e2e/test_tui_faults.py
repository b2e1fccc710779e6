"""End to end: ttydesk against a relay that misbehaves.  The screen must
keep answering keys whatever the relay does (hangs, garbage, errors), and
say what is wrong."""

import http.server
import json
import os
import shutil
import socket
import sys
import threading
import time
import unittest

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, _HERE)

from tui_tmux import TuiSession  # noqa: E402

ME = {"agent": {"id": "alice", "name": "Alice Fault", "teams": ["tier1"]},
    "teams": [{"id": "tier1", "name": "Tier 1"}],
    "business": {"phone_number_id": "1", "display_phone_number": "+1"}}


class BadRelay(http.server.ThreadingHTTPServer):
	"""mode: hang (accept, never answer), garbage_me, garbage_sync,
	error500, slow_sync (valid but each answer takes 20 s)."""
	daemon_threads = True

	def __init__(self, mode):
		self.mode = mode
		self.requests = []
		self.held = []
		super().__init__(("127.0.0.1", 0), Handler)
		self.thread = threading.Thread(target=self.serve_forever,
		    daemon=True)
		self.thread.start()

	@property
	def url(self):
		return "http://127.0.0.1:%d" % self.server_address[1]

	def stop(self):
		self.shutdown()
		self.server_close()


class Handler(http.server.BaseHTTPRequestHandler):
	protocol_version = "HTTP/1.1"

	def log_message(self, *a):
		pass

	def answer(self, status, body, ctype="application/json"):
		data = body.encode() if isinstance(body, str) else body
		self.send_response(status)
		self.send_header("Content-Type", ctype)
		self.send_header("Content-Length", str(len(data)))
		self.end_headers()
		self.wfile.write(data)

	def do_GET(self):
		srv = self.server
		srv.requests.append((self.path, self.headers.get("Authorization")))
		mode = srv.mode
		if mode == "hang":
			time.sleep(120)
			return
		if mode == "error500":
			self.answer(500, '{"error":{"code":"internal","message":"x"}}')
			return
		if self.path.startswith("/v1/snapshot"):
			# A relay from before the windowed reads.
			self.answer(404, '{"error":{"code":"not_found",'
			    '"message":"no such route"}}')
			return
		if self.path.startswith("/v1/me"):
			if mode == "garbage_me":
				self.answer(200, "<html>hello</html>", "text/html")
			else:
				self.answer(200, json.dumps(ME))
			return
		if mode == "garbage_sync":
			self.answer(200, '{"events": [{"seq": "x"}], "next": 1')
			return
		if mode == "slow_sync":
			time.sleep(20)
		self.answer(200, json.dumps({"events": [], "next": 0,
		    "more": False}))


@unittest.skipUnless(shutil.which("tmux"), "tmux is not installed")
class TuiFaults(unittest.TestCase):
	def run_against(self, mode):
		relay = BadRelay(mode)
		self.addCleanup(relay.stop)
		t = TuiSession(relay.url, "tok-" + mode)
		self.addCleanup(t.close)
		t.start()
		return relay, t

	def responsive(self, t):
		"""Help opens and closes promptly while the relay misbehaves."""
		t0 = time.monotonic()
		t.keys("?")
		t.wait_for("ttydesk keys", timeout=5)
		t.keys("Escape")
		t.wait_for(lambda s: "ttydesk keys" not in s, timeout=5,
		    what="help closed")
		return time.monotonic() - t0

	def quit_fast(self, t):
		t0 = time.monotonic()
		t.keys("q")
		t.wait_for("TTYDESK-EXIT=0", timeout=10)
		self.assertLess(time.monotonic() - t0, 5)
		self.assertEqual(t.asan_reports(), [])

	def test_hanging_relay(self):
		relay, t = self.run_against("hang")
		t.wait_for("connecting")
		self.assertLess(self.responsive(t), 5)
		# The token went in the header, never in the URL.
		self.assertTrue(relay.requests)
		path, auth = relay.requests[0]
		self.assertEqual(auth, "Bearer tok-hang")
		self.assertNotIn("tok-hang", path)
		self.quit_fast(t)

	def test_garbage_me(self):
		_, t = self.run_against("garbage_me")
		t.wait_for("offline, retry in")
		t.wait_for("/v1/me answer is not valid")
		self.responsive(t)
		self.quit_fast(t)

	def test_garbage_sync(self):
		relay, t = self.run_against("garbage_sync")
		t.wait_for("offline, retry in")
		# Retries with backoff (capped at 2 s in the tests).
		n = len(relay.requests)
		time.sleep(5)
		self.assertGreater(len(relay.requests), n)
		self.assertTrue(any(p.startswith("/v1/sync?after=0") for p, _ in
		    relay.requests))
		self.responsive(t)
		self.quit_fast(t)

	def test_server_error(self):
		_, t = self.run_against("error500")
		t.wait_for("the relay answered HTTP 500")
		self.responsive(t)
		self.quit_fast(t)

	def test_long_poll_does_not_block_keys(self):
		_, t = self.run_against("slow_sync")
		t.wait_for("Alice Fault")
		self.responsive(t)
		self.quit_fast(t)


if __name__ == "__main__":
	unittest.main(verbosity=2)
