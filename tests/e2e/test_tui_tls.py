"""End to end: TLS verification stays on.  Against a relay with a
certificate from a private CA, ttydesk refuses the connection until
[relay] ca_file names that CA, then it connects."""

import http.server
import json
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
import unittest

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, _HERE)

from tui_tmux import TuiSession  # noqa: E402

ME = {"agent": {"id": "tlsagent", "name": "Tina TLS", "teams": []},
    "teams": [], "business": {}}


class Handler(http.server.BaseHTTPRequestHandler):
	protocol_version = "HTTP/1.1"

	def log_message(self, *a):
		pass

	def do_GET(self):
		status = 200
		if self.path.startswith("/v1/me"):
			body = json.dumps(ME).encode()
		elif self.path.startswith("/v1/snapshot"):
			# A relay from before the windowed reads.
			status = 404
			body = b'{"error":{"code":"not_found","message":"x"}}'
		else:
			body = b'{"events": [], "next": 0, "more": false}'
		self.send_response(status)
		self.send_header("Content-Type", "application/json")
		self.send_header("Content-Length", str(len(body)))
		self.end_headers()
		self.wfile.write(body)


def make_ca(d):
	"""A CA and a server certificate for 127.0.0.1 signed by it."""
	def run(*args):
		subprocess.run(["openssl"] + list(args), cwd=d, check=True,
		    capture_output=True)
	run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
	    "-subj", "/CN=ttydesk test CA", "-keyout", "ca.key", "-out", "ca.pem")
	run("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
	    "-keyout", "srv.key", "-out", "srv.csr")
	with open(os.path.join(d, "ext.cnf"), "w") as fp:
		fp.write("subjectAltName=IP:127.0.0.1\n")
	run("x509", "-req", "-in", "srv.csr", "-CA", "ca.pem", "-CAkey",
	    "ca.key", "-CAcreateserial", "-days", "2", "-out", "srv.pem",
	    "-extfile", "ext.cnf")


@unittest.skipUnless(shutil.which("tmux") and shutil.which("openssl"),
    "needs tmux and openssl")
class TuiTls(unittest.TestCase):
	@classmethod
	def setUpClass(cls):
		cls.dir = tempfile.mkdtemp(prefix="ttydesk-tls-")
		make_ca(cls.dir)
		cls.srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
		cls.srv.daemon_threads = True
		ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
		ctx.load_cert_chain(os.path.join(cls.dir, "srv.pem"),
		    os.path.join(cls.dir, "srv.key"))
		cls.srv.socket = ctx.wrap_socket(cls.srv.socket, server_side=True)
		cls.thread = threading.Thread(target=cls.srv.serve_forever,
		    daemon=True)
		cls.thread.start()
		cls.url = "https://127.0.0.1:%d" % cls.srv.server_address[1]

	@classmethod
	def tearDownClass(cls):
		cls.srv.shutdown()
		cls.srv.server_close()
		shutil.rmtree(cls.dir, ignore_errors=True)

	def test_unknown_ca_refused(self):
		t = TuiSession(self.url, "tls-token")
		self.addCleanup(t.close)
		t.start()
		s = t.wait_for("offline, retry in")
		t.wait_for(lambda s: "certificate" in s.lower() or "SSL" in s,
		    what="a certificate error")
		self.assertNotIn("Tina TLS", s)
		t.keys("q")
		t.wait_for("TTYDESK-EXIT=0")

	def test_private_ca_file(self):
		t = TuiSession(self.url, "tls-token", extra="")
		self.addCleanup(t.close)
		with open(t.config, encoding="utf-8") as fp:
			text = fp.read()
		with open(t.config, "w", encoding="utf-8") as fp:
			fp.write(text.replace("token_file = token\n", "token_file = "
			    "token\nca_file = %s\n" % os.path.join(self.dir, "ca.pem")))
		t.start()
		t.wait_for("online")
		t.wait_for("Tina TLS")
		t.keys("q")
		t.wait_for("TTYDESK-EXIT=0")
		self.assertEqual(t.asan_reports(), [])


if __name__ == "__main__":
	unittest.main(verbosity=2)
