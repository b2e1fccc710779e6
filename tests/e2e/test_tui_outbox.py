"""End to end: the encrypted outbox delivers every reply exactly once.

- relay down while replying: the reply shows as queued, then goes out once
  when the relay is back;
- kill -9 of ttydesk after "queued" (relay down), restart: delivered once;
- kill -9 right after sending with the relay up (it may or may not have
  arrived): after a restart the Graph API still sees it exactly once
  (the relay is idempotent on client_id);
- quitting with a queued reply asks first;
- an attachment queued with the relay down is sealed in the cache (no
  plaintext on disk), survives kill -9 and is uploaded and sent once after
  the restart; its sealed file is gone once the relay has it; one killed
  while uploading is sent once too.
"""

import os
import signal
import sys
import time
import unittest

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, _HERE)
sys.path.insert(0, os.path.join(_HERE, "..", "pylib"))

import harness  # noqa: E402
from tui_tmux import TuiWorldCase  # noqa: E402

_PNG = os.path.join(_HERE, "..", "fixtures", "images", "quadrants.png")



def children(pid):
	try:
		with open("/proc/%d/task/%d/children" % (pid, pid)) as fp:
			return [int(x) for x in fp.read().split()]
	except OSError:
		return []


class TuiOutbox(TuiWorldCase):
	def relay_down(self):
		self.world.relay.stop()
		self.addCleanup(self.relay_up)

	def relay_up(self):
		if not self.world.relay.running():
			self.world.relay.start()
			self.fake.set_relay_url(self.world.relay.url)

	def ttydesk_pid(self, t):
		sh = int(t.tmux("display-message", "-p", "-t", "0",
		    "#{pane_pid}").strip())
		for _ in range(50):
			for c in children(sh):
				with open("/proc/%d/comm" % c) as fp:
					if fp.read().strip() == "ttydesk":
						return c
			time.sleep(0.1)
		raise AssertionError("no ttydesk process")

	def kill9(self, t):
		os.kill(self.ttydesk_pid(t), signal.SIGKILL)
		t.wait_for("TTYDESK-EXIT=137")
		t.tmux("kill-server", check=False)
		t.started = False

	def open_new(self, t, name, text):
		self.customer_writes(name, text)
		t.wait_for(name)
		self.open_conv(t, name, "[open")

	def sends(self, text):
		return [s for s in self.fake.send_requests()
		    if (s.get("body") or {}).get("text", {}).get("body") == text]


	def reply(self, t, text):
		t.keys("r")
		t.wait_for("C-s send")
		t.literal(text)
		t.keys("C-s")

	def online(self):
		"""A started session, online."""
		t = self.online_session()
		return t

	def queued_reply(self, t, name, first, text):
		"""name writes first; with the relay down, text is queued."""
		self.open_new(t, name, first)
		self.relay_down()
		self.reply(t, text)
		t.wait_for("reply · queued")

	def delivered_once(self, text, what, settle=1.5):
		"""text reaches the customer, and only once."""
		harness.wait_until(lambda: self.accepted(text), timeout=30,
		    what=what)
		time.sleep(settle)
		self.assertEqual(len(self.sends(text)), 1)

	def test_relay_down_then_up(self):
		t = self.online_session()
		self.queued_reply(t, "Down Dave", "are you there?",
		    "queued while the relay sleeps")
		t.wait_for("retry", timeout=15)
		time.sleep(1)
		self.assertEqual(self.sends("queued while the relay sleeps"), [])
		self.relay_up()
		harness.wait_until(lambda: self.accepted(
		    "queued while the relay sleeps"), timeout=30, what="delivery")
		t.wait_for(lambda s: "◷" not in s, what="pending line gone")
		time.sleep(1.5)
		self.assertEqual(len(self.sends("queued while the relay sleeps")), 1)
		t.keys("Escape", "q")
		t.wait_for("TTYDESK-EXIT=0")
		self.assertEqual(t.asan_reports(), [])

	def test_kill9_after_queued(self):
		t = self.online_session()
		self.queued_reply(t, "Crash Carla", "hello", "survives kill -9")
		# Quitting with something queued asks first.
		t.keys("Escape", "Escape", "q")
		t.wait_for("not at the relay yet")
		t.keys("n")
		self.kill9(t)
		self.assertEqual(self.sends("survives kill -9"), [])
		self.relay_up()
		t.start()
		self.delivered_once("survives kill -9", "delivery after restart")
		# No second delivery at the next start either.
		t.wait_for(lambda s: "◷" not in s, what="no pending line")
		t.keys("q")
		t.wait_for("TTYDESK-EXIT=0")
		t.tmux("kill-server", check=False)
		t.start()
		t.wait_for("online")
		time.sleep(1.5)
		self.assertEqual(len(self.sends("survives kill -9")), 1)
		t.keys("q")
		t.wait_for("TTYDESK-EXIT=0")

	def test_quit_without_asking_when_confirm_off(self):
		t = self.session()
		t.extra = "confirm = off\n"
		t.write_config()
		t.start()
		t.wait_for("online")
		self.queued_reply(t, "Quiet Quinn", "hey", "kept across a quit")
		t.keys("Escape", "Escape", "q")
		t.wait_for("TTYDESK-EXIT=0")  # no question
		self.assertEqual(t.asan_reports(), [])
		t.tmux("kill-server", check=False)
		self.relay_up()
		t.start()
		self.delivered_once("kept across a quit", "delivery at the next start",
		    settle=1)
		t.keys("q")
		t.wait_for("TTYDESK-EXIT=0")

	def test_kill9_racing_the_send(self):
		t = self.online_session()
		self.open_new(t, "Race Rita", "hi")
		self.reply(t, "sent as ttydesk dies")
		self.kill9(t)
		t.start()
		t.wait_for("online")
		self.delivered_once("sent as ttydesk dies", "delivery")
		t.keys("q")
		t.wait_for("TTYDESK-EXIT=0")


	def blobs(self, t):
		d = os.path.join(t.dir, "cache")
		return [os.path.join(d, f) for f in os.listdir(d)
		    if f.startswith("blob-")]

	def attach(self, t, path, caption):
		t.keys("F")
		t.wait_for("Attach file:")
		t.literal(path)
		t.keys("Enter")
		t.wait_for("caption")
		t.literal(caption)
		t.keys("Enter")

	def image_sends(self, caption):
		return [s for s in self.fake.send_requests() if (s.get("body") or
		    {}).get("image", {}).get("caption") == caption]

	def test_kill9_attachment_after_queued(self):
		with open(_PNG, "rb") as fp:
			png = fp.read()
		t = self.session()
		img = t.put_file("lamp.png", png)
		t.start()
		t.wait_for("online")
		self.open_new(t, "Crash Cora", "the photo please")
		self.relay_down()
		self.attach(t, img, "photo across a crash")
		t.wait_for("attach · queued")
		# Sealed in the cache beside the entry: no plaintext on disk.
		blobs = self.blobs(t)
		self.assertEqual(len(blobs), 1, blobs)
		with open(blobs[0], "rb") as fp:
			sealed = fp.read()
		self.assertGreater(len(sealed), len(png))
		self.assertNotIn(png[16:64], sealed)
		self.assertEqual(os.stat(blobs[0]).st_mode & 0o777, 0o600)
		self.kill9(t)
		self.assertEqual(self.image_sends("photo across a crash"), [])
		self.relay_up()
		t.start()
		harness.wait_until(lambda: [s for s in self.image_sends(
		    "photo across a crash") if s["status"] == 200], timeout=30,
		    what="delivery after restart")
		up = [u for u in self.fake.uploads if u["size"] == len(png)]
		self.assertEqual(len(up), 1, self.fake.uploads)
		self.assertEqual(self.image_sends("photo across a crash")[0][
		    "body"]["image"]["id"], up[0]["id"])
		t.wait_for(lambda s: "◷" not in s, what="no pending line")
		harness.wait_until(lambda: self.blobs(t) == [], timeout=10,
		    what="the sealed file removed")
		t.keys("q")
		t.wait_for("TTYDESK-EXIT=0")
		t.tmux("kill-server", check=False)
		t.start()
		t.wait_for("online")
		time.sleep(1.5)
		self.assertEqual(len(self.image_sends("photo across a crash")), 1)
		self.assertEqual(len([u for u in self.fake.uploads
		    if u["size"] == len(png)]), 1)
		t.keys("q")
		t.wait_for("TTYDESK-EXIT=0")

	def test_kill9_attachment_racing_the_upload(self):
		# A file of its own size, to find its upload among the others.
		data = b"%PDF-1.4\n" + os.urandom(3 << 20)
		t = self.session()
		doc = t.put_file("big.pdf", data)
		t.start()
		t.wait_for("online")
		self.open_new(t, "Race Rafa", "the contract?")
		self.attach(t, doc, "contract racing a crash")
		time.sleep(0.3)
		self.kill9(t)
		t.start()
		t.wait_for("online")
		harness.wait_until(lambda: [s for s in self.fake.send_requests()
		    if (s.get("body") or {}).get("document", {}).get("caption") ==
		    "contract racing a crash" and s["status"] == 200], timeout=60,
		    what="delivery")
		time.sleep(1.5)
		self.assertEqual(len([s for s in self.fake.send_requests()
		    if (s.get("body") or {}).get("document", {}).get("caption") ==
		    "contract racing a crash"]), 1)
		self.assertEqual(len([u for u in self.fake.uploads
		    if u["size"] == len(data)]), 1)
		t.keys("q")
		t.wait_for("TTYDESK-EXIT=0")


if __name__ == "__main__":
	unittest.main()
