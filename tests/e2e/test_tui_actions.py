"""End to end: what an agent does in a conversation, with the real relay,
the fake Graph API and `ttydesk` in tmux.

Reply (multi-line, wide characters) reaches the Graph API once with the
right body; a quoted reply carries the context; a note never reaches
Graph; outside the 24-hour window the reply key opens the template picker
and the template goes out with its parameters; canned replies fill in the
customer's name; $EDITOR composes; claim/resolve/escalate show up in a
second agent's ttydesk; a Graph failure (131047) shows its title and can
be retried; opening a conversation sends one read receipt.
"""

import os
import stat
import sys
import time
import unittest

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, _HERE)
sys.path.insert(0, os.path.join(_HERE, "..", "pylib"))

import harness  # noqa: E402
from tui_tmux import TuiWorldCase  # noqa: E402

EXTRA = """confirm = on

[templates]
order_update = en_US: Your order {1} has shipped, {2}.

[canned]
thanks = Thank you {name}, glad to help!
later = We will get back to you later.
"""



class TuiActions(TuiWorldCase):
	session_kw = {"extra": EXTRA}

	def open_conv(self, t, name, mark="["):
		t.wait_for("online")
		super().open_conv(t, name, mark)

	def wait_send(self, text, timeout=20):
		return harness.wait_until(lambda: self.accepted(text),
		    timeout=timeout, what="send of %r" % text)

	def test_reply_quote_note_receipt(self):
		c, m = self.customer_writes("Ana Reply", "where is my parcel?")
		t = self.session()
		t.start()
		self.open_conv(t, "Ana Reply")
		# Opening marks the newest inbound message read, once.
		harness.wait_until(lambda: [r for r in self.fake.read_requests()
		    if r["body"].get("message_id") == m["id"]], what="receipt")
		t.keys("r")
		s = t.wait_for("C-s send")
		# One business number: no number on the reply line, the thread
		# header or the queue bar.
		self.assertIn("▶ Reply ", s)
		self.assertNotIn("Reply from", s)
		self.assertNotIn("number:", s)
		t.literal("Hello Ana")
		t.keys("Enter")
		t.literal("世界 line two extra")
		t.keys("C-w")  # deletes "extra"
		t.wait_for("22/4096")
		t.keys("C-s")
		sent = self.wait_send("Hello Ana\n世界 line two")
		self.assertNotIn("context", sent[0]["body"])
		t.wait_for(lambda s: "◷" not in s and "世界 line two" in s,
		    what="pending line replaced by the message")
		# Quote the customer's message.
		t.keys("k")
		t.keys("R")
		t.wait_for("┃ Ana Reply: where is my parcel?")
		t.literal("this one?")
		t.keys("C-s")
		sent = self.wait_send("this one?")
		self.assertEqual(sent[0]["body"]["context"]["message_id"], m["id"])
		# A private note never reaches Graph.
		t.keys("i")
		t.wait_for("Private note")
		t.literal("internal: VIP customer")
		t.keys("C-s")
		t.wait_for("internal: VIP customer")
		t.wait_for("NOTE (internal)")
		time.sleep(0.5)
		for r in self.fake.snapshot():
			self.assertNotIn("VIP customer", str(r.get("body")))
		self.assertEqual(len(self.accepted("Hello Ana\n世界 line two")), 1)
		# Reopening does not mark the same message read again.
		t.keys("Escape")
		t.wait_for(lambda s: "Private note" not in s, what="compose closed")
		t.keys("Enter")
		time.sleep(1)
		self.assertEqual(len([r for r in self.fake.read_requests()
		    if r["body"].get("message_id") == m["id"]]), 1)
		self.quit(t)

	def test_draft_kept_and_limit(self):
		self.customer_writes("Dora Draft", "hi")
		t = self.session()
		t.start()
		self.open_conv(t, "Dora Draft")
		t.keys("r")
		t.wait_for("C-s send")
		t.literal("unfinished thought")
		t.keys("Escape")
		t.wait_for("draft kept")
		# Resolving with a draft asks first.
		t.keys("x")
		t.wait_for("unsent draft here: resolve anyway?")
		t.keys("n")
		t.keys("q")
		t.wait_for("TTYDESK-EXIT=0")
		t.tmux("kill-server", check=False)
		# The draft survives a restart (encrypted cache).
		t.start()
		self.open_conv(t, "Dora Draft")
		t.keys("r")
		t.wait_for("unfinished thought")
		t.keys("C-u")
		t.literal("x" * 4100)
		t.wait_for("4100/4096")
		t.keys("C-s")
		t.wait_for("WhatsApp takes at most 4096")
		t.keys("C-u", "Escape")
		self.quit(t)

	def test_template_outside_window(self):
		c, m = self.customer_writes("Old Olga", "old question",
		    timestamp=int(time.time()) - 3 * 86400)
		t = self.session()
		t.start()
		self.open_conv(t, "Old Olga")
		t.keys("r")
		t.wait_for("24-hour window closed 2 d ago: only templates")
		t.wait_for("order_update (en_US)")
		t.keys("1")
		t.wait_for("order_update {1} of 2:")
		t.literal("A-1042")
		t.keys("Enter")
		t.wait_for("order_update {2} of 2:")
		t.literal("today")
		t.keys("Enter")
		t.wait_for('Send "Your order A-1042 has shipped, today."?')
		t.keys("y")
		s = harness.wait_until(lambda: [x for x in self.fake.accepted_sends()
		    if x["body"].get("type") == "template" and
		    x["to"] == c.wa_id], what="template send")
		tpl = s[0]["body"]["template"]
		self.assertEqual(tpl["name"], "order_update")
		self.assertEqual(tpl["language"]["code"], "en_US")
		params = [p["text"] for p in tpl["components"][0]["parameters"]]
		self.assertEqual(params, ["A-1042", "today"])
		# The template shows in the thread as sent by me.
		t.wait_for("template: order_update")
		self.quit(t)

	def test_canned_and_editor(self):
		_, m = self.customer_writes("Carl Canned", "thanks!")
		t = self.session()
		script = os.path.join(t.dir, "editor.sh")
		with open(script, "w") as fp:
			fp.write("#!/bin/sh\nprintf 'from the editor\\nline 2\\n' > \"$1\"\n"
			    "ls -ld \"$(dirname \"$1\")\" \"$1\" > %s/editor.seen\n" %
			    t.dir)
		os.chmod(script, stat.S_IRWXU)
		t.start(env=["EDITOR=" + script, "VISUAL="])
		self.open_conv(t, "Carl Canned")
		t.keys("T")
		t.wait_for("Canned reply")
		t.literal("than")
		t.keys("Enter")
		t.wait_for("Thank you Carl Canned, glad to help!")
		t.keys("C-s")
		self.wait_send("Thank you Carl Canned, glad to help!")
		# $EDITOR: a 0600 file in a private folder, wiped afterwards.
		t.keys("M-e")
		t.wait_for("from the editor")
		with open(os.path.join(t.dir, "editor.seen")) as fp:
			seen = fp.read().split("\n")
		self.assertTrue(seen[0].startswith("drwx------"), seen)
		self.assertTrue(seen[1].startswith("-rw-------"), seen)
		folder = seen[0].split()[-1]
		self.assertFalse(os.path.exists(folder))
		t.keys("C-s")
		self.wait_send("from the editor\nline 2")
		self.quit(t)

	def test_claim_resolve_escalate_seen_by_bob(self):
		_, m = self.customer_writes("Shared Sam", "help please")
		conv = self.conv_of(m["id"])
		a = self.session("alice")
		b = self.session("bob")
		a.start()
		b.start()
		self.open_conv(a, "Shared Sam")
		self.open_conv(b, "Shared Sam")
		b.wait_for("unassigned")
		a.keys("c")
		a.wait_for("claim: done")
		b.wait_for("assigned to alice")
		b.wait_for("[open @alice")
		a.keys("p")
		b.wait_for("[pending @alice")
		a.keys("x")
		a.wait_for("resolve: done")
		b.wait_for("[resolved @alice")
		a.keys("o")
		b.wait_for("reopened")
		a.keys("e")
		a.wait_for("Escalate to team")
		a.keys("2")  # tier2
		a.wait_for("Priority")
		a.keys("3")  # urgent
		a.wait_for("reason:")
		a.keys("Enter")
		a.wait_for("a reason is required")
		a.literal("VIP wants a refund")
		a.keys("Enter")
		b.wait_for("escalated to tier2 (urgent) by alice: VIP wants a refund")
		st = [e for e in self.alice.all_events(0) if e.get("type") ==
		    "conversation" and e["conversation"] == conv][-1]["state"]
		self.assertEqual(st["status"], "escalated")
		self.assertEqual(st["team"], "tier2")
		# Bob replies in a conversation someone else has: asked first.
		a.keys("c")
		b.wait_for("[escalated urgent @alice")
		b.keys("r")
		b.wait_for("is assigned to alice: reply anyway?")
		b.keys("n")
		self.quit(a)
		self.quit(b)

	def test_presence(self):
		self.customer_writes("Pres Paula", "anyone?")
		a = self.session("alice")
		b = self.session("bob")
		a.start()
		b.start()
		self.open_conv(a, "Pres Paula")
		self.open_conv(b, "Pres Paula")
		b.wait_for("alice is viewing")
		a.wait_for("bob is viewing")
		a.keys("r")
		a.literal("typing an answer")
		b.wait_for("alice is typing…")
		# The list marks the conversation too.
		self.assertTrue(any("Pres Paula" in l and "✎" in l for l in
		    b.screen().splitlines()))
		b.keys("r")
		b.wait_for("alice is typing…: reply anyway?")
		b.keys("n")
		a.keys("Escape")
		b.wait_for(lambda s: "alice is typing" not in s, what="typing gone",
		    timeout=30)
		self.quit(a)
		b.wait_for(lambda s: "alice is" not in s, what="alice gone",
		    timeout=40)
		self.quit(b)

	def test_graph_failure_and_retry(self):
		_, m = self.customer_writes("Fail Fiona", "hello?")
		t = self.session()
		t.start()
		self.open_conv(t, "Fail Fiona")
		self.fake.fail_next("131047")
		t.keys("r")
		t.literal("this will fail once")
		t.keys("C-s")
		t.wait_for("Re-engagement message", timeout=30)
		t.wait_for("(y: send again, E: edit)")
		self.assertEqual(self.accepted("this will fail once"), [])
		t.keys("G", "y")
		self.wait_send("this will fail once")
		self.quit(t)


if __name__ == "__main__":
	unittest.main()
