#!/usr/bin/env python3
"""Clients and connections that go wrong, against a real relay:

* 60 clients ask for a large sync answer (about 1.5 MB), read a few KiB
  and hang up (half of them with a reset); a client that never reads its
  answer keeps its socket open: the relay stays up, other agents get
  answers at once, a normal client then gets the whole log (every seq
  once, in order), and the relay's fds go back to where they were;
* the relay is killed (-9) while it writes an 8 MB sync answer and while
  webhooks arrive: the reader sees a short body (Content-Length says so)
  and throws it away; after a restart, syncing from the last complete
  answer's `next` gives every acknowledged message exactly once, and seq
  keeps rising.
"""

import json
import os
import socket
import struct
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "pylib"))
from harness import RelayTestCase, RelayWorld, main, unique_phone  # noqa: E402
from harness import wait_until  # noqa: E402


def note(text):
	sys.stderr.write("  [faults-net] %s\n" % text)


def fd_count(pid):
	return len(os.listdir("/proc/%d/fd" % pid))


def rss_kib(pid):
	with open("/proc/%d/status" % pid) as fp:
		for line in fp:
			if line.startswith("VmRSS:"):
				return int(line.split()[1])
	return -1


def sync_request(token, after=0, limit=5000):
	return ("GET /v1/sync?after=%d&limit=%d HTTP/1.1\r\nHost: x\r\n"
	    "Authorization: Bearer %s\r\nConnection: close\r\n\r\n" % (after,
	    limit, token)).encode()


def read_answer(s, data=b""):
	"""(status line, headers dict, body, complete?) of one answer; data:
	what was read already."""
	try:
		while True:
			chunk = s.recv(65536)
			if not chunk:
				break
			data += chunk
	except OSError:
		pass
	head, _, body = data.partition(b"\r\n\r\n")
	lines = head.decode("latin-1").split("\r\n")
	hdrs = {}
	for l in lines[1:]:
		k, _, v = l.partition(":")
		hdrs[k.strip().lower()] = v.strip()
	n = int(hdrs.get("content-length", "-1"))
	return lines[0], hdrs, body, n == len(body)


class HalfReaders(RelayTestCase):

	@classmethod
	def setUpClass(cls):
		# ASan keeps freed memory in quarantine (256 MB by default):
		# keep it small so RSS says what the relay itself holds on to.
		old = os.environ.get("ASAN_OPTIONS")
		os.environ["ASAN_OPTIONS"] = ((old + ":") if old else "") + \
		    "quarantine_size_mb=4"
		try:
			super().setUpClass()
		finally:
			if old is None:
				os.environ.pop("ASAN_OPTIONS")
			else:
				os.environ["ASAN_OPTIONS"] = old

	def fill(self, n=300, size=5000):
		c = self.customer(name="Bulk Writer")
		for i in range(0, n, 50):
			msgs = []
			for j in range(i, min(n, i + 50)):
				m, _ = self.fake.customer_message(c, "text", post=False,
				    text="bulk %d %s" % (j, "z" * size))
				msgs.append(m)
			import wa_payloads as wp
			body = wp.envelope([wp.message_value(
			    self.fake.phone_number_id,
			    self.fake.display_phone_number, c, msgs)])
			self.assertEqual(self.fake.post_webhook(body), 200)

	def test_half_read_sync_answers(self):
		self.fill()
		pid = self.relay.proc.pid
		time.sleep(0.3)
		fds0, rss0 = fd_count(pid), rss_kib(pid)
		req = sync_request(self.alice.token)
		# One that never reads, and stays.
		stuck = socket.create_connection(("127.0.0.1", self.relay.port))
		stuck.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
		stuck.sendall(req)
		t0 = time.monotonic()
		for i in range(60):
			s = socket.create_connection(("127.0.0.1", self.relay.port),
			    timeout=10)
			s.sendall(req)
			got = 0
			while got < 4096:
				chunk = s.recv(4096 - got)
				if not chunk:
					break
				got += len(chunk)
			self.assertGreater(got, 0, "no answer at all")
			if i % 2:
				# RST instead of FIN.
				s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
				    struct.pack("ii", 1, 0))
			s.close()
		note("60 half reads in %.2f s" % (time.monotonic() - t0))
		# Others are served at once, with the stuck reader still there.
		t1 = time.monotonic()
		self.assertEqual(self.bob.me().status, 200)
		r = self.bob.sync(0, limit=1)
		self.assertEqual(r.status, 200)
		self.assertLess(time.monotonic() - t1, 2.0)
		evs = self.alice.all_events(0)
		seqs = [e["seq"] for e in evs]
		self.assertEqual(seqs, sorted(set(seqs)), "seq repeated or out "
		    "of order")
		bulk = [e for e in evs if e.get("type") == "message" and
		    e["message"].get("text", "").startswith("bulk ")]
		self.assertEqual(len(bulk), 300)
		stuck.close()
		wait_until(lambda: fd_count(pid) <= fds0 + 3, 20,
		    what="fds back to %d (now %d)" % (fds0, fd_count(pid)))
		rss1 = rss_kib(pid)
		note("fds %d -> %d, RSS %d -> %d KiB" % (fds0, fd_count(pid),
		    rss0, rss1))
		# 60 abandoned 1.5 MB answers must not stay in memory.
		self.assertLess(rss1 - rss0, 60 * 1024, "RSS grew %d KiB" %
		    (rss1 - rss0))
		self.assertTrue(self.relay.running())


class KilledMidAnswer(unittest.TestCase):

	def setUp(self):
		self.world = RelayWorld()
		self.relay = self.world.relay
		self.fake = self.world.fake
		self.alice = self.world.agent("alice")

	def tearDown(self):
		self.world.close()

	def test_kill9_mid_answer_loses_and_repeats_nothing(self):
		import wa_payloads as wp
		c = self.fake.customer(unique_phone(), None, "Big Log")
		acked = []
		for i in range(0, 1000, 50):
			msgs = [self.fake.customer_message(c, "text", post=False,
			    text="pre %d %s" % (j, "k" * 8000))[0]
			    for j in range(i, i + 50)]
			body = wp.envelope([wp.message_value(
			    self.fake.phone_number_id,
			    self.fake.display_phone_number, c, msgs)])
			self.assertEqual(self.fake.post_webhook(body), 200)
			acked += [m["id"] for m in msgs]
		# The client's state: a complete first page.
		r = self.alice.sync(0, limit=10)
		self.assertEqual(r.status, 200)
		next_seq = r.data["next"]
		seen = {e["message"]["id"] for e in r.data["events"]
		    if e.get("type") == "message"}

		# Webhooks keep coming from other threads while it dies.
		stop = threading.Event()
		results = []

		def hooks():
			k = 0
			while not stop.is_set():
				cc = self.fake.customer(unique_phone(), None, "Live")
				m, code = self.fake.customer_message(cc, "text",
				    text="live %d" % k)
				results.append((m["id"], code))
				k += 1
		th = [threading.Thread(target=hooks, daemon=True)
		    for _ in range(3)]
		for t in th:
			t.start()
		# A small receive window (set before connecting) keeps most of
		# the answer in the relay when it dies.
		s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
		s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
		s.settimeout(10)
		s.connect(("127.0.0.1", self.relay.port))
		s.sendall(sync_request(self.alice.token, next_seq))
		first = s.recv(8192)
		self.assertTrue(first.startswith(b"HTTP/1.1 200"), first[:80])
		time.sleep(0.2)
		self.relay.kill()
		stop.set()
		for t in th:
			t.join(30)
		status, hdrs, body, complete = read_answer(s, first)
		n = int(hdrs.get("content-length", "-1")) if hdrs else -1
		s.close()
		note("answer cut at %d bytes of %s" % (len(body), n))
		if n > len(body):
			with self.assertRaises(ValueError):
				json.loads(body)
		else:
			# It managed to send it all before dying: then it is
			# whole JSON and usable.
			for e in json.loads(body)["events"]:
				if e.get("type") == "message":
					seen.add(e["message"]["id"])
			next_seq = json.loads(body)["next"]
		live_acked = [mid for mid, code in results if code == 200]
		live_other = [code for mid, code in results if code != 200]
		note("%d live webhooks acknowledged, %d not (%s)" % (
		    len(live_acked), len(live_other), sorted(set(live_other))))
		self.world.restart()
		self.fake.set_relay_url(self.relay.url)
		counts = {}
		cur, last_seq = next_seq, next_seq
		while True:
			r = self.alice.sync(cur, limit=5000)
			self.assertEqual(r.status, 200, r)
			for e in r.data["events"]:
				self.assertGreater(e["seq"], last_seq)
				last_seq = e["seq"]
				if e.get("type") == "message":
					mid = e["message"]["id"]
					counts[mid] = counts.get(mid, 0) + 1
			cur = r.data["next"]
			if not r.data["more"]:
				break
		for mid in acked + live_acked:
			n = counts.get(mid, 0) + (1 if mid in seen else 0)
			self.assertEqual(n, 1, "acknowledged %s seen %d times" %
			    (mid, n))
		# A new event after the restart gets a higher seq.
		cc = self.fake.customer(unique_phone(), None, "After")
		m, code = self.fake.customer_message(cc, "text", text="after")
		self.assertEqual(code, 200)
		r = self.alice.sync(last_seq, limit=100)
		self.assertTrue(any(e.get("type") == "message" and
		    e["message"]["id"] == m["id"] for e in r.data["events"]))


if __name__ == "__main__":
	main()
