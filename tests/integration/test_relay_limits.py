#!/usr/bin/env python3
"""What an unauthenticated client may hold (relay-api.md, "Operating the
relay"): max_body_total with a reserve for small bodies (503 at once past
it), max_conns_per_address (trusted proxies exempt), and request_timeout
for a whole request while microhttpd's own timeout is idle-only.  The
same under load: tests/load/test_slow_senders.py."""

import os
import socket
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
    "..", "pylib"))
from harness import RelayWorld, main  # noqa: E402


def slow_post(port, length, source="127.0.0.1", first=1024):
	"""A POST /webhook announcing length bytes, sending only the first."""
	s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
	s.bind((source, 0))
	s.settimeout(10)
	s.connect(("127.0.0.1", port))
	s.sendall(b"POST /webhook HTTP/1.1\r\nHost: r\r\nContent-Type: "
	    b"application/json\r\nX-Hub-Signature-256: sha256=00\r\n"
	    b"Content-Length: %d\r\n\r\n" % length + b"[" * first)
	return s


def closed_within(s, seconds):
	"""True when the relay closes s (EOF or reset) within seconds;
	returns (closed, bytes answered)."""
	s.settimeout(seconds)
	got = b""
	try:
		while True:
			d = s.recv(4096)
			if not d:
				return True, got
			got += d
	except socket.timeout:
		return False, got
	except OSError:
		return True, got


class Limits(unittest.TestCase):

	def world(self, **opts):
		w = RelayWorld(relay_kw={"relay_options": opts})
		self.addCleanup(w.close)
		return w

	def test_body_budget_503_at_once_with_a_reserve(self):
		w = self.world(max_body_total="256K")
		port = w.relay.port
		holder = slow_post(port, 200 * 1024)
		self.addCleanup(holder.close)
		time.sleep(0.3)
		t0 = time.monotonic()
		second = slow_post(port, 200 * 1024)
		self.addCleanup(second.close)
		closed, answer = closed_within(second, 5)
		self.assertTrue(answer.startswith(b"HTTP/1.1 503"), answer[:80])
		self.assertIn(b"Retry-After:", answer)
		self.assertLess(time.monotonic() - t0, 3, "503 not at once")
		# A real webhook (small, Content-Length) still passes.
		c = w.fake.customer(wa_id="15550009%04d" % (time.time_ns() %
		    10000))
		self.assertEqual(w.fake.customer_message(c, "text")[1], 200)
		# The budget comes back when the holder goes.
		holder.close()
		time.sleep(0.5)
		third = slow_post(port, 200 * 1024)
		self.addCleanup(third.close)
		closed, answer = closed_within(third, 1)
		self.assertFalse(closed, answer[:80])
		self.assertEqual(answer, b"")

	def test_conns_per_address_and_trusted_proxies(self):
		w = self.world(max_conns_per_address="4",
		    trusted_proxies="127.0.0.3")
		port = w.relay.port
		# The start-up probe's connection must be gone first.
		time.sleep(1.0)
		held = []
		for _ in range(4):
			held.append(slow_post(port, 100, first=1))
		for s in held:
			self.addCleanup(s.close)
		time.sleep(0.3)
		fifth = slow_post(port, 100, first=1)
		self.addCleanup(fifth.close)
		self.assertEqual(closed_within(fifth, 5), (True, b""))
		for s in held:
			self.assertFalse(closed_within(s, 0.1)[0])
		# Another address is not locked out by the first.
		other = slow_post(port, 100, source="127.0.0.2", first=1)
		self.addCleanup(other.close)
		self.assertFalse(closed_within(other, 1)[0])
		# A trusted proxy carries many clients: no limit for it.
		proxied = [slow_post(port, 100, source="127.0.0.3", first=1)
		    for _ in range(10)]
		for s in proxied:
			self.addCleanup(s.close)
		time.sleep(0.3)
		for s in proxied:
			self.assertFalse(closed_within(s, 0.1)[0])
		self.assertIn("reason=max_conns_per_address", w.relay.log_text())

	def test_request_timeout_is_for_the_whole_request(self):
		w = self.world(request_timeout="2s")
		port = w.relay.port
		s = socket.create_connection(("127.0.0.1", port), timeout=10)
		self.addCleanup(s.close)
		# Headers one byte every 0.2 s: never idle for long, never done.
		head = b"POST /webhook HTTP/1.1\r\nHost: r\r\nX-Pad: " + b"a" * 200
		t0 = time.monotonic()
		closed_at = None
		for b in head:
			try:
				s.sendall(bytes([b]))
			except OSError:
				closed_at = time.monotonic() - t0
				break
			s.settimeout(0.2)
			try:
				if s.recv(1) == b"":
					closed_at = time.monotonic() - t0
					break
			except socket.timeout:
				pass
			except OSError:
				closed_at = time.monotonic() - t0
				break
		self.assertIsNotNone(closed_at, "a 40 s trickle was never cut")
		self.assertGreater(closed_at, 1.5)
		self.assertLess(closed_at, 5)
		# A long-poll waits longer than the timeout: it is not cut.
		agent = w.agent("alice")
		last = agent.sync(0).data["next"]
		t0 = time.monotonic()
		r = agent.sync(last, wait=4)
		self.assertEqual(r.status, 200)
		self.assertGreater(time.monotonic() - t0, 3.5)


if __name__ == "__main__":
	main()
