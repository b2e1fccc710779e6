#!/usr/bin/env python3
"""A fake WhatsApp Cloud (Graph) API and customer simulator for ttydesk.

Importable (class FakeGraph) and runnable as a program; see docs/fake-graph.md.
Python standard library only.
"""

import argparse
import base64
import collections
import hashlib
import json
import os
import select
import socket
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wa_payloads as wp  # noqa: E402

# Graph error bodies as Meta returns them, by failure kind.
_ERRORS = {
	"500": (500, 1, "OAuthException",
	    "(#1) An unknown error occurred", None),
	"429": (429, 130429, "OAuthException",
	    "(#130429) Rate limit hit",
	    "Cloud API message throughput has been reached."),
	"131047": (400, 131047, "OAuthException",
	    "(#131047) Re-engagement message",
	    "Message failed to send because more than 24 hours have passed "
	    "since the customer last replied to this number."),
	"131026": (400, 131026, "OAuthException",
	    "(#131026) Message undeliverable",
	    "Message could not be delivered to the recipient."),
	"190": (401, 190, "OAuthException",
	    "Error validating access token: Session has expired.", None),
	"131056": (400, 131056, "OAuthException",
	    "(#131056) (Business Account, Consumer Account) pair rate limit "
	    "hit", "Too many messages sent from this phone number to the "
	    "same phone number in a short period of time."),
	"100": (400, 100, "OAuthException", "(#100) Invalid parameter",
	    None),
	"131000": (500, 131000, "OAuthException",
	    "(#131000) Something went wrong", "Message failed to send "
	    "because of an unknown error."),
	"2": (503, 2, "OAuthException", "(#2) Service temporarily "
	    "unavailable", None),
	"4": (400, 4, "OAuthException", "(#4) Application request limit "
	    "reached", None),
	"80007": (400, 80007, "OAuthException", "(#80007) Rate limit issues",
	    "The WhatsApp Business Account has reached its rate limit."),
	"131051": (400, 131051, "OAuthException",
	    "(#131051) Unsupported message type", None),
	"368": (400, 368, "OAuthException", "(#368) Temporarily blocked for "
	    "policies violations", None),
}

FAIL_KINDS = tuple(sorted(_ERRORS)) + ("slow", "garbage", "drop")


def graph_error(code, kind, message, details=None, status=400):
	err = {"message": message, "type": kind, "code": code,
	    "fbtrace_id": "A" + os.urandom(8).hex()}
	if details:
		err["error_data"] = {"messaging_product": "whatsapp",
		    "details": details}
	return status, {"error": err}


class _Server(ThreadingHTTPServer):
	daemon_threads = True

	def handle_error(self, request, client_address):
		# A client that hangs up (a relay killed with -9) is normal
		# here; anything else is a bug in the fake worth a trace.
		if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
			return
		super().handle_error(request, client_address)


class FakeGraph:
	"""The fake Graph API server.  Thread-safe; every public method may
	be called while the server runs."""

	def __init__(self, access_token, app_secret, phone_number_id,
	    relay_url=None, status_delays=(0.05, 0.1, 0.15),
	    display_phone_number="15550100", version="v21.0",
	    host="127.0.0.1", port=0, slow_seconds=120.0):
		self.access_token = access_token
		self.app_secret = app_secret
		self.phone_number_id = str(phone_number_id)
		self.display_phone_number = display_phone_number
		self.version = version
		self.relay_url = relay_url.rstrip("/") if relay_url else None
		self.status_delays = tuple(status_delays) if status_delays \
		    else None
		self.slow_seconds = slow_seconds
		# Post the "sent" (and "delivered") webhooks before answering
		# the send: the relay learns the wamid after its status.
		self.early_status = False
		self.lock = threading.Condition()
		self.requests = []      # every request, see _record
		self.sent = []          # accepted sends: dict(wamid, body, ...)
		self.webhooks = []      # (body dict, relay http status) posted
		self.failures = collections.deque()   # queued fail kinds
		self.failures_for = {}  # recipient -> deque of fail kinds
		self._sent_from = {}    # wamid -> phone_number_id it left from
		self.fail_always = None  # kind applied to every send
		self.media = {}         # media id -> (mime, bytes)
		self.media_url_ttl = None  # seconds a download URL works
		self.media_url_base = None  # host of download URLs (default: ours)
		self.media_failures = {}  # media id (None: any) -> downloads to fail
		self.uploads = []       # accepted media uploads: dict(id, type, ...)
		self.templates = {}     # waba id -> [template dict]
		self.template_page_size = 25
		self.customers = {}     # ident -> wp.Customer
		# Business numbers this fake answers for: phone_number_id ->
		# (access token, display number).  The first one is the
		# constructor's; add_number() adds more.
		self.numbers = {self.phone_number_id: (None,
		    display_phone_number)}
		self._threads = []
		self._closing = False
		self.server = _Server((host, port), _Handler)
		self.server.fake = self
		self.port = self.server.server_address[1]
		self.url = "http://%s:%d" % (host, self.port)
		self.graph_url = "%s/%s" % (self.url, version)
		self._thread = None

	# ---- life cycle -------------------------------------------------

	def start(self):
		self._thread = threading.Thread(target=self.server.serve_forever,
		    kwargs={"poll_interval": 0.05}, daemon=True)
		self._thread.start()
		return self

	def stop(self):
		with self.lock:
			self._closing = True
			self.lock.notify_all()
		self.server.shutdown()
		self.server.server_close()

	def __enter__(self):
		return self.start()

	def __exit__(self, *exc):
		self.stop()

	# ---- failure injection ------------------------------------------

	def add_number(self, phone_number_id, access_token=None,
	    display_phone_number="15550199"):
		"""Answer for one more business number; its sends must carry
		access_token (None: the main token)."""
		with self.lock:
			self.numbers[str(phone_number_id)] = (access_token,
			    display_phone_number)

	def token_for(self, phone_number_id):
		"""The token a request for this number must carry, or None
		when the number is unknown."""
		with self.lock:
			n = self.numbers.get(str(phone_number_id))
		if n is None:
			return None
		return n[0] or self.access_token

	def fail_next(self, kind, count=1, to=None):
		"""The next `count` sends fail as `kind` (see FAIL_KINDS); with
		`to` (wa_id or BSUID) only sends to that recipient, so tests can
		run concurrently."""
		if kind not in FAIL_KINDS:
			raise ValueError("unknown failure kind %r" % (kind,))
		with self.lock:
			if to is None:
				self.failures.extend([kind] * int(count))
			else:
				self.failures_for.setdefault(to, collections.deque(
				    )).extend([kind] * int(count))

	def fail_all(self, kind):
		"""Every send fails as `kind` until fail_all(None)."""
		if kind is not None and kind not in FAIL_KINDS:
			raise ValueError("unknown failure kind %r" % (kind,))
		with self.lock:
			self.fail_always = kind

	def set_status_delays(self, delays):
		"""Seconds after a send at which sent, delivered, read webhooks
		go to the relay (cumulative from the send); None: none."""
		with self.lock:
			self.status_delays = tuple(delays) if delays else None

	def set_relay_url(self, url):
		with self.lock:
			self.relay_url = url.rstrip("/") if url else None

	def reset(self):
		with self.lock:
			self.uploads.clear()
			self.media_failures.clear()
			self.requests.clear()
			self.sent.clear()
			self.webhooks.clear()
			self.failures.clear()
			self.failures_for.clear()
			self.fail_always = None

	def _take_failure(self, target=None):
		with self.lock:
			q = self.failures_for.get(target)
			if q:
				return q.popleft()
			if self.failures:
				return self.failures.popleft()
			return self.fail_always

	# ---- records ----------------------------------------------------

	def _record(self, entry):
		with self.lock:
			entry["n"] = len(self.requests)
			self.requests.append(entry)
			self.lock.notify_all()

	def snapshot(self):
		with self.lock:
			return [dict(r) for r in self.requests]

	def send_requests(self):
		"""Recorded POST .../messages that are sends (not read receipts),
		whatever their answer."""
		return [r for r in self.snapshot() if r["kind"] == "send"]

	def read_requests(self):
		return [r for r in self.snapshot() if r["kind"] == "read"]

	def accepted_sends(self):
		with self.lock:
			return [dict(s) for s in self.sent]

	def wait_for(self, pred, timeout=30.0):
		"""Block until pred(fake) is true; returns its value or raises."""
		deadline = time.monotonic() + timeout
		with self.lock:
			while True:
				v = pred(self)
				if v:
					return v
				left = deadline - time.monotonic()
				if left <= 0:
					raise TimeoutError("fake: condition not met")
				self.lock.wait(min(left, 0.2))

	# ---- media ------------------------------------------------------

	def add_media(self, data, mime_type, media_id=None):
		media_id = media_id or wp.new_media_id()
		with self.lock:
			self.media[media_id] = (mime_type, bytes(data))
		return media_id

	def fail_media_downloads(self, count=1, media_id=None):
		"""The next `count` media downloads (of media_id only, when
		given) answer 500."""
		with self.lock:
			self.media_failures[media_id] = self.media_failures.get(
			    media_id, 0) + int(count)

	def media_info(self, media_id):
		with self.lock:
			mime, data = self.media[media_id]
			ttl = self.media_url_ttl
			base = self.media_url_base or self.url
		# Like Meta's, a download URL works for a while only.
		exp = "" if ttl is None else "&exp=%.3f" % (time.time() + ttl)
		return {"messaging_product": "whatsapp",
		    "url": "%s/_media/%s?ext=%s%s" % (base, media_id,
		    os.urandom(6).hex(), exp), "mime_type": mime,
		    "sha256": hashlib.sha256(data).hexdigest(),
		    "file_size": len(data), "id": media_id}

	# ---- templates --------------------------------------------------

	def set_templates(self, waba_id, templates):
		"""The templates GET /{waba_id}/message_templates lists."""
		with self.lock:
			self.templates[str(waba_id)] = [dict(t) for t in templates]

	def template_page(self, waba_id, after=None, limit=None):
		"""One page of a listing, as Meta pages it (cursors)."""
		with self.lock:
			items = list(self.templates.get(str(waba_id), []))
			size = self.template_page_size
		if limit:
			size = min(size, int(limit))
		start = int(base64.b64decode(after).decode()) if after else 0
		page = items[start:start + size]
		out = {"data": page}
		if page:
			cur = {"before": base64.b64encode(str(start).encode()
			    ).decode(), "after": base64.b64encode(str(start +
			    len(page)).encode()).decode()}
			out["paging"] = {"cursors": cur}
			if start + len(page) < len(items):
				out["paging"]["next"] = "%s/%s/message_templates?" \
				    "limit=%d&after=%s" % (self.graph_url, waba_id,
				    size, cur["after"])
		return out

	def template_status(self, waba_id, name, language, event,
	    reason="NONE", template_id=None, category=None):
		"""Post a message_template_status_update webhook."""
		value = {"event": event, "message_template_id": template_id or
		    int(time.time() * 1000) % 10 ** 15,
		    "message_template_name": name,
		    "message_template_language": language, "reason": reason}
		if category:
			value["message_template_category"] = category
		body = {"object": "whatsapp_business_account", "entry": [{
		    "id": str(waba_id), "time": int(time.time()), "changes": [{
		    "value": value, "field": "message_template_status_update"}]}]}
		return self.post_webhook(body)

	# ---- webhooks to the relay --------------------------------------

	def post_webhook(self, body, retries=0, signature=None):
		"""Sign and POST a webhook body to the relay.  Returns the HTTP
		status (0 when the relay could not be reached)."""
		raw = wp.to_bytes(body)
		with self.lock:
			url = self.relay_url
		if not url:
			raise RuntimeError("fake: no relay url")
		sig = signature or wp.sign(self.app_secret, raw)
		code = 0
		for attempt in range(retries + 1):
			req = urllib.request.Request(url + "/webhook", data=raw,
			    method="POST", headers={
			    "Content-Type": "application/json",
			    "X-Hub-Signature-256": sig,
			    "User-Agent": "facebookexternalua"})
			try:
				with urllib.request.urlopen(req, timeout=30) as r:
					r.read()
					code = r.status
			except urllib.error.HTTPError as e:
				code = e.code
			except (OSError, urllib.error.URLError):
				code = 0
			if code == 200 or attempt == retries:
				break
			time.sleep(min(0.2 * (2 ** attempt), 2.0))
		with self.lock:
			self.webhooks.append((json.loads(raw), code))
			self.lock.notify_all()
		return code

	def post_status(self, wamid, state, recipient=None, timestamp=None,
	    error=None, retries=0):
		"""Post one status webhook (state sent|delivered|read|failed)."""
		with self.lock:
			pnid = self._sent_from.get(wamid, self.phone_number_id)
			display = self.numbers.get(pnid, (None,
			    self.display_phone_number))[1]
		v = wp.status_value(pnid, display, [wp.status(wamid, state,
		    recipient, timestamp, error)])
		return self.post_webhook(wp.envelope([v]), retries=retries)

	def _status_chain(self, wamid, recipient, delays):
		t0 = time.monotonic()
		for state, delay in zip(("sent", "delivered", "read"), delays):
			with self.lock:
				while not self._closing:
					left = t0 + delay - time.monotonic()
					if left <= 0:
						break
					self.lock.wait(left)
				if self._closing:
					return
			try:
				self.post_status(wamid, state, recipient, retries=5)
			except RuntimeError:
				return

	# ---- customers --------------------------------------------------

	def customer(self, wa_id=None, user_id=None, name=None,
	    username=None):
		"""Get or create a simulated customer."""
		c = wp.Customer(wa_id, user_id, name, username)
		with self.lock:
			self.customers[c.ident] = c
		return c

	def customer_message(self, customer, mtype="text", post=True,
	    phone_number_id=None, **kw):
		"""Build (and post, signed) an inbound webhook from `customer`.

		Media kinds get a media id this fake serves.  Returns
		(message dict, relay HTTP status or None when post=False)."""
		if mtype in ("image", "video", "audio", "voice", "document",
		    "sticker") and not kw.get("media_id"):
			mime = kw.get("mime_type") or wp._DEFAULT_MIME[mtype]
			data = kw.pop("data", None) or _sample_bytes(mtype)
			kw["mime_type"] = mime
			kw["media_id"] = self.add_media(data, mime)
			kw["sha256"] = base64.b64encode(
			    hashlib.sha256(data).digest()).decode()
		kw.pop("data", None)
		m = wp.inbound_message(customer, mtype, **kw)
		pnid = str(phone_number_id or self.phone_number_id)
		with self.lock:
			display = self.numbers.get(pnid, (None,
			    self.display_phone_number))[1]
		v = wp.message_value(pnid, display, customer, [m])
		body = wp.envelope([v])
		if not post:
			return m, None
		return m, self.post_webhook(body)

	# ---- the send endpoint ------------------------------------------

	def handle_send(self, body, handler, phone_number_id=None):
		"""Answer a POST /{version}/{phone_number_id}/messages."""
		if not isinstance(body, dict) or \
		    body.get("messaging_product") != "whatsapp":
			return graph_error(100, "OAuthException",
			    "(#100) The parameter messaging_product is required.")
		if body.get("status") == "read":
			if not body.get("message_id"):
				return graph_error(100, "OAuthException",
				    "(#100) The parameter message_id is required.")
			return 200, {"success": True}
		target = body.get("to") or body.get("recipient")
		mtype = body.get("type", "text")
		if not target:
			return graph_error(100, "OAuthException",
			    "(#100) The parameter to is required.")
		if mtype not in ("text", "template", "interactive", "reaction",
		    "image", "document", "audio", "video", "sticker",
		    "location", "contacts"):
			return graph_error(131051, "OAuthException",
			    "(#131051) Unsupported message type")
		if mtype == "text" and not (body.get("text") or {}).get("body"):
			return graph_error(100, "OAuthException",
			    "(#100) The parameter text['body'] is required.")
		fail = self._take_failure(target)
		if fail == "slow":
			self._hold(handler)
			fail = None
		if fail == "drop":
			return None, None
		if fail == "garbage":
			return 200, b"<html><body>502 Bad Gateway</body></html>"
		if fail:
			st, code, kind, msg, det = _ERRORS[fail]
			return graph_error(code, kind, msg, det, st)
		wamid = wp.new_outbound_wamid(target)
		pnid = str(phone_number_id or self.phone_number_id)
		with self.lock:
			self.sent.append({"wamid": wamid, "to": target,
			    "body": body, "time": time.time(),
			    "phone_number_id": pnid})
			self._sent_from[wamid] = pnid
			delays = self.status_delays
			self.lock.notify_all()
		if self.early_status and self.relay_url:
			# The webhooks travel on their own (a relay may hold them
			# until it has this answer); give them a head start.
			t = threading.Thread(target=self._status_chain, args=(
			    wamid, target, (0.0, 0.0)), daemon=True)
			t.start()
			time.sleep(0.3)
		contact = {"input": target}
		if body.get("to"):
			contact["wa_id"] = target
		else:
			contact["user_id"] = target
		if delays and self.relay_url:
			t = threading.Thread(target=self._status_chain,
			    args=(wamid, target, delays), daemon=True)
			t.start()
		return 200, {"messaging_product": "whatsapp",
		    "contacts": [contact], "messages": [{"id": wamid}]}

	def _hold(self, handler):
		"""Answer late: wait slow_seconds or until the client hangs up."""
		deadline = time.monotonic() + self.slow_seconds
		sock = handler.connection
		while time.monotonic() < deadline and not self._closing:
			r, _, _ = select.select([sock], [], [], 0.1)
			if r:
				try:
					if sock.recv(1, socket.MSG_PEEK) == b"":
						return
				except OSError:
					return
				time.sleep(0.1)


def _multipart(ctype, raw):
	"""multipart/form-data -> {name: (filename, bytes, part type)}."""
	import email.parser
	import email.policy
	if not ctype.lower().startswith("multipart/form-data"):
		return {}
	msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
	    b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + raw)
	out = {}
	for part in msg.iter_parts():
		name = part.get_param("name", header="content-disposition")
		if name:
			out[name] = (part.get_filename(), part.get_payload(
			    decode=True) or b"", part.get_content_type())
	return out


def _sample_bytes(mtype):
	head = {"image": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
	    "sticker": b"RIFF\x00\x00\x00\x00WEBPVP8 ",
	    "document": b"%PDF-1.4\n", "video": b"\x00\x00\x00\x18ftypmp42",
	    "audio": b"ID3\x04\x00", "voice": b"OggS\x00\x02"}[mtype]
	return head + os.urandom(512)


class _Handler(BaseHTTPRequestHandler):
	protocol_version = "HTTP/1.1"
	server_version = "FakeGraph/1.0"

	def log_message(self, fmt, *args):
		if os.environ.get("FAKE_GRAPH_VERBOSE"):
			sys.stderr.write("fake_graph: " + fmt % args + "\n")

	@property
	def fake(self):
		return self.server.fake

	def _read_body(self):
		n = int(self.headers.get("Content-Length") or 0)
		return self.rfile.read(n) if n > 0 else b""

	def _answer(self, status, body, ctype="application/json"):
		if status is None:
			self.close_connection = True
			try:
				self.connection.shutdown(socket.SHUT_RDWR)
			except OSError:
				pass
			return
		if isinstance(body, (dict, list)):
			data = json.dumps(body).encode()
		elif isinstance(body, str):
			data = body.encode()
		else:
			data = body or b""
		try:
			self.send_response(status)
			self.send_header("Content-Type", ctype)
			self.send_header("Content-Length", str(len(data)))
			self.end_headers()
			self.wfile.write(data)
		except OSError:
			self.close_connection = True

	def _record(self, raw, kind, answer=None):
		headers = {k: v for k, v in self.headers.items()
		    if k.lower() != "authorization"}
		try:
			body = json.loads(raw) if raw else None
		except ValueError:
			body = None
		auth = self.headers.get("Authorization", "")
		token = auth[7:] if auth.startswith("Bearer ") else None
		self.fake._record({"method": self.command, "path": self.path,
		    "token": token,
		    "headers": headers, "body": body, "raw": raw, "kind": kind,
		    "status": answer, "time": time.time()})

	def _authorized(self, phone_number_id=None):
		"""The bearer token is the number's (with one: for sends), or
		any number's (media, which belongs to the app)."""
		got = self.headers.get("Authorization", "")
		if phone_number_id is not None:
			want = self.fake.token_for(phone_number_id)
			return want is not None and got == "Bearer " + want
		with self.fake.lock:
			pnids = list(self.fake.numbers)
		return any(got == "Bearer " + self.fake.token_for(p)
		    for p in pnids)

	def _unauthorized(self):
		return graph_error(190, "OAuthException",
		    "Invalid OAuth access token - Cannot parse access token",
		    status=401)

	def do_GET(self):
		path = urllib.parse.urlsplit(self.path).path
		parts = [p for p in path.split("/") if p]
		if parts and parts[0] == "_fake":
			return self._control_get(parts[1:])
		if len(parts) == 2 and parts[0] == "_media":
			ok = self._authorized()
			q = urllib.parse.parse_qs(urllib.parse.urlsplit(
			    self.path).query)
			exp = q.get("exp")
			with self.fake.lock:
				item = self.fake.media.get(parts[1])
				key = parts[1] if self.fake.media_failures.get(
				    parts[1]) else None
				fail = ok and self.fake.media_failures.get(key, 0) > 0
				if fail:
					self.fake.media_failures[key] -= 1
			if exp and time.time() > float(exp[0]):
				item = None  # the URL expired
			st = 401 if not ok else 500 if fail else 200 if item \
			    else 404
			self._record(b"", "media_download", st)
			if not ok:
				return self._answer(*self._unauthorized())
			if fail:
				return self._answer(500, "try later", "text/plain")
			if not item:
				return self._answer(404, "not found", "text/plain")
			return self._answer(200, item[1], item[0])
		if len(parts) == 3 and parts[0] == self.fake.version and \
		    parts[2] == "message_templates":
			ok = self._authorized()
			self._record(b"", "templates", 200 if ok else 401)
			if not ok:
				return self._answer(*self._unauthorized())
			q = urllib.parse.parse_qs(urllib.parse.urlsplit(
			    self.path).query)
			return self._answer(200, self.fake.template_page(parts[1],
			    (q.get("after") or [None])[0],
			    (q.get("limit") or [None])[0]))
		if len(parts) == 2 and parts[0] == self.fake.version:
			ok = self._authorized()
			with self.fake.lock:
				known = parts[1] in self.fake.media
			st = 200 if ok and known else (401 if not ok else 400)
			self._record(b"", "media_info", st)
			if not ok:
				return self._answer(*self._unauthorized())
			if not known:
				return self._answer(*graph_error(100,
				    "GraphMethodException", "Unsupported get "
				    "request. Object with ID '%s' does not exist"
				    % parts[1]))
			return self._answer(200, self.fake.media_info(parts[1]))
		self._record(b"", "unknown", 404)
		self._answer(*graph_error(2500, "OAuthException",
		    "Unknown path components", status=404))

	def do_POST(self):
		raw = self._read_body()
		path = urllib.parse.urlsplit(self.path).path
		parts = [p for p in path.split("/") if p]
		if parts and parts[0] == "_fake":
			return self._control_post(parts[1:], raw)
		if len(parts) == 3 and parts[0] == self.fake.version and \
		    parts[2] == "messages":
			try:
				body = json.loads(raw)
			except ValueError:
				body = None
			kind = "read" if isinstance(body, dict) and \
			    body.get("status") == "read" else "send"
			if kind == "read" and body.get("typing_indicator"):
				kind = "typing"
			if self.fake.token_for(parts[1]) is None:
				self._record(raw, kind, 400)
				return self._answer(*graph_error(100,
				    "GraphMethodException", "Unsupported post "
				    "request. Object with ID '%s' does not exist"
				    % parts[1]))
			if not self._authorized(parts[1]):
				self._record(raw, kind, 401)
				return self._answer(*self._unauthorized())
			st, answer = self.fake.handle_send(body, self, parts[1])
			self._record(raw, kind, st)
			return self._answer(st, answer)
		if len(parts) == 3 and parts[0] == self.fake.version and \
		    parts[2] == "media":
			return self._upload(parts[1], raw)
		self._record(raw, "unknown", 404)
		self._answer(*graph_error(2500, "OAuthException",
		    "Unknown path components", status=404))

	def _upload(self, pnid, raw):
		"""POST /{phone_number_id}/media, multipart/form-data with
		messaging_product, type and file (Meta's media upload)."""
		if not self._authorized():
			self._record(raw, "upload", 401)
			return self._answer(*self._unauthorized())
		fields = _multipart(self.headers.get("Content-Type", ""), raw)
		f = fields.get("file")
		ok = self.fake.token_for(pnid) is not None and f is not None and \
		    fields.get("messaging_product", (None, b""))[1] == \
		    b"whatsapp" and fields.get("type") is not None
		if not ok:
			self._record(b"", "upload", 400)
			return self._answer(*graph_error(100, "OAuthException",
			    "(#100) The parameter file, type and "
			    "messaging_product are required."))
		mime = fields["type"][1].decode("utf-8", "replace")
		mid = self.fake.add_media(f[1], mime)
		with self.fake.lock:
			self.fake.uploads.append({"id": mid, "type": mime,
			    "filename": f[0], "size": len(f[1]),
			    "part_type": f[2], "time": time.time()})
		self._record(b"", "upload", 200)
		return self._answer(200, {"id": mid})

	# ---- control API under /_fake/ ----------------------------------

	def _control_get(self, parts):
		f = self.fake
		if parts == ["requests"]:
			reqs = f.snapshot()
			for r in reqs:
				r.pop("raw", None)
			return self._answer(200, {"requests": reqs})
		if parts == ["sent"]:
			return self._answer(200, {"sent": f.accepted_sends()})
		if parts == ["health"]:
			return self._answer(200, {"ok": True, "port": f.port})
		self._answer(404, {"error": "unknown control path"})

	def _control_post(self, parts, raw):
		f = self.fake
		try:
			req = json.loads(raw) if raw else {}
			if not isinstance(req, dict):
				raise ValueError("body must be an object")
			return self._answer(200, self._control(f, parts, req))
		except (ValueError, KeyError, TypeError, RuntimeError) as e:
			return self._answer(400, {"error": str(e)})

	def _control(self, f, parts, req):
		if parts == ["fail"]:
			if req.get("always"):
				f.fail_all(req.get("kind"))
			else:
				f.fail_next(req["kind"], req.get("count", 1),
				    req.get("to"))
			if "slow_seconds" in req:
				f.slow_seconds = float(req["slow_seconds"])
			return {"ok": True}
		if parts == ["status_delays"]:
			f.set_status_delays(req.get("delays"))
			if "early" in req:
				f.early_status = bool(req["early"])
			return {"ok": True}
		if parts == ["relay"]:
			f.set_relay_url(req.get("url"))
			return {"ok": True}
		if parts == ["reset"]:
			f.reset()
			return {"ok": True}
		if parts == ["media"]:
			data = base64.b64decode(req["data_base64"])
			return {"id": f.add_media(data, req["mime_type"],
			    req.get("id"))}
		if parts == ["customer", "message"]:
			c = f.customer(req.get("wa_id"), req.get("user_id"),
			    req.get("name"), req.get("username"))
			kw = {k: req[k] for k in _MSG_KEYS if k in req}
			if "data_base64" in req:
				kw["data"] = base64.b64decode(req["data_base64"])
			m, code = f.customer_message(c, req.get("type", "text"),
			    **kw)
			return {"message": m, "relay_status": code}
		if parts == ["customer", "status"]:
			err = req.get("error")
			if err:
				err = (err["code"], err["title"],
				    err.get("details"))
			code = f.post_status(req["id"], req["status"],
			    req.get("recipient"), req.get("timestamp"), err)
			return {"relay_status": code}
		if parts == ["webhook"]:
			return {"relay_status": f.post_webhook(req)}
		raise KeyError("unknown control path /_fake/" + "/".join(parts))


_MSG_KEYS = ("text", "timestamp", "wamid", "context", "media_id",
    "mime_type", "sha256", "caption", "filename", "latitude", "longitude",
    "name", "address", "reaction_to", "emoji", "payload", "button_id",
    "title", "description", "phone_number_id")


def _read_secret(path):
	with open(path, encoding="utf-8") as fp:
		return fp.read().strip()


def main(argv=None):
	ap = argparse.ArgumentParser(description="Fake WhatsApp Graph API")
	ap.add_argument("--host", default="127.0.0.1")
	ap.add_argument("--port", type=int, default=0)
	ap.add_argument("--relay-url")
	ap.add_argument("--app-secret-file", required=True)
	ap.add_argument("--access-token-file", required=True)
	ap.add_argument("--phone-number-id", required=True)
	ap.add_argument("--display-phone-number", default="15550100")
	ap.add_argument("--number", action="append", default=[],
	    metavar="PNID[:DISPLAY[:TOKEN_FILE]]",
	    help="one more business number to answer for")
	ap.add_argument("--version", default="v21.0")
	ap.add_argument("--status-delays", default="0.5,1.5,3",
	    help="seconds for sent,delivered,read after a send; 'off'")
	args = ap.parse_args(argv)
	delays = None
	if args.status_delays not in ("off", "none", ""):
		delays = [float(x) for x in args.status_delays.split(",")]
	fake = FakeGraph(_read_secret(args.access_token_file),
	    _read_secret(args.app_secret_file), args.phone_number_id,
	    relay_url=args.relay_url, status_delays=delays,
	    display_phone_number=args.display_phone_number,
	    version=args.version, host=args.host, port=args.port)
	for spec in args.number:
		pnid, _, rest = spec.partition(":")
		display, _, tokfile = rest.partition(":")
		fake.add_number(pnid, _read_secret(tokfile) if tokfile else None,
		    display or "15550199")
	fake.start()
	print(fake.port, flush=True)
	stop = threading.Event()
	import signal
	signal.signal(signal.SIGTERM, lambda *a: stop.set())
	signal.signal(signal.SIGINT, lambda *a: stop.set())
	while not stop.wait(0.5):
		pass
	fake.stop()
	return 0


if __name__ == "__main__":
	sys.exit(main())
