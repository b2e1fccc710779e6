"""Golden screens: the TUI drawn for a fixed inbox, compared with
tests/screens/tui_*.txt after masking what depends on the clock.

    TTYDESK_REGEN_SCREENS=1 python3 tests/e2e/test_tui_screens.py

rewrites the files (review the diff before committing).
"""

import os
import re
import shutil
import sys
import time
import unittest

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, _HERE)
sys.path.insert(0, os.path.join(_HERE, "..", "pylib"))

import harness  # noqa: E402
from tui_tmux import TuiSession  # noqa: E402

SCREENS = os.path.join(_HERE, "..", "screens")

MASKS = [
	(re.compile(r"\b\d\d:\d\d\b"), "HH:MM"),
	(re.compile(r"window \d+h\d\dm"), "window NNhNNm"),
	(re.compile(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d \w\w\w \d{4}"),
	    "DAY DD MON YYYY"),
	# The age column is right-aligned: "now" and "1m" pad differently.
	(re.compile(r"(?<= ) *(now|\d+[mhdw])(?=│|\s*$)"),
	    lambda m: "AGE".rjust(len(m.group(0)))),
	(re.compile(r"retry in \d+s"), "retry in Ns"),
]


def mask(screen):
	out = []
	for line in screen.splitlines():
		for rx, rep in MASKS:
			line = rx.sub(rep, line)
		out.append(line.rstrip())
	while out and not out[-1]:
		out.pop()
	return "\n".join(out) + "\n"


@unittest.skipUnless(shutil.which("tmux"), "tmux is not installed")
class TuiScreens(unittest.TestCase):
	@classmethod
	def setUpClass(cls):
		cls.world = harness.RelayWorld()
		f = cls.world.fake
		alice = cls.world.agent("alice")
		now = int(time.time())
		c1 = f.customer("34600111222", None, "María José Fernández")
		m1, _ = f.customer_message(c1, "text", timestamp=now - 120,
		    text="Hola! My order #4471 still hasn't arrived and the "
		    "tracking page shows nothing since Monday. Can you check?")
		conv1 = cls.conv_of(alice, m1["id"])
		alice.assign(conv1, "alice")
		alice.send_text(conv1, "Hi María, sorry about that: checking with "
		    "the carrier now.", reply_to=m1["id"])
		alice.note(conv1, "Carrier ticket CX-2231 opened")
		# Activity a second apart: the list order does not hang on ties.
		time.sleep(1.1)
		c2 = f.customer("81901234567", None, "山田 太郎 🍣")
		m2, _ = f.customer_message(c2, "text", timestamp=now - 60,
		    text="返品したいです。どうすればいいですか？")
		alice.escalate(cls.conv_of(alice, m2["id"]), "tier2",
		    "Japanese speaker needed", priority="urgent")
		c3 = f.customer("15550009999", None, "Old Customer")
		f.customer_message(c3, "location", timestamp=now - 30,
		    name="Warehouse gate", address="Calle Mayor 1")

	@staticmethod
	def conv_of(agent, wamid):
		for e in agent.all_events(0):
			if e.get("type") == "message" and \
			    e["message"].get("id") == wamid:
				return e["conversation"]
		raise AssertionError("no conversation for " + wamid)

	@classmethod
	def tearDownClass(cls):
		cls.world.close()
		cls.world.relay.cleanup()

	def check(self, t, name):
		got = mask(t.screen())
		path = os.path.join(SCREENS, "tui_%s.txt" % name)
		if os.environ.get("TTYDESK_REGEN_SCREENS"):
			with open(path, "w", encoding="utf-8") as fp:
				fp.write(got)
			return
		with open(path, encoding="utf-8") as fp:
			want = fp.read()
		self.assertEqual(got, want, "screen %s differs (regenerate with "
		    "TTYDESK_REGEN_SCREENS=1 after checking)" % name)

	def settle(self, t, text):
		t.wait_for(text)
		time.sleep(0.4)  # let the last frame land

	def test_screens(self):
		t = TuiSession.for_agent(self.world, "alice")
		self.addCleanup(t.close)
		t.start()
		t.wait_for("online")
		self.settle(t, "Carrier ticket")
		t.wait_for(" ✓\n", what="the reply sent")
		self.check(t, "mine_120x40")
		t.keys("]", "]", "]", "]", "]")
		self.settle(t, " All 3 ")
		self.check(t, "all_120x40")
		t.keys("/")
		t.literal("返品")
		t.keys("Enter", "Enter")
		self.settle(t, "escalated to tier2")
		self.check(t, "thread_120x40")
		t.resize(80, 24)
		t.keys("Escape")
		self.settle(t, "Old Customer")
		self.check(t, "list_80x24")
		t.keys("?")
		self.settle(t, "ttydesk keys")
		self.check(t, "help_80x24")
		t.keys("Escape", "q")
		t.wait_for("TTYDESK-EXIT=0")


if __name__ == "__main__":
	unittest.main(verbosity=2)
