#!/usr/bin/env python3
"""Operating the relay (relay-api.md, "Operating the relay"): /healthz,
/readyz, /metrics in the Prometheus text format with numbers that move
exactly with webhooks and sends, [relay] metrics_listen, and a log an
operator can read: severity prefix, key=value, client bytes escaped, the
Graph error code of a failed send, never a token or message text."""

import http.client
import os
import re
import socket
import sys
import threading
import time
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
    "..", "pylib"))
from harness import RelayTestCase, RelayWorld, main, wp  # noqa: E402
import promtext  # noqa: E402
import relayproc  # noqa: E402


def get(url, timeout=30):
	try:
		with urllib.request.urlopen(url, timeout=timeout) as r:
			return r.status, r.headers, r.read().decode()
	except urllib.error.HTTPError as e:
		return e.code, e.headers, e.read().decode()


class PromText(unittest.TestCase):
	"""The format checker itself finds what it must."""

	GOOD = ("# HELP a_total A.\n# TYPE a_total counter\na_total{x=\"1\"} 2\n"
	    "# HELP h H.\n# TYPE h histogram\nh_bucket{le=\"0.1\"} 1\n"
	    "h_bucket{le=\"1\"} 3\nh_bucket{le=\"+Inf\"} 3\nh_sum 1.5\n"
	    "h_count 3\n")

	def test_good(self):
		f = promtext.parse(self.GOOD)
		self.assertEqual(promtext.value(f, "a_total", x="1"), 2)
		self.assertEqual(promtext.value(f, "h_count"), 3)

	def test_bad(self):
		bad = [
		    self.GOOD.replace("# HELP a_total A.\n", ""),
		    self.GOOD.replace("# TYPE h histogram\n", ""),
		    self.GOOD.replace("h_bucket{le=\"1\"} 3", "h_bucket{le=\"1\"} 0"),
		    self.GOOD.replace("h_count 3", "h_count 4"),
		    self.GOOD.replace("h_bucket{le=\"+Inf\"} 3\n", ""),
		    self.GOOD.replace("a_total", "a"),
		    self.GOOD + "a_total{x=\"1\"} 2\n",
		    self.GOOD.replace(" 2\n", " two\n"),
		]
		for text in bad:
			with self.assertRaises(ValueError, msg=text):
				promtext.parse(text)


class Ops(RelayTestCase):

	def scrape(self):
		code, headers, text = get(self.relay.url + "/metrics")
		self.assertEqual(code, 200)
		self.assertTrue(headers["Content-Type"].startswith(
		    "text/plain; version=0.0.4"), headers["Content-Type"])
		return promtext.parse(text)

	def test_examples_name_real_series(self):
		"""docs/examples' scrape config and alert rules use series and
		result labels the relay serves."""
		ex = os.path.join(os.environ.get("TTYDESK_SOURCE_DIR") or
		    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
		    ".."), "docs", "examples")
		with open(os.path.join(ex, "ttydesk-relay-alerts.yml")) as fp:
			rules = fp.read()
		with open(os.path.join(ex, "prometheus.yml")) as fp:
			self.assertIn("ttydesk-relay-alerts.yml", fp.read())
		text = get(self.relay.url + "/metrics")[2]
		names = set(re.findall(r"\bttydesk_[a-z_]+", rules))
		self.assertGreaterEqual(len(names), 2)
		for n in names:
			self.assertRegex(text, r"(?m)^# TYPE %s " % n, n)
		for m in re.finditer(r'(ttydesk_[a-z_]+)\{result=~?"([^"]+)"',
		    rules):
			for v in m.group(2).split("|"):
				self.assertIn('%s{result="%s"}' % (m.group(1), v), text)
		self.assertEqual(rules.count("- alert:"), 2)

	def test_healthz_readyz(self):
		code, _, text = get(self.relay.url + "/healthz")
		self.assertEqual((code, text.strip()), (200, "ok"))
		code, _, text = get(self.relay.url + "/readyz")
		self.assertEqual((code, text.strip()), (200, "ready"))
		# The probe is a real write through the writer thread.
		before = time.monotonic()
		for _ in range(5):
			self.assertEqual(get(self.relay.url + "/readyz")[0], 200)
		self.assertLess(time.monotonic() - before, 20)

	def test_every_series_is_there(self):
		f = self.scrape()
		for name, kind in (("ttydesk_webhooks_total", "counter"),
		    ("ttydesk_events_appended_total", "counter"),
		    ("ttydesk_sends_total", "counter"),
		    ("ttydesk_graph_errors_total", "counter"),
		    ("ttydesk_longpolls_waiting", "gauge"),
		    ("ttydesk_webhook_seconds", "histogram"),
		    ("ttydesk_send_seconds", "histogram")):
			self.assertIn(name, f)
			self.assertEqual(f[name]["type"], kind, name)

	def test_numbers_move_exactly(self):
		v = promtext.value
		m0 = self.scrape()
		seq0 = self.last_seq()
		convs = [self.new_conversation()[0] for _ in range(3)]
		r = self.hooks.post(wp.envelope([]), signature="sha256=" + "0" * 64)
		self.assertEqual(r.status, 401)
		self.reply(convs[0], "metrics reply ok")
		self.fake.fail_next("190")
		r = self.alice.send_text(convs[1], "metrics reply expired token")
		self.assertEqual(r.status, 202, r)
		ids = {r.data["message"]["id"]}
		self.wait_event(lambda e: e.get("type") == "status" and
		    e["status"]["message"] in ids and e["status"]["status"] ==
		    "failed", what="the failed status")
		seq1 = self.last_seq()
		m1 = self.scrape()

		def d(name, **labels):
			return v(m1, name, **labels) - v(m0, name, **labels)

		self.assertEqual(d("ttydesk_webhooks_total", result="accepted"), 3)
		self.assertEqual(d("ttydesk_webhooks_total",
		    result="bad_signature"), 1)
		self.assertEqual(d("ttydesk_webhook_seconds_count"), 4)
		self.assertEqual(d("ttydesk_events_appended_total"), seq1 - seq0)
		self.assertEqual(d("ttydesk_sends_total", result="sent"), 1)
		self.assertEqual(d("ttydesk_sends_total", result="failed"), 1)
		self.assertEqual(d("ttydesk_sends_total", result="retry"), 0)
		self.assertEqual(d("ttydesk_graph_errors_total", code="190"), 1)
		self.assertEqual(d("ttydesk_send_seconds_count"), 2)
		self.assertGreater(d("ttydesk_send_seconds_sum"), 0)

	def test_longpolls_waiting(self):
		after = self.last_seq()
		t = threading.Thread(target=self.bob.sync, args=(after,),
		    kwargs={"wait": 3})
		t.start()
		try:
			deadline = time.monotonic() + 2.5
			seen = 0
			while time.monotonic() < deadline and seen < 1:
				seen = promtext.value(self.scrape(),
				    "ttydesk_longpolls_waiting")
				time.sleep(0.05)
			self.assertEqual(seen, 1)
		finally:
			t.join()
		self.assertEqual(promtext.value(self.scrape(),
		    "ttydesk_longpolls_waiting"), 0)

	def raw_request(self, data):
		with socket.create_connection(("127.0.0.1", self.relay.port),
		    timeout=10) as s:
			s.sendall(data)
			try:
				return s.recv(4096)
			except OSError:
				return b""

	def test_log_escapes_client_bytes(self):
		self.raw_request(b"GET /v1/x\x1b]0;owned\x07\x1b[2J HTTP/1.1\r\n"
		    b"Host: x\r\nX-Evil: \x1b[31mred\x1b[0m\r\n\r\n")
		self.raw_request(b"GET /webhook/\x1b[1mbold\xc3\xa9 HTTP/1.1\r\n"
		    b"Host: x\r\nUser-Agent: \x1b]2;title\x07\r\n\r\n")
		time.sleep(0.3)
		log = open(self.relay.log_path, "rb").read()
		for b in range(0x20):
			if b != 0x0a:
				self.assertNotIn(bytes([b]), log, "byte %#x in the log"
				    % b)
		self.assertNotIn(b"\x7f", log)
		self.assertTrue(all(c < 0x80 for c in log), "non-ASCII in the log")
		self.assertIn(b"%1B", log)
		self.assertIn(b"bold%C3%A9", log)

	def test_log_lines_have_severity_and_fields(self):
		get(self.relay.url + "/healthz")
		time.sleep(0.2)
		lines = [l for l in self.relay.log_text().splitlines()
		    if not l.startswith("---- start")]
		self.assertTrue(lines)
		for l in lines:
			self.assertRegex(l, r"^<[3-7]>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ "
			    r"event=[a-z_]+( |$)")
		self.assertTrue(any(re.search(r"event=request method=GET "
		    r"path=/healthz status=200 ms=[0-9.]+", l) for l in lines))

	def test_failed_send_logged_with_code_and_title(self):
		conv = self.new_conversation()[0]
		self.fake.fail_next("190")
		text = "secret words nobody may log %d" % time.time_ns()
		r = self.alice.send_text(conv, text)
		self.assertEqual(r.status, 202, r)
		ids = {r.data["message"]["id"]}
		self.wait_event(lambda e: e.get("type") == "status" and
		    e["status"]["message"] in ids and e["status"]["status"] ==
		    "failed", what="the failed status")
		line = [l for l in self.relay.log_text().splitlines()
		    if "event=send_failed" in l and r.data["message"]["id"] in l]
		self.assertEqual(len(line), 1, self.relay.log_tail())
		self.assertTrue(line[0].startswith("<4>"), line[0])
		self.assertIn("code=190", line[0])
		self.assertIn('title="Error validating access token: Session has '
		    'expired."', line[0])
		self.assertNotIn(text, self.relay.log_text())

	def test_failure_reported_by_whatsapp_logged(self):
		"""A send the Graph API took and WhatsApp then reported failed
		(a status webhook) is logged too: code and title, not the
		details, never the text."""
		conv = self.new_conversation()[0]
		text = "words for a closed window %d" % time.time_ns()
		ev, wamid = self.reply(conv, text)
		m0 = self.scrape()
		details = "more than 24 hours have passed %d" % time.time_ns()
		for _ in range(2):  # Meta redelivers: still one line
			self.assertEqual(self.fake.post_status(wamid, "failed",
			    error=(131047, "Re-engagement message", details)), 200)
		self.wait_event(lambda e: e.get("type") == "status" and
		    e["status"]["status"] == "failed" and e["status"]["message"]
		    == ev["message"]["id"], what="the failed status")
		lines = [l for l in self.relay.log_text().splitlines()
		    if "event=send_failed" in l and ev["message"]["id"] in l]
		self.assertEqual(len(lines), 1, self.relay.log_tail())
		self.assertRegex(lines[0], r'^<4>\S+ event=send_failed id=\S+ '
		    r'conversation=\S+ outcome=failed_by_whatsapp code=131047 '
		    r'title="Re-engagement message"$')
		log = self.relay.log_text()
		self.assertNotIn(details, log)
		self.assertNotIn(text, log)
		# Counted once by its code; not a send attempt.
		m1 = self.scrape()
		for name, labels, delta in (
		    ("ttydesk_graph_errors_total", {"code": "131047"}, 1),
		    ("ttydesk_sends_total", {"result": "failed"}, 0)):
			self.assertEqual(promtext.value(m1, name, **labels) -
			    promtext.value(m0, name, **labels), delta, name)

	def test_no_secret_in_log(self):
		# A wrong and a right verify token in the query, a wrong bearer
		# token, a right one: none of them may reach the log.
		self.hooks.verify("subscribe", self.relay.verify_token, "c1")
		self.hooks.verify("subscribe", "guess-" + self.relay.verify_token,
		    "c2")
		self.alice.call("GET", "/v1/me", token="wrong-token-zz9")
		self.alice.me()
		conv, m, _ = self.new_conversation(text="customer words q7x")
		self.reply(conv, "agent words k3v")
		log = self.relay.log_text()
		for secret in (self.relay.verify_token, self.relay.access_token,
		    self.relay.app_secret, "wrong-token-zz9", "customer words q7x",
		    "agent words k3v") + tuple(a.token for a in
		    self.relay.agents.values()):
			self.assertNotIn(secret, log)


class MetricsListen(unittest.TestCase):
	"""[relay] metrics_listen: /metrics there only, and nothing else
	there but /healthz and /readyz."""

	def test_own_address(self):
		port = relayproc.free_port()
		world = RelayWorld(relay_kw={"relay_options": {
		    "metrics_listen": "127.0.0.1:%d" % port}})
		try:
			ops = "http://127.0.0.1:%d" % port
			code, _, text = get(ops + "/metrics")
			self.assertEqual(code, 200)
			promtext.parse(text)
			self.assertEqual(get(ops + "/healthz")[0], 200)
			self.assertEqual(get(ops + "/readyz")[0], 200)
			self.assertEqual(get(ops + "/webhook?hub.mode=subscribe")[0],
			    404)
			self.assertEqual(get(ops + "/v1/me")[0], 404)
			self.assertEqual(get(world.relay.url + "/metrics")[0], 404)
			self.assertEqual(get(world.relay.url + "/healthz")[0], 200)
		finally:
			self.assertEqual(world.close(), 0)


if __name__ == "__main__":
	main()
