"""End to end with two business numbers: the real relay (two [number]
sections, the second with its own token), the fake Graph API answering for
both, and `ttydesk` in tmux.  The list and the thread header name each
conversation's number, the number key filters the list (and [ui] number
sets where it starts), the reply line says which number the reply leaves
from, and the reply reaches Graph on that number's path with its token."""

import os
import sys
import tempfile
import time
import unittest

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, _HERE)
sys.path.insert(0, os.path.join(_HERE, "..", "pylib"))

import harness  # noqa: E402
import relayproc  # noqa: E402
from tui_tmux import TuiWorldCase  # noqa: E402

DE = "106540352242922"
FR = "106540352242933"
WABA_DE = "102290129340398"
WABA_FR = "102290129340399"
FR_TOKEN = "EAAGfr" + os.urandom(12).hex()
_TOKDIR = tempfile.mkdtemp(prefix="ttydesk-e2e-numbers-")
_TOKFILE = os.path.join(_TOKDIR, "tok-fr")

NUMBERS = """
[number support-de]
name = Berlin
phone_number_id = %s
display_phone_number = +49 30 1234567
waba_id = %s

[number support-fr]
name = Paris
phone_number_id = %s
display_phone_number = +33 1 23456789
waba_id = %s
access_token_file = %s
""" % (DE, WABA_DE, FR, WABA_FR, _TOKFILE)


class TuiNumbers(TuiWorldCase):
	relay_kw = {"extra_config": NUMBERS}

	@classmethod
	def setUpClass(cls):
		relayproc.write_secret(_TOKFILE, FR_TOKEN)
		super().setUpClass()
		cls.fake.add_number(FR, FR_TOKEN, "33123456789")
		# One customer per number, and one who writes to both (first,
		# so that her conversations sit below the others in the list).
		cls.lena = cls.write("Lena Beide", "Bonjour, une question", FR)
		_, code = cls.fake.customer_message(cls.lena, "text",
		    text="Hallo, noch eine Frage", phone_number_id=DE)
		assert code == 200, code
		cls.hans = cls.write("Hans Gruber", "Wo ist mein Paket?", DE)
		cls.amelie = cls.write("Amelie Poulain", "Ou est mon colis ?", FR)
		# Each number's account has its own templates.
		for waba, name in ((WABA_DE, "versand_info"),
		    (WABA_FR, "suivi_colis")):
			cls.fake.set_templates(waba, [{"id": name, "name": name,
			    "language": "en_US", "status": "APPROVED", "category":
			    "UTILITY", "components": [{"type": "BODY", "text":
			    "Paket {{1}}"}]}])
		assert cls.fake.template_status(WABA_FR, "x", "en_US",
		    "APPROVED") == 200
		harness.wait_until(lambda: len(cls.alice.call("GET",
		    "/v1/templates").data["templates"]) == 2, 30,
		    what="both accounts' templates listed")

	@classmethod
	def tearDownClass(cls):
		try:
			super().tearDownClass()
		finally:
			os.unlink(_TOKFILE)
			os.rmdir(_TOKDIR)

	@classmethod
	def write(cls, name, text, pnid):
		c = cls.fake.customer(harness.unique_phone(), None, name)
		_, code = cls.fake.customer_message(c, "text", text=text,
		    phone_number_id=pnid)
		assert code == 200, code
		return c

	def rows(self, s):
		"""The list's rows (left of the thread pane)."""
		left = [l.split("│")[0] for l in s.splitlines()[1:]]
		return [l for l in left if "Hans Gruber" in l or
		    "Amelie Poulain" in l]

	def test_names_filter_and_reply_from_the_right_number(self):
		t = self.online_session()
		self.goto_queue(t, "All")
		s = t.wait_for(lambda s: len(self.rows(s)) == 2 and
		    "number: all" in s, what="both conversations and the filter")
		rows = self.rows(s)
		self.assertIn("Berlin", [r for r in rows if "Hans" in r][0])
		self.assertIn("Paris", [r for r in rows if "Amelie" in r][0])

		# The filter key: Berlin only, then Paris only, then all.
		t.keys("#")
		s = t.wait_for(lambda s: "number: Berlin" in s and
		    self.rows(s) and all("Hans" in r for r in self.rows(s)),
		    what="Berlin only")
		t.keys("#")
		s = t.wait_for(lambda s: "number: Paris" in s and
		    self.rows(s) and all("Amelie" in r for r in self.rows(s)),
		    what="Paris only")

		# Open the Paris conversation: the header names the number, the
		# reply line the number the reply leaves from.
		t.keys("/")
		t.literal("Amelie")
		t.keys("Enter", "Enter")
		s = t.wait_for("Ou est mon colis")
		self.assertIn("number: Paris", s.splitlines()[1])
		t.keys("r")
		t.wait_for("Reply from Paris (+33 1 23456789)")
		text = "Bonjour, je regarde %d" % int(time.time())
		t.literal(text)
		t.keys("C-s")
		send = harness.wait_until(lambda: next((q for q in
		    self.fake.snapshot() if q["kind"] == "send" and
		    ((q.get("body") or {}).get("text") or {}).get("body") ==
		    text), None), what="the reply at the fake Graph API")
		self.assertEqual(send["path"], "/v21.0/%s/messages" % FR)
		self.assertEqual(send["token"], FR_TOKEN)
		self.assertEqual(send["body"]["to"], self.amelie.wa_id)
		t.keys("Escape")
		# The template picker offers the Paris number's account only.
		t.keys("t")
		s = t.wait_for("suivi_colis (en_US)")
		self.assertNotIn("versand_info", s)
		t.keys("Escape")
		t.keys("#")
		t.wait_for(lambda s: "number: all" in s and len(self.rows(s)) ==
		    2, what="all numbers again")
		self.quit(t)

	def test_ui_number_default_and_search(self):
		t = self.session(extra="number = support-de\n")
		t.start()
		t.wait_for("online")
		self.goto_queue(t, "All")
		s = t.wait_for(lambda s: "number: Berlin" in s and
		    self.rows(s) and all("Hans" in r for r in self.rows(s)),
		    what="[ui] number = support-de")
		t.keys("#", "#")
		t.wait_for(lambda s: "number: all" in s and len(self.rows(s)) ==
		    2, what="all numbers")
		# Search matches the number's name: from Hans (Berlin), "paris"
		# finds a conversation on the Paris number, which no customer's
		# name or text holds.
		t.keys("/")
		t.literal("Hans")
		t.keys("Enter")
		t.keys("/")
		t.literal("paris")
		t.keys("Enter", "Enter")
		s = t.wait_for(lambda s: "number: Paris" in s,
		    what="a conversation of the Paris number")
		self.assertNotIn("number: Berlin", s)
		self.quit(t)

	def test_contact_panel_lists_every_number(self):
		t = self.online_session()
		self.goto_queue(t, "All")
		t.keys("/")
		t.literal("Lena Beide")
		t.keys("Enter")
		t.keys("C")
		s = t.wait_for(lambda s: "[Berlin] open" in s and "[Paris] open"
		    in s, what="both conversations in the contact panel")
		self.assertEqual(s.count("(this one)"), 1, s)
		self.quit(t)


if __name__ == "__main__":
	unittest.main(verbosity=2)
