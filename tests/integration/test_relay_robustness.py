#!/usr/bin/env python3
"""Untrusted input and load the spec implies: odd but valid webhooks are
stored, hostile ones are refused without harm, many parked long-polls do
not starve webhook intake, concurrent retries of one client_id send once."""

import json
import os
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
    "..", "pylib"))
from harness import RelayTestCase, main, wp, unique_phone  # noqa: E402
from agentapi import AgentClient, request  # noqa: E402


class Robustness(RelayTestCase):

	def _value(self, c, msgs):
		return wp.envelope([wp.message_value(self.relay.phone_number_id,
		    "15550100", c, msgs)])

	def test_long_polls_do_not_starve_webhooks(self):
		last = self.last_seq()
		n = 24
		out = []
		lock = threading.Lock()

		def poll(i):
			a = self.alice if i % 2 else self.bob
			r = a.sync(last, wait=40, timeout=60)
			with lock:
				out.append((time.monotonic(), r))
		ths = [threading.Thread(target=poll, args=(i,)) for i in range(n)]
		for t in ths:
			t.start()
		time.sleep(1.0)
		c = self.customer()
		t0 = time.monotonic()
		m = self.inbound(c, "text", text="are you there?")
		took = time.monotonic() - t0
		self.assertLess(took, 5.0, "webhook took %.1f s with %d parked "
		    "long-polls" % (took, n))
		r = self.alice.me()
		self.assertEqual(r.status, 200)
		for t in ths:
			t.join(60)
		self.assertEqual(len(out), n)
		for when, r in out:
			self.assertEqual(r.status, 200, r)
			self.assertIn(m["id"], [e["message"]["id"] for e in
			    r.data["events"] if e["type"] == "message"])
			self.assertLess(when - t0, 10)

	def test_concurrent_same_client_id_sends_once(self):
		conv, _, _ = self.new_conversation()
		text = "double-click %s" % wp.new_media_id()
		res = []

		def go():
			res.append(self.alice.send_text(conv, text,
			    client_id="dbl-" + text))
		ths = [threading.Thread(target=go) for _ in range(6)]
		for t in ths:
			t.start()
		for t in ths:
			t.join(60)
		self.assertEqual({r.status for r in res}, {202}, res)
		self.assertEqual(len({json.dumps(r.data, sort_keys=True)
		    for r in res}), 1)
		self.wait_sent(text)
		time.sleep(1.0)
		self.assertEqual(len(self.sends_with_text(text, False)), 1)
		outs = [e for e in self.conv_events(conv) if e["type"] ==
		    "message" and e["message"].get("text") == text]
		self.assertEqual(len(outs), 1)

	def test_big_batch(self):
		c = self.customer()
		msgs = [wp.inbound_message(c, "text", text="n%d" % i)
		    for i in range(300)]
		r = self.hooks.post(self._value(c, msgs))
		self.assertEqual(r.status, 200, r)
		evs = self.events()
		ids = [e["message"]["id"] for e in evs if e["type"] == "message"]
		for m in msgs:
			self.assertEqual(ids.count(m["id"]), 1)

	def test_sync_default_and_max_limit(self):
		c = self.customer()
		for k in range(3):
			msgs = [wp.inbound_message(c, "text", text="L%d-%d" % (k, i))
			    for i in range(1800)]
			r = self.hooks.post(self._value(c, msgs), timeout=120)
			self.assertEqual(r.status, 200, r)
		r = self.alice.sync(0, wait=0)
		self.assertEqual(r.status, 200, r)
		self.assertEqual(len(r.data["events"]), 500)
		self.assertTrue(r.data["more"])
		self.assertEqual(r.data["next"], r.data["events"][-1]["seq"])
		r = self.alice.sync(0, limit=5000, wait=0)
		self.assertEqual(len(r.data["events"]), 5000)
		self.assertTrue(r.data["more"])
		r = self.alice.sync(0, limit=5001, wait=0)
		if r.status == 200:
			self.assertEqual(len(r.data["events"]), 5000)
			self.assertTrue(r.data["more"])
		else:
			self.assertEqual(r.status, 400, r)

	def test_integer_timestamp_and_missing_fields(self):
		c = self.customer()
		m = wp.inbound_message(c, "text", text="int ts")
		m["timestamp"] = 1700000123
		r = self.hooks.post(self._value(c, [m]))
		self.assertEqual(r.status, 200, r)
		e = self.message_events(m["id"])
		self.assertEqual(len(e), 1)
		c2 = self.customer()
		m2 = wp.inbound_message(c2, "text", text="no ts")
		del m2["timestamp"]
		r = self.hooks.post(self._value(c2, [m2]))
		self.assertEqual(r.status, 200, r)
		self.assertEqual(len(self.message_events(m2["id"])), 1)
		c3 = self.customer()
		m3 = wp.inbound_message(c3, "text")
		v = self._value(c3, [m3])
		del v["entry"][0]["changes"][0]["value"]["contacts"]
		self.assertEqual(self.hooks.post(v).status, 200)
		self.assertEqual(len(self.message_events(m3["id"])), 1)

	def test_unknown_type_is_unsupported(self):
		c = self.customer()
		m = wp.inbound_message(c, "text")
		del m["text"]
		m["type"] = "hologram"
		m["hologram"] = {"id": "1"}
		self.assertEqual(self.hooks.post(self._value(c, [m])).status, 200)
		e = self.message_events(m["id"])
		self.assertEqual(len(e), 1)
		self.assertEqual(e[0]["message"]["kind"], "unsupported")

	def test_hostile_text_is_stored(self):
		# NUL, escape sequences, bidi overrides and 4-byte emoji:
		# stored (possibly cleaned), never dropped, never a crash.
		c = self.customer()
		texts = ["nul\u0000byte", "\x1b[2J\x1b]0;pwned\x07clear",
		    "\u202eevil\u202c", "\U0001f600" * 1000, "\ud7ff\ue000"]
		for t in texts:
			m = wp.inbound_message(c, "text", text=t)
			r = self.hooks.post(self._value(c, [m]))
			self.assertEqual(r.status, 200, "%r -> %r" % (t[:20], r))
			e = self.message_events(m["id"])
			self.assertEqual(len(e), 1, repr(t[:20]))
		self.assertEqual(self.alice.me().status, 200)

	def test_hostile_bodies_refused(self):
		deep = b"[" * 100000 + b"]" * 100000
		for raw in (deep, b'{"object": "whatsapp_business_account", '
		    b'"entry": "nope"}', b'{"object": "whatsapp_business_account"'
		    b', "entry": [{"changes": [{"value": 5}]}]}',
		    b"\xc3\x28 not utf-8", b'{"object": "whatsapp_business_account'
		    b'", "entry": [null, 1, "x", {"changes": null}]}'):
			r = self.hooks.post(raw)
			self.assertIn(r.status, (200, 400), "%r -> %r" % (raw[:40], r))
		self.assertEqual(self.alice.me().status, 200)
		# still healthy
		self.new_conversation()

	def test_chunked_webhook_under_limit(self):
		c = self.customer()
		m = wp.inbound_message(c, "text", text="chunked")
		raw = wp.to_bytes(self._value(c, [m]))
		import http.client
		conn = http.client.HTTPConnection("127.0.0.1", self.relay.port,
		    timeout=30)
		try:
			conn.request("POST", "/webhook", body=iter([raw[:50],
			    raw[50:]]), headers={"Content-Type": "application/json",
			    "X-Hub-Signature-256": wp.sign(self.relay.app_secret,
			    raw)}, encode_chunked=True)
			r = conn.getresponse()
			r.read()
		finally:
			conn.close()
		self.assertEqual(r.status, 200)
		self.assertEqual(len(self.message_events(m["id"])), 1)

	def test_chunked_webhook_over_limit(self):
		# No Content-Length: the limit must still hold.
		big = b'{"object":"whatsapp_business_account","entry":[],"pad":"' + \
		    b"x" * (5 * 1024 * 1024) + b'"}'
		s = socket.create_connection(("127.0.0.1", self.relay.port), 30)
		got = []

		def reader():
			# Read while we still send: an early 413 followed by a
			# close must not be lost to a reset.
			try:
				while True:
					chunk = s.recv(4096)
					if not chunk:
						return
					got.append(chunk)
			except OSError:
				return
		th = threading.Thread(target=reader)
		th.start()
		try:
			s.sendall(b"POST /webhook HTTP/1.1\r\nHost: x\r\n"
			    b"Content-Type: application/json\r\n"
			    b"X-Hub-Signature-256: " + wp.sign(self.relay.app_secret,
			    big).encode() + b"\r\nTransfer-Encoding: chunked\r\n\r\n")
			try:
				for i in range(0, len(big), 65536):
					part = big[i:i + 65536]
					s.sendall(b"%x\r\n" % len(part) + part + b"\r\n")
				s.sendall(b"0\r\n\r\n")
			except OSError:
				pass     # the relay may hang up early: fine
			th.join(30)
		finally:
			try:
				s.shutdown(socket.SHUT_RDWR)
			except OSError:
				pass
			s.close()
			th.join(5)
		head = b"".join(got)
		self.assertTrue(head.startswith(b"HTTP/1.1 413") or
		    head.startswith(b"HTTP/1.0 413"), head[:100])
		self.assertEqual(self.alice.me().status, 200)

	def test_signature_case_and_spaces(self):
		# Meta sends lowercase hex; an uppercase copy is still the same
		# HMAC, but a relay may refuse it. It must not accept a
		# truncated or padded one.
		c = self.customer()
		m = wp.inbound_message(c, "text")
		raw = wp.to_bytes(self._value(c, [m]))
		sig = wp.sign(self.relay.app_secret, raw)
		for bad in (sig + "00", sig + " x", " " + sig[:-1]):
			self.assertEqual(self.hooks.post(raw, signature=bad).status,
			    401, bad)

	def test_odd_paths(self):
		conv, _, _ = self.new_conversation()
		for method, path in (("DELETE", "/v1/conversations/%s/messages" %
		    conv), ("POST", "/v1/me"), ("GET", "/v1/conversations/%2e%2e/"
		    "media/1"), ("GET", "/v1/conversations/" + "a" * 5000 +
		    "/media/1"), ("POST", "/v1/conversations//messages"),
		    ("GET", "/../../etc/passwd"), ("DELETE", "/webhook")):
			r = self.alice.call(method, path, {"client_id": "x",
			    "text": "y"} if method == "POST" else None)
			self.assertIn(r.status, (400, 404, 405, 414), "%s %s -> %r" %
			    (method, path[:60], r))
		self.assertEqual(self.sends_with_text("y", False), [])

	def test_agent_bodies_bad(self):
		conv, _, _ = self.new_conversation()
		p = "/v1/conversations/%s/" % conv
		for what in ("messages", "notes", "escalate", "assign", "status",
		    "read"):
			for raw in (b"", b"nope", b"[]", b"null", b"{\"client_id\": 5}"):
				r = self.alice.call("POST", p + what, raw)
				self.assertEqual(r.status, 400, "%s %r -> %r" % (what,
				    raw, r))
		self.assertEqual(self.fake.send_requests(), [])

	def test_agent_body_size_capped(self):
		conv, _, _ = self.new_conversation()
		raw = json.dumps({"client_id": "big", "text": "x" * (8 << 20)})
		try:
			r = self.alice.call("POST", "/v1/conversations/%s/notes" % conv,
			    raw)
			self.assertIn(r.status, (400, 413), r)
		except OSError:
			pass      # hung up on: acceptable
		self.assertEqual(self.alice.me().status, 200)


if __name__ == "__main__":
	main()
