"""A small client for the relay's agent API (/v1) and webhook intake.

Every call returns a Response(status, headers, body, data) where data is
the parsed JSON (or None).  No call raises on an HTTP error status; the
tests assert on statuses.
"""

import http.client
import json
import time
import urllib.parse
import uuid

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
    "..", "fake"))
import wa_payloads as wp  # noqa: E402


class Response:
	def __init__(self, status, headers, body):
		self.status = status
		self.headers = headers
		self.body = body
		try:
			self.data = json.loads(body) if body else None
		except ValueError:
			self.data = None

	def header(self, name):
		for k, v in self.headers:
			if k.lower() == name.lower():
				return v
		return None

	@property
	def error_code(self):
		if isinstance(self.data, dict) and isinstance(
		    self.data.get("error"), dict):
			return self.data["error"].get("code")
		return None

	def __repr__(self):
		return "<Response %d %r>" % (self.status, self.body[:300])


def request(url, method, path, body=None, headers=None, timeout=90):
	"""One HTTP request to base url + path.  body: bytes, str or JSON."""
	u = urllib.parse.urlsplit(url)
	conn = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
	hdrs = dict(headers or {})
	if body is not None and not isinstance(body, (bytes, bytearray, str)):
		body = json.dumps(body)
		hdrs.setdefault("Content-Type", "application/json")
	if isinstance(body, str):
		body = body.encode()
	try:
		conn.request(method, path, body=body, headers=hdrs)
		r = conn.getresponse()
		return Response(r.status, r.getheaders(), r.read())
	finally:
		conn.close()


def quote(s):
	return urllib.parse.quote(s, safe="")


def new_client_id():
	return "c-" + uuid.uuid4().hex


class AgentClient:
	"""The agent API as one agent (bearer token) sees it."""

	def __init__(self, url, token):
		self.url = url.rstrip("/")
		self.token = token

	def call(self, method, path, body=None, token=None, timeout=90):
		tok = self.token if token is None else token
		h = {"Authorization": "Bearer " + tok} if tok else {}
		return request(self.url, method, path, body, h, timeout)

	def me(self):
		return self.call("GET", "/v1/me")

	def sync(self, after=0, limit=None, wait=None, raw_query=None,
	    timeout=90):
		if raw_query is not None:
			q = raw_query
		else:
			q = "after=%s" % after
			if limit is not None:
				q += "&limit=%s" % limit
			if wait is not None:
				q += "&wait=%s" % wait
		return self.call("GET", "/v1/sync?" + q, timeout=timeout)

	def all_events(self, after=0, limit=5000):
		"""Every event after `after`, following `more`."""
		out = []
		while True:
			r = self.sync(after, limit=limit, wait=0)
			if r.status != 200:
				raise AssertionError("sync failed: %r" % (r,))
			out += r.data["events"]
			after = r.data["next"]
			if not r.data["more"]:
				return out

	def _conv(self, conv, what):
		return "/v1/conversations/%s/%s" % (quote(conv), what)

	def send_text(self, conv, text, client_id=None, reply_to=None):
		b = {"client_id": client_id or new_client_id(), "text": text}
		if reply_to:
			b["reply_to"] = reply_to
		return self.call("POST", self._conv(conv, "messages"), b)

	def send_template(self, conv, name, language="en_US", params=(),
	    client_id=None):
		b = {"client_id": client_id or new_client_id(), "template": {
		    "name": name, "language": language, "params": list(params)}}
		return self.call("POST", self._conv(conv, "messages"), b)

	def note(self, conv, text, client_id=None):
		return self.call("POST", self._conv(conv, "notes"), {
		    "client_id": client_id or new_client_id(), "text": text})

	def escalate(self, conv, team, reason, priority="high",
	    client_id=None):
		return self.call("POST", self._conv(conv, "escalate"), {
		    "client_id": client_id or new_client_id(), "team": team,
		    "priority": priority, "reason": reason})

	def assign(self, conv, agent, client_id=None):
		return self.call("POST", self._conv(conv, "assign"), {
		    "client_id": client_id or new_client_id(), "agent": agent})

	def set_status(self, conv, status, client_id=None, **extra):
		b = {"client_id": client_id or new_client_id(), "status": status}
		b.update(extra)
		return self.call("POST", self._conv(conv, "status"), b)

	def read(self, conv, wamid):
		return self.call("POST", self._conv(conv, "read"),
		    {"message": wamid})

	def media(self, conv, media_id):
		return self.call("GET", "/v1/conversations/%s/media/%s" % (
		    quote(conv), quote(media_id)))


class WebhookClient:
	"""Posts webhooks to a relay the way Meta does (signed)."""

	def __init__(self, url, app_secret):
		self.url = url.rstrip("/")
		self.app_secret = app_secret

	def post(self, body, signature="sign", headers=None, timeout=60):
		"""signature: "sign" (correct), None (no header) or a literal."""
		raw = wp.to_bytes(body)
		h = {"Content-Type": "application/json"}
		if signature == "sign":
			h["X-Hub-Signature-256"] = wp.sign(self.app_secret, raw)
		elif signature is not None:
			h["X-Hub-Signature-256"] = signature
		h.update(headers or {})
		return request(self.url, "POST", "/webhook", raw, h, timeout)

	def verify(self, mode, token, challenge):
		q = urllib.parse.urlencode({"hub.mode": mode,
		    "hub.verify_token": token, "hub.challenge": challenge})
		return request(self.url, "GET", "/webhook?" + q)


def wait_until(pred, timeout=30.0, interval=0.05, what="condition"):
	"""Poll pred() until it returns a true value; return that value."""
	deadline = time.monotonic() + timeout
	while True:
		v = pred()
		if v:
			return v
		if time.monotonic() > deadline:
			raise AssertionError("timed out after %.0f s waiting for %s"
			    % (timeout, what))
		time.sleep(interval)
