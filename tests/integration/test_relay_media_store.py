#!/usr/bin/env python3
"""The relay's media store: inbound media downloaded at arrival (retried
with backoff), served from the store without the Graph API, only to the
conversation that received it; retention, max_total and download_hosts."""

import base64
import hashlib
import os
import stat
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
    "..", "pylib"))
from harness import RelayTestCase, RelayWorld, main, wp  # noqa: E402

DAY = 86400


def _downloads(fake, mid):
	return [r for r in fake.snapshot() if r["kind"] == "media_download"
	    and "/_media/%s?" % mid in r["path"]]


def _graph_calls(fake, mid):
	return [r for r in fake.snapshot() if mid in r["path"]]


class MediaKept(RelayTestCase):

	def _image(self, c, data, fail=0, **kw):
		"""An image message; its first `fail` downloads answer 500."""
		mid = self.fake.add_media(data, "image/png")
		if fail:
			self.fake.fail_media_downloads(fail, mid)
		m = self.inbound(c, "image", media_id=mid, mime_type="image/png",
		    sha256=base64.b64encode(hashlib.sha256(data).digest()).decode(),
		    **kw)
		return m["image"]["id"]

	def _wait_stored(self, mid, timeout=20):
		self.fake.wait_for(lambda f: any(r["status"] == 200 for r in
		    _downloads(f, mid)), timeout)
		# The file is renamed in place right after the download.
		time.sleep(0.3)

	def test_downloaded_at_arrival_with_the_token(self):
		conv, _, c = self.new_conversation()
		data = b"\x89PNG\r\n\x1a\n" + os.urandom(4000)
		mid = self._image(c, data)
		self._wait_stored(mid)
		calls = _graph_calls(self.fake, mid)
		self.assertEqual([r["kind"] for r in calls][:2], ["media_info",
		    "media_download"])
		self.assertTrue(all(r["token"] == self.relay.access_token
		    for r in calls), calls)
		before = len(_graph_calls(self.fake, mid))
		r = self.alice.media(conv, mid)
		self.assertEqual(r.status, 200, r)
		self.assertEqual(r.body, data)
		self.assertEqual(r.header("Content-Type"), "image/png")
		# Served from the store: the Graph API was not asked again.
		self.assertEqual(len(_graph_calls(self.fake, mid)), before)
		mdir = os.path.join(self.relay.dir, "media")
		self.assertEqual(stat.S_IMODE(os.stat(mdir).st_mode), 0o700)
		import hashlib
		f = os.path.join(mdir, hashlib.sha256(data).hexdigest())
		self.assertEqual(stat.S_IMODE(os.stat(f).st_mode), 0o600)

	def test_other_conversation_gets_404_and_no_graph_call(self):
		_, _, c1 = self.new_conversation()
		conv2, _, _ = self.new_conversation()
		mid = self._image(c1, b"\x89PNG" + os.urandom(500))
		self._wait_stored(mid)
		before = len(self.fake.snapshot())
		r = self.bob.media(conv2, mid)
		self.assertEqual(r.status, 404, r)
		self.assertEqual(r.error_code, "not_found")
		# An id no message carries never reaches the Graph API.
		other = self.fake.add_media(b"secret", "image/png")
		r = self.alice.media(conv2, other)
		self.assertEqual(r.status, 404, r)
		time.sleep(0.3)
		self.assertEqual(len(self.fake.snapshot()), before)

	def test_retry_with_backoff(self):
		conv, _, c = self.new_conversation()
		data = b"\x89PNG" + os.urandom(900)
		mid = self._image(c, data, fail=1)
		self.fake.wait_for(lambda f: len(_downloads(f, mid)) >= 2 and
		    _downloads(f, mid)[-1]["status"] == 200, 30)
		d = _downloads(self.fake, mid)
		self.assertEqual(d[0]["status"], 500)
		self.assertGreaterEqual(d[1]["time"] - d[0]["time"], 1.5)
		time.sleep(0.3)
		n = len(_graph_calls(self.fake, mid))
		r = self.alice.media(conv, mid)
		self.assertEqual((r.status, r.body), (200, data))
		self.assertEqual(len(_graph_calls(self.fake, mid)), n)

	def test_past_retention_is_never_downloaded(self):
		conv, _, c = self.new_conversation()
		mid = self._image(c, b"\x89PNG" + os.urandom(100),
		    timestamp=int(time.time()) - 200 * DAY)
		time.sleep(1.5)
		self.assertEqual(_downloads(self.fake, mid), [])
		r = self.alice.media(conv, mid)
		self.assertEqual(r.status, 410, r)
		self.assertEqual(r.error_code, "media_expired")

	def test_fetched_now_when_not_yet_stored(self):
		"""Media whose download failed so far is fetched when asked."""
		conv, _, c = self.new_conversation()
		data = b"%PDF-1.4\n" + os.urandom(300)
		mid = self._image(c, data, fail=1)
		self.fake.wait_for(lambda f: _downloads(f, mid), 20)
		r = self.alice.media(conv, mid)
		self.assertEqual((r.status, r.body), (200, data))


class MediaMonthsLater(unittest.TestCase):
	"""Media of a message 150 days old, served with the Graph API gone."""

	def test_served_with_graph_stopped(self):
		w = RelayWorld()
		try:
			a = w.agent("alice")
			c = w.fake.customer("1555%08d" % (os.getpid() % 10 ** 8),
			    None, "Old Customer")
			data = b"\x89PNG" + os.urandom(2000)
			m, code = w.fake.customer_message(c, "image", data=data,
			    mime_type="image/png",
			    timestamp=int(time.time()) - 150 * DAY)
			self.assertEqual(code, 200)
			mid = m["image"]["id"]
			w.fake.wait_for(lambda f: any(r["status"] == 200 for r in
			    _downloads(f, mid)), 20)
			time.sleep(0.3)
			evs = [e for e in a.all_events(0) if e["type"] == "message"]
			conv = evs[-1]["conversation"]
			w.fake.stop()
			r = a.media(conv, mid)
			self.assertEqual((r.status, r.body), (200, data))
		finally:
			self.assertIn(w.close(), (0, None))


class MediaEviction(RelayTestCase):
	relay_kw = {"extra_config": "\n[media]\nretention = 4s\n"
	    "max_total = 5000\n"}

	def _stored(self, c, size):
		data = os.urandom(size)
		m = self.inbound(c, "document", data=data)
		mid = m["document"]["id"]
		self.fake.wait_for(lambda f: any(r["status"] == 200 for r in
		    _downloads(f, mid)), 20)
		return mid, data

	def test_max_total_then_retention(self):
		conv, _, c = self.new_conversation()
		old, _ = self._stored(c, 3000)
		time.sleep(1.1)  # received one second apart: an order
		new, data = self._stored(c, 3000)
		r = self.alice.media(conv, new)
		self.assertEqual((r.status, r.body), (200, data))
		# Past 5000 bytes the oldest goes (the fetcher looks every 5 s).
		deadline = time.monotonic() + 12
		while time.monotonic() < deadline:
			r = self.alice.media(conv, old)
			if r.status == 410:
				break
			time.sleep(0.5)
		self.assertEqual(r.status, 410, r)
		self.assertEqual(r.error_code, "media_expired")
		# Past 4 s of retention, the newest too; the message stays.
		deadline = time.monotonic() + 15
		while time.monotonic() < deadline:
			r = self.alice.media(conv, new)
			if r.status == 410:
				break
			time.sleep(0.5)
		self.assertEqual(r.status, 410, r)
		msgs = [e for e in self.events() if e.get("conversation") == conv
		    and e["type"] == "message"]
		self.assertIn(new, [(e["message"].get("media") or {}).get("id")
		    for e in msgs])
		files = [f for f in os.listdir(os.path.join(self.relay.dir,
		    "media")) if len(f) == 64]
		self.assertEqual(files, [])


class MediaHosts(RelayTestCase):
	relay_kw = {"extra_config": "\n[media]\ndownload_hosts = "
	    "*.fbsbx.com\n"}

	def test_refused_host_is_never_asked(self):
		conv, _, c = self.new_conversation()
		self.fake.media_url_base = "https://lookaside.example.com"
		try:
			m = self.inbound(c, "image", data=b"\x89PNG" + os.urandom(50))
			mid = m["image"]["id"]
			self.fake.wait_for(lambda f: [r for r in _graph_calls(f, mid)
			    if r["kind"] == "media_info"], 20)
			r = self.alice.media(conv, mid)
			self.assertEqual(r.status, 502, r)
			self.assertEqual(r.error_code, "media_host_refused")
			self.assertIn("download_hosts", self.relay.log_text())
		finally:
			self.fake.media_url_base = None


class MediaUpload(RelayTestCase):

	def _upload(self, conv, data, ctype, client_id=None, **args):
		import agentapi
		q = {"client_id": client_id or agentapi.new_client_id()}
		q.update(args)
		path = "/v1/conversations/%s/media?%s" % (conv,
		    "&".join("%s=%s" % (k, agentapi.quote(v)) for k, v in
		    q.items()))
		h = {"Authorization": "Bearer " + self.alice.token}
		if ctype:
			h["Content-Type"] = ctype
		return agentapi.request(self.alice.url, "POST", path, data, h)

	def test_type_and_size_checked_first(self):
		conv, _, _ = self.new_conversation()
		n = len(self.fake.snapshot())
		r = self._upload(conv, b"PK\x03\x04", "application/zip")
		self.assertEqual(r.status, 415, r)
		r = self._upload(conv, b"x" * 10, None)
		self.assertEqual(r.status, 415, r)
		r = self._upload(conv, b"\x89PNG" + b"\0" * (5 << 20), "image/png")
		self.assertEqual(r.status, 413, r)
		self.assertIn("5242880", r.data["error"]["message"])
		# A static sticker over 100 KB; an animated one may be 500 KB.
		webp = b"RIFF\0\0\0\0WEBPVP8X" + b"\0" * (101 << 10)
		r = self._upload(conv, webp, "image/webp")
		self.assertEqual(r.status, 413, r)
		anim = b"RIFF\0\0\0\0WEBPVP8X\0\0\0\0ANIM" + b"\0" * (101 << 10)
		r = self._upload(conv, anim, "image/webp")
		self.assertEqual(r.status, 202, r)
		self.assertEqual(r.data["message"]["kind"], "sticker")
		r = self._upload("nosuch", b"\x89PNG", "image/png")
		self.assertEqual(r.status, 404, r)
		self.fake.wait_for(lambda f: [x for x in f.snapshot()[n:] if
		    x["kind"] == "upload"], 20)
		self.assertEqual([x for x in self.fake.snapshot()[n:] if x["kind"]
		    == "upload" and x["status"] == 200].__len__(), 1)

	def test_ogg_opus_is_a_voice_note(self):
		conv, _, c = self.new_conversation()
		page = bytearray(200)
		page[0:4] = b"OggS"
		vorbis = bytes(page[:28]) + b"\x01vorbis" + bytes(page[36:])
		page[28:36] = b"OpusHead"
		r = self._upload(conv, vorbis, "audio/ogg")
		self.assertEqual((r.status, r.error_code), (415,
		    "unsupported_media_type"))
		self.assertIn("Opus", r.data["error"]["message"])
		r = self._upload(conv, bytes(page), "audio/ogg", filename="v.ogg")
		self.assertEqual(r.status, 202, r)
		self.assertEqual(r.data["message"]["kind"], "audio")
		sent = self.fake.wait_for(lambda f: [s for s in f.accepted_sends()
		    if s["body"].get("type") == "audio" and s["to"] == c.wa_id], 20)
		self.assertIs(sent[0]["body"]["audio"].get("voice"), True)

	def test_upload_then_send_exactly_once(self):
		conv, _, c = self.new_conversation()
		data = b"%PDF-1.4\n" + os.urandom(20000)
		cid = "c-upload-" + wp.new_media_id()
		r = self._upload(conv, data, "application/pdf", cid,
		    filename="invoice.pdf", caption="Your invoice")
		self.assertEqual(r.status, 202, r)
		msg = r.data["message"]
		self.assertEqual((msg["kind"], msg["caption"], msg["status"]),
		    ("document", "Your invoice", "pending"))
		self.assertEqual(msg["media"]["mime_type"], "application/pdf")
		self.assertEqual(msg["media"]["filename"], "invoice.pdf")
		sent = self.fake.wait_for(lambda f: [s for s in f.accepted_sends()
		    if s["to"] == c.wa_id and s["body"].get("type") ==
		    "document"], 20)
		doc = sent[0]["body"]["document"]
		up = [u for u in self.fake.uploads if u["id"] == doc["id"]]
		self.assertEqual(len(up), 1)
		self.assertEqual((up[0]["type"], up[0]["size"], up[0]["filename"]),
		    ("application/pdf", len(data), "invoice.pdf"))
		self.assertEqual(self.fake.media[doc["id"]][1], data)
		self.assertEqual((doc["caption"], doc["filename"]),
		    ("Your invoice", "invoice.pdf"))
		self.assertNotIn("ttydesk_upload", sent[0]["body"])
		# The same client_id again: the first answer, nothing sent.
		r2 = self._upload(conv, data, "application/pdf", cid,
		    filename="invoice.pdf", caption="Your invoice")
		self.assertEqual(r2.status, 202, r2)
		self.assertEqual(r2.data["message"]["id"], msg["id"])
		time.sleep(1.5)
		self.assertEqual(len([s for s in self.fake.accepted_sends() if
		    s["to"] == c.wa_id and s["body"].get("type") == "document"]),
		    1)
		self.assertEqual(len([u for u in self.fake.uploads if u["size"] ==
		    len(data)]), 1)
		# The agent's own file is served from the store.
		r = self.alice.media(conv, msg["media"]["id"])
		self.assertEqual((r.status, r.body), (200, data))
		self.wait_event(lambda e: e.get("type") == "status" and
		    e["status"]["message"] == msg["id"] and e["status"]["status"]
		    == "sent", what="sent status")


if __name__ == "__main__":
	main()
