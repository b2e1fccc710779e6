#!/usr/bin/env python3
"""1,000 slow senders against a relay while Meta's real webhooks keep
coming (relay-api.md, "Operating the relay": max_body_total,
max_conns_per_address, request_timeout).

Four sender processes hold 250 connections each, from 40 loopback
addresses (25 per address, under the default limit of 32).  Each POSTs
/webhook with a wrong signature and a large body it never finishes: half
announce 4 MiB with Content-Length, half send chunked, all trickle after
a first burst, and reconnect when the relay closes them.  Meanwhile a
signed webhook arrives every 0.25 s from 127.0.0.1 and must get 200.

The relay's RSS (VmRSS in /proc/PID/status) must stay under
    baseline + max_body_total + reserve + 1,000 x 32 KiB + 16 MiB:
the bodies it may hold (16 MiB here, plus the 4 MiB reserve for small
bodies), microhttpd's memory pool per connection (32 KiB by default),
and 16 MiB for ASan's shadow and quarantine (kept small below) and
allocator slack.  Measured: baseline 24 MiB, peak 64 MiB, bound 92 MiB.
The same load with the bounds lifted (max_body_total = 1G, no
request_timeout) reached 129 MiB in the same 20 s and grows on; the test
stops the senders as soon as the bound is passed, so a regression fails
fast instead of filling the machine's memory.

Bounded: 20 s of load, loopback only."""

import json
import os
import resource
import selectors
import signal
import socket
import subprocess
import sys
import time
import unittest
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "pylib"))
sys.path.insert(0, os.path.join(HERE, "..", "fake"))

SENDERS = 4
PER_SENDER = 250
ADDRESSES_PER_SENDER = 10
LOAD_SECONDS = 20
BODY_TOTAL = 16 << 20
RESERVE = 4 << 20
PER_CONN = 32 << 10
SLACK = 16 << 20


def sender_main(index, port, seconds):
	"""One sender process: PER_SENDER slow connections (run with
	--sender)."""
	soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
	resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4096), hard))
	sel = selectors.DefaultSelector()
	addrs = ["127.0.%d.%d" % (index + 1, a + 1)
	    for a in range(ADDRESSES_PER_SENDER)]
	end = time.monotonic() + seconds
	conns = {}
	stats = {"opened": 0, "closed_by_relay": 0, "answers": {}}

	def open_one(slot):
		s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
		s.bind((addrs[slot % len(addrs)], 0))
		s.setblocking(False)
		try:
			s.connect(("127.0.0.1", port))
		except BlockingIOError:
			pass
		chunked = slot % 2 == 1
		head = ("POST /webhook HTTP/1.1\r\nHost: relay\r\n"
		    "Content-Type: application/json\r\n"
		    "X-Hub-Signature-256: sha256=" + "0" * 64 + "\r\n")
		head += ("Transfer-Encoding: chunked\r\n\r\n" if chunked else
		    "Content-Length: %d\r\n\r\n" % (4 << 20))
		conns[s] = {"slot": slot, "chunked": chunked, "out":
		    head.encode() + piece(chunked, 64 << 10), "next": 0.0}
		sel.register(s, selectors.EVENT_READ | selectors.EVENT_WRITE)
		stats["opened"] += 1

	def piece(chunked, n):
		data = b"[" + b"1," * (n // 2 - 1) + b"1"
		data = data[:n]
		if chunked:
			return b"%x\r\n" % len(data) + data + b"\r\n"
		return data

	def close(s, by_relay):
		c = conns.pop(s)
		sel.unregister(s)
		s.close()
		if by_relay:
			stats["closed_by_relay"] += 1
		return c

	for slot in range(PER_SENDER):
		open_one(slot)
	reopen = []
	while time.monotonic() < end:
		now = time.monotonic()
		for when, slot in list(reopen):
			if when <= now:
				reopen.remove((when, slot))
				open_one(slot)
		for key, ev in sel.select(timeout=0.1):
			s = key.fileobj
			c = conns.get(s)
			if c is None:
				continue
			if ev & selectors.EVENT_READ:
				try:
					data = s.recv(4096)
				except OSError:
					data = b""
				if data.startswith(b"HTTP/1.1 "):
					code = data[9:12].decode()
					stats["answers"][code] = stats["answers"].get(
					    code, 0) + 1
				if not data or data.startswith(b"HTTP/"):
					close(s, True)
					# Come back a second later, as a patient
					# attacker would.
					reopen.append((now + 1.0, c["slot"]))
					continue
			if ev & selectors.EVENT_WRITE and c["out"]:
				try:
					n = s.send(c["out"])
					c["out"] = c["out"][n:]
				except BlockingIOError:
					pass
				except OSError:
					close(s, True)
					reopen.append((now + 1.0, c["slot"]))
					continue
				if not c["out"]:
					sel.modify(s, selectors.EVENT_READ)
					c["next"] = now + 0.5
		# Trickle: 8 KiB every half second per connection.
		for s, c in list(conns.items()):
			if not c["out"] and c["next"] and c["next"] <= now:
				c["out"] = piece(c["chunked"], 8 << 10)
				c["next"] = 0.0
				sel.modify(s, selectors.EVENT_READ |
				    selectors.EVENT_WRITE)
	stats["open_at_end"] = len(conns)
	for s in list(conns):
		close(s, False)
	print(json.dumps(stats))


def rss_bytes(pid):
	with open("/proc/%d/status" % pid) as fp:
		for line in fp:
			if line.startswith("VmRSS:"):
				return int(line.split()[1]) * 1024
	return 0


class SlowSenders(unittest.TestCase):

	def test_memory_stays_bounded_and_webhooks_pass(self):
		from harness import RelayWorld
		import wa_payloads as wp

		# ASan keeps freed memory in quarantine (256 MiB by default):
		# RSS would measure ASan, not the relay.
		opts = os.environ.get("ASAN_OPTIONS", "")
		os.environ["ASAN_OPTIONS"] = (opts + ":" if opts else "") + \
		    "quarantine_size_mb=8:thread_local_quarantine_size_kb=64"
		world = RelayWorld(relay_kw={"relay_options": {
		    "max_body_total": "16M", "request_timeout": "10s"}})
		self.addCleanup(world.close)
		relay, fake = world.relay, world.fake
		pid = relay.proc.pid
		# Warm up: the first webhooks allocate the store's caches.
		for _ in range(5):
			c = fake.customer(wa_id="1555%08d" % (time.time_ns() %
			    10 ** 8))
			self.assertEqual(fake.customer_message(c, "text")[1], 200)
		baseline = rss_bytes(pid)
		bound = baseline + BODY_TOTAL + RESERVE + \
		    SENDERS * PER_SENDER * PER_CONN + SLACK
		procs = [subprocess.Popen([sys.executable, __file__, "--sender",
		    str(i), str(relay.port), str(LOAD_SECONDS)],
		    stdout=subprocess.PIPE, text=True) for i in range(SENDERS)]

		def stop_senders():
			for p in procs:
				if p.poll() is None:
					p.send_signal(signal.SIGKILL)
				p.wait(30)
		self.addCleanup(stop_senders)
		codes, peak, over = [], baseline, False
		end = time.monotonic() + LOAD_SECONDS
		while time.monotonic() < end:
			t0 = time.monotonic()
			c = fake.customer(wa_id="1555%08d" % (time.time_ns() %
			    10 ** 8))
			codes.append(fake.customer_message(c, "text")[1])
			peak = max(peak, rss_bytes(pid))
			if peak > bound:
				over = True
				break
			time.sleep(max(0.0, 0.25 - (time.monotonic() - t0)))
		if over:
			stop_senders()
		stats = []
		for p in procs:
			out, _ = p.communicate(timeout=60)
			if p.returncode == 0 and out.strip():
				stats.append(json.loads(out.strip().splitlines()[-1]))
		sys.stderr.write("\n  [load] baseline RSS %.1f MiB, peak %.1f "
		    "MiB, bound %.1f MiB; %d webhooks; senders %s\n" % (
		    baseline / 2 ** 20, peak / 2 ** 20, bound / 2 ** 20,
		    len(codes), json.dumps(stats)))
		self.assertFalse(over, "RSS %.1f MiB passed the bound %.1f MiB"
		    % (peak / 2 ** 20, bound / 2 ** 20))
		self.assertGreater(len(codes), LOAD_SECONDS)
		self.assertEqual([c for c in codes if c != 200], [],
		    "real webhooks refused under load")
		self.assertEqual(len(stats), SENDERS, "a sender process failed")
		opened = sum(s["opened"] for s in stats)
		self.assertGreaterEqual(opened, SENDERS * PER_SENDER)
		# The relay did shed: announced 4 MiB bodies got 503 at once,
		# chunked ones were closed.
		self.assertGreater(sum(s["answers"].get("503", 0) for s in stats),
		    0)
		self.assertGreater(sum(s["closed_by_relay"] for s in stats),
		    SENDERS * PER_SENDER // 2)
		# And the relay still answers normally afterwards.
		with urllib.request.urlopen(relay.url + "/readyz",
		    timeout=30) as r:
			self.assertEqual(r.status, 200)


if __name__ == "__main__":
	if len(sys.argv) == 5 and sys.argv[1] == "--sender":
		sender_main(int(sys.argv[2]), int(sys.argv[3]),
		    float(sys.argv[4]))
	else:
		unittest.main(verbosity=2)
