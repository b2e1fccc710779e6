"""End to end: read positions survive a restart of `ttydesk`.

The relay keeps no read positions, so only the encrypted cache can tell
the next start which conversations the agent has read: a conversation
opened before quitting shows no unread count after a restart, one never
opened keeps its count, and a message that arrives while ttydesk is not
running is unread at the next start.
"""

import os
import re
import sys
import unittest

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, _HERE)
sys.path.insert(0, os.path.join(_HERE, "..", "pylib"))

import harness  # noqa: E402
from tui_tmux import TuiSession, TuiWorldCase  # noqa: E402



def unread_of(screen, name):
	"""The unread count of the list row holding name: None when the row
	is not there, 0 when it shows no count."""
	for line in screen.splitlines():
		left = line.split("│", 1)[0]
		if name not in left:
			continue
		# mark(1) unread(3, right-aligned) space priority ...
		m = re.match(r"^.(.{3}) ", left)
		if m is None:
			return None
		field = m.group(1).strip()
		if field == "":
			return 0
		return int(field.rstrip("+"))
	return None


class TuiReads(TuiWorldCase):
	def wait_unread(self, t, name, n):
		return t.wait_for(lambda s: unread_of(s, name) == n,
		    what="%s with %d unread" % (name, n))

	def start(self, t):
		t.start()
		t.wait_for("online")
		self.goto_queue(t, "All")

	def quit(self, t):
		t.keys("Escape", "q")
		t.wait_for("TTYDESK-EXIT=0", what="ttydesk to exit with 0")
		self.assertEqual(t.asan_reports(), [])
		t.tmux("kill-server", check=False)
		t.started = False

	def test_read_survives_restart(self):
		rosa = self.fake.customer(harness.unique_phone(), None, "Reads Rosa")
		bob = self.fake.customer(harness.unique_phone(), None, "Reads Bob")
		self.customer_says(rosa, "first from rosa")
		self.customer_says(rosa, "second from rosa")
		self.customer_says(bob, "only from bob")

		t = TuiSession.for_agent(self.world, "alice")
		self.addCleanup(t.close)
		self.start(t)
		self.wait_unread(t, "Reads Rosa", 2)
		self.wait_unread(t, "Reads Bob", 1)
		# Open Rosa's conversation: read.
		t.keys("/")
		t.literal("Reads Rosa")
		t.keys("Enter", "Enter")
		t.wait_for("second from rosa")
		self.wait_unread(t, "Reads Rosa", 0)
		self.quit(t)

		# Start again: Rosa is still read, Bob still unread.
		self.start(t)
		s = self.wait_unread(t, "Reads Bob", 1)
		self.assertEqual(unread_of(s, "Reads Rosa"), 0, s)
		self.quit(t)

		# Rosa writes while ttydesk is not running: one unread, not three.
		self.customer_says(rosa, "third from rosa")
		self.start(t)
		s = self.wait_unread(t, "Reads Rosa", 1)
		self.assertEqual(unread_of(s, "Reads Bob"), 1, s)
		self.quit(t)


if __name__ == "__main__":
	unittest.main()
