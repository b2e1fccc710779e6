"""End to end: the real relay, the fake Graph API and `ttydesk` in tmux.

The list shows conversations, a thread shows messages with a quote,
ticks follow status webhooks, reactions appear, queues switch, search
finds, resizing works, an offline start shows the cache, and the client
reconnects when the relay comes back.
"""

import os
import signal
import subprocess
import sys
import time
import unittest

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, _HERE)
sys.path.insert(0, os.path.join(_HERE, "..", "pylib"))

import harness  # noqa: E402
from tui_tmux import TuiSession, TuiWorldCase  # noqa: E402



class TuiInbox(TuiWorldCase):
	def tick_sgr(self, t):
		"""The attributes the ✓✓ are drawn with (capture-pane -e)."""
		for line in t.tmux("capture-pane", "-p", "-e", "-t", "0").splitlines():
			i = line.find("✓✓")
			if i >= 0:
				j = line.rfind("\x1b[", 0, i)
				return line[j:i]
		return None

	def open_by_search(self, t, needle):
		t.keys("/")
		t.literal(needle)
		t.keys("Enter", "Enter")

	def test_list_thread_quote_ticks_reaction(self):
		c, m = self.customer_writes("Maria Quote", "order 1234 is missing")
		conv = self.conv_of(m["id"])
		r = self.alice.send_text(conv, "Sorry, checking now",
		    reply_to=m["id"])
		self.assertEqual(r.status, 202, r)
		wamid = harness.wait_until(lambda: next((s["wamid"] for s in
		    self.fake.accepted_sends() if s["body"].get("text", {}).get(
		    "body") == "Sorry, checking now"), None), what="send")

		t = self.online_session()
		self.goto_queue(t, "All")
		t.wait_for("Maria Quote")
		self.open_by_search(t, "Maria Quote")
		s = t.wait_for("order 1234 is missing")
		self.assertIn("┃ Maria Quote: order 1234 is missing", t.wait_for(
		    "┃ Maria Quote"))
		self.assertIn("▶ you", s)
		# Ticks follow the status webhooks.
		self.assertEqual(self.fake.post_status(wamid, "delivered"), 200)
		t.wait_for(lambda s: "✓✓" in s, what="delivered ticks")
		delivered = self.tick_sgr(t)
		self.assertEqual(self.fake.post_status(wamid, "read"), 200)
		# Read: the same ticks in the read colour.
		harness.wait_until(lambda: self.tick_sgr(t) != delivered,
		    what="read ticks in colour")
		# The customer reacts to the reply.
		self.fake.customer_message(c, "reaction", reaction_to=wamid,
		    emoji="👍")
		t.wait_for("👍 Maria Quote")
		# An escape sequence from the customer never reaches the terminal.
		self.fake.customer_message(c, "text",
		    text="evil \x1b]0;owned\x07\x1b[2Jtext")
		s = t.wait_for("evil text")
		self.assertNotIn("owned", s)
		self.quit(t)

	def test_queues_and_search(self):
		_, m1 = self.customer_writes("Queue Person", "queue test one")
		_, m2 = self.customer_writes("Zed Searchable", "unique-needle-42")
		conv1 = self.conv_of(m1["id"])
		self.assertEqual(self.alice.assign(conv1, "alice").status, 200)

		t = self.online_session()
		# Mine has a conversation, so ttydesk starts there.
		s = t.wait_for(lambda s: s.splitlines()[-1].startswith(" Mine"),
		    what="Mine queue")
		self.assertIn("Queue Person", s)
		self.assertNotIn("Zed Searchable", s)
		labels = []
		for _ in range(6):
			t.keys("]")
			time.sleep(0.3)
			labels.append(t.screen().splitlines()[-1].split()[0])
		self.assertEqual(labels, ["Unassigned", "Tier", "Tier", "Escalated",
		    "All", "Resolved"])
		t.keys("[")
		s = t.wait_for(lambda s: s.splitlines()[-1].startswith(" All"),
		    what="All queue")
		# Search by message text, incrementally.
		t.keys("/")
		t.literal("unique-needle")
		t.keys("Enter", "Enter")
		t.wait_for("Zed Searchable · +")
		# n/N with no other match stays; a miss says so.
		t.keys("Escape", "/")
		t.literal("no-such-thing-anywhere")
		t.wait_for('Search: no-such-thing-anywhere  [no match]')
		t.keys("Escape")
		self.quit(t)

	def test_preview_follows_resting_cursor(self):
		"""Two panes: j moves the cursor at once; the thread pane shows the
		cursor's conversation once the cursor rests (preview_delay)."""
		self.customer_writes("Preview Pia", "pia writes first")
		self.customer_writes("Preview Quinn", "quinn writes last")

		def shown(s):
			"""Names in the thread pane (right of the separator)."""
			return " ".join(l.split("│", 1)[1] for l in s.splitlines()
			    if "│" in l)

		t = self.online_session()
		self.goto_queue(t, "All")
		t.keys("/")
		t.literal("Preview Quinn")
		t.keys("Enter")
		s = t.wait_for(lambda s: "Preview Quinn" in shown(s),
		    what="the searched conversation in the thread pane")
		rows = [l.split("│", 1)[0] for l in s.splitlines()]
		pia = next(i for i, l in enumerate(rows) if "Preview Pia" in l)
		quinn = next(i for i, l in enumerate(rows) if "Preview Quinn" in l)
		to_pia = "j" if pia > quinn else "k"
		to_quinn = "k" if to_pia == "j" else "j"
		t.keys(to_pia)
		s = t.wait_for(lambda s: "Preview Pia" in shown(s),
		    what="the preview to follow the cursor")
		self.assertNotIn("Preview Quinn", shown(s))
		# A burst ends where the cursor ends.
		t.keys(to_quinn, to_pia, to_quinn)
		t.wait_for(lambda s: "Preview Quinn" in shown(s) and
		    "Preview Pia" not in shown(s), what="the preview after a burst")
		self.quit(t)

	def test_resize(self):
		self.customer_writes("Resize Rita", "a fairly long message " * 8)
		t = self.online_session()
		self.goto_queue(t, "All")
		t.wait_for("Resize Rita")
		self.open_by_search(t, "Resize Rita")
		s = t.wait_for("[open")
		# Two panes at 120 columns: list and thread side by side.
		self.assertTrue(any("Resize Rita" in l and "│" in l for l in
		    s.splitlines()))
		t.resize(80, 24)
		s = t.wait_for(lambda s: len(s.splitlines()) <= 24 and
		    "Resize Rita · +" in s and "│" not in s.splitlines()[2],
		    what="one pane at 80x24")
		for line in s.splitlines():
			self.assertLessEqual(len(line), 80)
		t.keys("Escape")
		s = t.wait_for(lambda s: "[open" not in s, what="back to the list")
		t.resize(120, 40)
		t.keys("Enter")
		t.wait_for(lambda s: len(s.splitlines()) > 30 and "[open" in s,
		    what="two panes again")
		self.quit(t)

	def test_offline_start_then_reconnect(self):
		self.customer_writes("Cached Carla", "I was cached")
		t = self.session()
		t.start()
		t.wait_for("Cached Carla")
		t.wait_for("online")
		t.keys("q")
		t.wait_for("TTYDESK-EXIT=0")
		t.tmux("kill-server", check=False)

		self.world.relay.stop()
		try:
			t.start()
			s = t.wait_for("offline, retry in")
			t.keys("]")  # still answers keys while offline
			t.wait_for(lambda s: "Cached Carla" in s or
			    "no conversations" in s, what="cached list")
			t.keys("[", "[", "[", "[", "[", "[", "]", "]", "]", "]", "]")
			t.wait_for("Cached Carla")
		finally:
			self.world.relay.start()
			self.fake.set_relay_url(self.world.relay.url)
		t.wait_for("online", timeout=30)
		self.customer_writes("After Reconnect", "back again")
		t.wait_for("After Reconnect", timeout=30)
		self.quit(t)

	def test_media_save_and_sigterm(self):
		c = self.fake.customer(harness.unique_phone(), None, "Media Mia")
		m, code = self.fake.customer_message(c, "document",
		    filename="../../invoice 7.pdf", caption="my invoice",
		    data=b"%PDF-1.4 fake invoice bytes")
		self.assertEqual(code, 200)
		t = self.session()
		opened = os.path.join(t.dir, "opened.bin")
		t.extra = "open_command = sh -c 'cp \"$0\" %s'\n" % opened
		t.write_config()
		t.start()
		t.wait_for("online")
		self.goto_queue(t, "All")
		self.open_by_search(t, "Media Mia")
		s = t.wait_for("[document] ../../invoice 7.pdf")
		self.assertIn("my invoice", s)
		t.keys("s")
		# The default name has no directory part from the customer.
		t.wait_for("Save media to: ~/invoice 7.pdf")
		target = os.path.join(t.dir, "saved.pdf")
		t.keys("C-u")
		t.literal(target)
		t.keys("Enter")
		t.wait_for("saved " + target)
		with open(target, "rb") as fp:
			self.assertEqual(fp.read(), b"%PDF-1.4 fake invoice bytes")
		self.assertEqual(os.stat(target).st_mode & 0o777, 0o600)
		self.assertFalse(os.path.exists(os.path.join(t.dir, "invoice 7.pdf")))
		# Saving again to the same file refuses to overwrite.
		t.keys("s", "C-u")
		t.literal(target)
		t.keys("Enter")
		t.wait_for("File exists")
		# Open with [ui] open_command: downloaded to a private temp file.
		t.keys("v")
		# cp creates the file before it writes: wait for the bytes.
		harness.wait_until(lambda: os.path.exists(opened) and
		    os.path.getsize(opened) > 0, what="opened")
		with open(opened, "rb") as fp:
			self.assertEqual(fp.read(), b"%PDF-1.4 fake invoice bytes")
		# SIGTERM: clean exit, terminal restored.
		pane_pid = t.tmux("list-panes", "-F", "#{pane_pid}").split()[0]
		child = subprocess.run(["pgrep", "-P", pane_pid, "-x", "ttydesk"],
		    capture_output=True, text=True).stdout.split()
		self.assertEqual(len(child), 1)
		os.kill(int(child[0]), signal.SIGTERM)
		t.wait_for("TTYDESK-EXIT=0")
		self.assertEqual(t.asan_reports(), [])

	def test_bell_on_new_inbound(self):
		t = self.session()
		with open(t.config, encoding="utf-8") as fp:
			text = fp.read()
		with open(t.config, "w", encoding="utf-8") as fp:
			fp.write(text.replace("bell = off", "bell = on"))
		t.start()
		t.wait_for("online")
		# tmux flags a bell in a window that is not the current one.
		t.tmux("new-window")
		flag = lambda: t.tmux("display", "-p", "-t", ":0",  # noqa: E731
		    "#{window_bell_flag}").strip()
		self.assertEqual(flag(), "0")
		self.customer_writes("Bell Bella", "ding")
		harness.wait_until(lambda: flag() == "1", timeout=20, what="bell")
		t.tmux("select-window", "-t", ":0")
		self.quit(t)

	def test_plain_terminals(self):
		"""A C locale and a monochrome terminal: ASCII marks, '?' for what
		the terminal cannot show, columns still line up."""
		self.customer_writes("Zoë 李 Ascii", "你好 plain ñ")
		t = self.session(width=100, height=20)
		t.start(lang="C", term="vt100", env=["NO_COLOR=1"])
		t.wait_for("online")
		self.goto_queue(t, "All")
		s = t.wait_for("Zo? ?? Ascii")
		self.assertNotIn("│", s)
		self.assertIn("| online", s)
		self.open_by_search(t, "Ascii")
		s = t.wait_for("???? plain ?")
		for line in s.splitlines():
			self.assertTrue(all(ord(ch) < 128 for ch in line), line)
		self.quit(t)

	def test_wrong_token(self):
		t = TuiSession(self.world.relay.url, "not-the-token")
		self.addCleanup(t.close)
		t.start()
		s = t.wait_for("auth error")
		self.assertIn("token", s)
		self.assertIn("add-agent", s)
		self.assertIn("refused the token", s)
		self.quit(t)


if __name__ == "__main__":
	unittest.main(verbosity=2)
