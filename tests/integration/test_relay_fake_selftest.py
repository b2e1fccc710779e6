#!/usr/bin/env python3
"""Self-test of the relay tests' own tool, the fake Graph API
(tests/fake/fake_graph.py): a broken fake would make every relay test
lie.  Needs no relay: a small receiver stands in for /webhook."""

import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
    "..", "pylib"))
import harness  # noqa: E402,F401
from agentapi import request  # noqa: E402
import fake_graph  # noqa: E402
import relayproc  # noqa: E402
import wa_payloads as wp  # noqa: E402

SECRET = "app-secret-123"
TOKEN = "EAAGtoken456"


class Receiver(BaseHTTPRequestHandler):
	protocol_version = "HTTP/1.1"

	def log_message(self, *a):
		pass

	def do_POST(self):
		raw = self.rfile.read(int(self.headers["Content-Length"]))
		ok = self.headers.get("X-Hub-Signature-256") == wp.sign(SECRET, raw)
		srv = self.server
		with srv.cv:
			srv.got.append((json.loads(raw), ok))
			srv.cv.notify_all()
		self.send_response(200 if ok else 401)
		self.send_header("Content-Length", "0")
		self.end_headers()


class FakeSelfTest(unittest.TestCase):

	def setUp(self):
		self.rx = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
		self.rx.got = []
		self.rx.cv = threading.Condition()
		threading.Thread(target=self.rx.serve_forever, daemon=True).start()
		self.fake = fake_graph.FakeGraph(TOKEN, SECRET, "1065",
		    relay_url="http://127.0.0.1:%d" % self.rx.server_address[1],
		    status_delays=(0.01, 0.02, 0.03))
		self.fake.start()

	def tearDown(self):
		self.fake.stop()
		self.rx.shutdown()
		self.rx.server_close()

	def graph(self, method, path, body=None, token=TOKEN):
		h = {"Authorization": "Bearer " + token} if token else {}
		return request(self.fake.url, method, path, body, h)

	def wait_webhooks(self, n):
		with self.rx.cv:
			ok = self.rx.cv.wait_for(lambda: len(self.rx.got) >= n, 10)
		self.assertTrue(ok, self.rx.got)
		return self.rx.got

	def test_send_text_and_statuses(self):
		r = self.graph("POST", "/v21.0/1065/messages", {
		    "messaging_product": "whatsapp", "to": "15551234567",
		    "type": "text", "text": {"body": "hi"}})
		self.assertEqual(r.status, 200, r)
		d = r.data
		self.assertEqual(d["contacts"], [{"input": "15551234567",
		    "wa_id": "15551234567"}])
		wamid = d["messages"][0]["id"]
		self.assertTrue(wamid.startswith("wamid.HBgL"), wamid)
		base64.b64decode(wamid[6:])
		got = self.wait_webhooks(3)
		states = [g[0]["entry"][0]["changes"][0]["value"]["statuses"][0]
		    for g in got]
		self.assertEqual([s["status"] for s in states],
		    ["sent", "delivered", "read"])
		self.assertTrue(all(s["id"] == wamid for s in states))
		self.assertTrue(all(ok for _, ok in got))
		self.assertEqual(got[0][0]["object"], "whatsapp_business_account")
		reqs = self.fake.send_requests()
		self.assertEqual(len(reqs), 1)
		self.assertNotIn("Authorization", reqs[0]["headers"])
		self.assertEqual(reqs[0]["body"]["text"]["body"], "hi")

	def test_unique_wamids_and_recipient(self):
		self.fake.set_status_delays(None)
		ids = set()
		for i in range(50):
			r = self.graph("POST", "/v21.0/1065/messages", {
			    "messaging_product": "whatsapp", "recipient":
			    "US.1234", "type": "text", "text": {"body": "x"}})
			self.assertEqual(r.status, 200)
			self.assertEqual(r.data["contacts"][0]["input"], "US.1234")
			ids.add(r.data["messages"][0]["id"])
		self.assertEqual(len(ids), 50)

	def test_auth_required(self):
		for tok in (None, "wrong"):
			r = self.graph("POST", "/v21.0/1065/messages", {
			    "messaging_product": "whatsapp", "to": "1",
			    "type": "text", "text": {"body": "x"}}, token=tok)
			self.assertEqual(r.status, 401)
			self.assertEqual(r.data["error"]["code"], 190)
		self.assertEqual(self.fake.accepted_sends(), [])

	def test_read_receipt(self):
		r = self.graph("POST", "/v21.0/1065/messages", {
		    "messaging_product": "whatsapp", "status": "read",
		    "message_id": "wamid.X"})
		self.assertEqual(r.data, {"success": True})
		self.assertEqual(len(self.fake.read_requests()), 1)
		self.assertEqual(self.fake.send_requests(), [])

	def test_failures(self):
		self.fake.set_status_delays(None)
		body = {"messaging_product": "whatsapp", "to": "1", "type": "text",
		    "text": {"body": "x"}}
		for kind, st, code in (("500", 500, 1), ("429", 429, 130429),
		    ("131047", 400, 131047), ("131026", 400, 131026),
		    ("190", 401, 190)):
			self.fake.fail_next(kind)
			r = self.graph("POST", "/v21.0/1065/messages", body)
			self.assertEqual(r.status, st, kind)
			self.assertEqual(r.data["error"]["code"], code)
			self.assertIn("fbtrace_id", r.data["error"])
		r = self.graph("POST", "/v21.0/1065/messages", body)
		self.assertEqual(r.status, 200)
		self.fake.fail_next("131047")
		r = self.graph("POST", "/v21.0/1065/messages", body)
		self.assertIn("24 hours", r.data["error"]["error_data"]["details"])
		self.fake.fail_next("garbage")
		r = self.graph("POST", "/v21.0/1065/messages", body)
		self.assertEqual(r.status, 200)
		self.assertIsNone(r.data)
		self.fake.fail_next("drop")
		with self.assertRaises(Exception):
			self.graph("POST", "/v21.0/1065/messages", body)
		self.fake.slow_seconds = 0.5
		self.fake.fail_next("slow")
		t0 = time.monotonic()
		r = self.graph("POST", "/v21.0/1065/messages", body)
		self.assertGreaterEqual(time.monotonic() - t0, 0.45)
		self.assertEqual(r.status, 200)
		# control API
		r = request(self.fake.url, "POST", "/_fake/fail",
		    {"kind": "500", "count": 2})
		self.assertEqual(r.status, 200)
		codes = [self.graph("POST", "/v21.0/1065/messages", body).status
		    for _ in range(3)]
		self.assertEqual(codes, [500, 500, 200])
		r = request(self.fake.url, "POST", "/_fake/fail", {"kind": "nope"})
		self.assertEqual(r.status, 400)
		# per recipient
		self.fake.fail_next("429", 1, to="2")
		other = dict(body, to="3")
		mine = dict(body, to="2")
		self.assertEqual(self.graph("POST", "/v21.0/1065/messages",
		    other).status, 200)
		self.assertEqual(self.graph("POST", "/v21.0/1065/messages",
		    mine).status, 429)
		self.assertEqual(self.graph("POST", "/v21.0/1065/messages",
		    mine).status, 200)

	def test_media(self):
		data = os.urandom(1000)
		mid = self.fake.add_media(data, "image/jpeg")
		r = self.graph("GET", "/v21.0/" + mid)
		self.assertEqual(r.status, 200)
		info = r.data
		self.assertEqual(info["mime_type"], "image/jpeg")
		self.assertEqual(info["file_size"], 1000)
		self.assertEqual(info["sha256"], hashlib.sha256(data).hexdigest())
		path = info["url"][len(self.fake.url):]
		self.assertEqual(self.graph("GET", path, token=None).status, 401)
		r = self.graph("GET", path)
		self.assertEqual(r.body, data)
		self.assertEqual(r.header("Content-Type"), "image/jpeg")
		self.assertEqual(self.graph("GET", "/v21.0/999").status, 400)

	def test_customer_messages_all_types(self):
		c = self.fake.customer("15550001", None, "Ann")
		b = self.fake.customer(None, "US.777", "Hidden", "hid")
		first, code = self.fake.customer_message(c, "text", text="hi",
		    timestamp=1700000000)
		self.assertEqual(code, 200)
		n = 1
		for t in wp.MESSAGE_TYPES:
			kw = {}
			if t == "reply":
				kw["context"] = {"from": c.wa_id, "id": first["id"]}
			if t in ("reaction", "unreaction"):
				kw["reaction_to"] = first["id"]
			for who in (c, b):
				m, code = self.fake.customer_message(who, t, **kw)
				self.assertEqual(code, 200, t)
				n += 1
		got = self.wait_webhooks(n)
		v = got[0][0]["entry"][0]["changes"][0]["value"]
		self.assertEqual(v["metadata"]["phone_number_id"], "1065")
		self.assertEqual(v["messages"][0]["timestamp"], "1700000000")
		self.assertEqual(v["messages"][0]["from"], "15550001")
		for body, ok in got[1:]:
			v = body["entry"][0]["changes"][0]["value"]
			m = v["messages"][0]
			if "user_id" in v["contacts"][0] and "wa_id" not in \
			    v["contacts"][0]:
				self.assertNotIn("from", m)
			if m["type"] in ("image", "video", "audio", "document",
			    "sticker"):
				mid = m[m["type"]]["id"]
				self.assertIn(mid, self.fake.media)
		# control endpoint
		r = request(self.fake.url, "POST", "/_fake/customer/message", {
		    "user_id": "US.999", "name": "X", "type": "location",
		    "latitude": 1.5, "longitude": 2.5, "timestamp": 1600000000})
		self.assertEqual(r.status, 200, r)
		self.assertEqual(r.data["relay_status"], 200)
		self.assertEqual(r.data["message"]["location"]["latitude"], 1.5)
		r = request(self.fake.url, "GET", "/_fake/requests")
		self.assertEqual(r.status, 200)

	def test_command_line(self):
		d = tempfile.mkdtemp()
		self.addCleanup(shutil.rmtree, d, True)
		relayproc.write_secret(os.path.join(d, "s"), SECRET)
		relayproc.write_secret(os.path.join(d, "t"), TOKEN)
		p = subprocess.Popen([sys.executable, fake_graph.__file__,
		    "--port", "0", "--relay-url", "http://127.0.0.1:%d" %
		    self.rx.server_address[1], "--app-secret-file",
		    os.path.join(d, "s"), "--access-token-file",
		    os.path.join(d, "t"), "--phone-number-id", "77",
		    "--status-delays", "0.01,0.02,0.03"],
		    stdout=subprocess.PIPE, text=True)
		try:
			port = int(p.stdout.readline())
			url = "http://127.0.0.1:%d" % port
			r = request(url, "POST", "/v21.0/77/messages", {
			    "messaging_product": "whatsapp", "to": "1",
			    "type": "text", "text": {"body": "x"}},
			    {"Authorization": "Bearer " + TOKEN})
			self.assertEqual(r.status, 200)
			self.wait_webhooks(3)
			self.assertTrue(all(ok for _, ok in self.rx.got))
		finally:
			p.terminate()
			self.assertEqual(p.wait(10), 0)
			p.stdout.close()


if __name__ == "__main__":
	unittest.main(verbosity=2)
