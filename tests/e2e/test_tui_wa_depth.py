"""End to end: the real relay, the fake Graph API and `ttydesk` in tmux.

A customer's photo shows as a picture (cells of block symbols in
colour, not text); a broken one keeps its text line; a customer's answer
to an interactive button shows as a structured line; typing a reply sends
Meta's typing indicator once.
"""

import os
import sys
import time
import unittest

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, _HERE)
sys.path.insert(0, os.path.join(_HERE, "..", "pylib"))

import harness  # noqa: E402
from tui_tmux import TuiWorldCase  # noqa: E402

_PNG = os.path.join(_HERE, "..", "fixtures", "images", "quadrants.png")
# Block and quadrant symbols chafa draws with (U+2580..U+259F).
_BLOCKS = set(chr(c) for c in range(0x2580, 0x25A0))


class TuiWaDepth(TuiWorldCase):
	def customer(self, name):
		return self.fake.customer(harness.unique_phone(), None, name)

	def open_by_search(self, t, needle):
		t.keys("/")
		t.literal(needle)
		t.keys("Enter", "Enter")

	def picture_rows(self, screen):
		return [l for l in screen.splitlines()
		    if sum(ch in _BLOCKS for ch in l) >= 2]

	def test_picture_and_button_reply(self):
		with open(_PNG, "rb") as fp:
			png = fp.read()
		c = self.customer("Pia Picture")
		m, code = self.fake.customer_message(c, "image", data=png,
		    mime_type="image/png", caption="the broken lamp")
		self.assertEqual(code, 200)
		_, code = self.fake.customer_message(c, "button_reply",
		    button_id="resched", title="Yes, reschedule")
		self.assertEqual(code, 200)
		t = self.session()
		t.start()
		t.wait_for("online")
		self.goto_queue(t, "All")
		t.wait_for("Pia Picture")
		self.open_by_search(t, "Pia Picture")
		t.wait_for("the broken lamp")
		s = t.wait_for("▸ button: Yes, reschedule")
		# The picture arrives from the relay's media store and replaces
		# nothing: its label and caption stay around it.
		s = t.wait_for(lambda s: len(self.picture_rows(s)) >= 4,
		    what="picture rows")
		rows = self.picture_rows(s)
		self.assertLessEqual(len(rows), 14)
		self.assertIn("[image]", s)
		# Drawn in colour: the rows carry SGR colour sequences.
		esc = t.tmux("capture-pane", "-p", "-e", "-t", "0")
		self.assertTrue(any(("38;5;" in l or "48;5;" in l) and
		    sum(ch in _BLOCKS for ch in l) >= 2 for l in esc.splitlines()),
		    "picture rows without colours")
		self.quit(t)

	def test_broken_image_and_images_off(self):
		c = self.customer("Bo Broken")
		self.fake.customer_message(c, "image",
		    data=b"\x89PNG\r\n\x1a\n" + os.urandom(300),
		    mime_type="image/png", caption="garbage inside")
		t = self.session()
		t.start()
		t.wait_for("online")
		self.goto_queue(t, "All")
		t.wait_for("Bo Broken")
		self.open_by_search(t, "Bo Broken")
		s = t.wait_for("garbage inside")
		time.sleep(2)
		s = t.screen()
		self.assertIn("[image]", s)
		self.assertEqual(self.picture_rows(s), [])
		self.quit(t)
		# [ui] images = off: the good picture stays a text line.
		with open(_PNG, "rb") as fp:
			png = fp.read()
		c = self.customer("Otto Off")
		self.fake.customer_message(c, "image", data=png,
		    mime_type="image/png", caption="no pictures here")
		t = self.session(extra="images = off\n")
		t.start()
		t.wait_for("online")
		self.goto_queue(t, "All")
		t.wait_for("Otto Off")
		self.open_by_search(t, "Otto Off")
		t.wait_for("no pictures here")
		time.sleep(2)
		self.assertEqual(self.picture_rows(t.screen()), [])
		self.quit(t)

	def test_typing_indicator(self):
		c = self.customer("Tina Typing")
		m, _ = self.fake.customer_message(c, "text", text="are you there?")
		t = self.session()
		t.start()
		t.wait_for("online")
		self.goto_queue(t, "All")
		t.wait_for("Tina Typing")
		self.open_by_search(t, "Tina Typing")
		t.wait_for("are you there?")
		t.keys("r")
		t.literal("yes, one moment")
		typing = harness.wait_until(lambda: [r for r in self.fake.snapshot()
		    if r["kind"] == "typing" and r["body"].get("message_id") ==
		    m["id"]], what="typing indicator")
		time.sleep(1.5)
		t.literal(" more")
		time.sleep(1.5)
		# Once, however many keys (the relay and ttydesk both limit).
		self.assertEqual(len([r for r in self.fake.snapshot()
		    if r["kind"] == "typing" and r["body"].get("message_id") ==
		    m["id"]]), 1, typing)
		t.keys("Escape")
		self.quit(t)


if __name__ == "__main__":
	unittest.main()
