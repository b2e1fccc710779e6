"""End to end: the real relay, the fake Graph API and `ttydesk` in tmux.

A customer's photo shows as a picture (cells of block symbols in
colour, not text); a broken one keeps its text line; a customer's answer
to an interactive button shows as a structured line; typing a reply sends
Meta's typing indicator once; the template composer sends a listed
template with header, body and URL-button parameters, and the
interactive composer reply buttons, as the fake Graph API receives them;
attaching a file refuses what Meta does not take and uploads the rest with
its caption.
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


WABA = "102290129340398"
ORDER = {"id": "900001", "name": "order", "language": "en_US",
    "status": "APPROVED", "category": "UTILITY", "components": [
    {"type": "HEADER", "format": "TEXT", "text": "Order {{1}}"},
    {"type": "BODY", "text": "Hi {{1}}, order {{2}} ships today."},
    {"type": "BUTTONS", "buttons": [
        {"type": "URL", "text": "Track", "url": "https://x.test/t/{{1}}"},
        {"type": "QUICK_REPLY", "text": "Stop"}]}]}
PROMO = {"id": "900004", "name": "lamp_promo", "language": "en_US",
    "status": "APPROVED", "category": "MARKETING", "components": [
    {"type": "HEADER", "format": "IMAGE"},
    {"type": "BODY", "text": "The new lamp is in, {{1}}."},
    {"type": "BUTTONS", "buttons": [
        {"type": "QUICK_REPLY", "text": "Tell me more"},
        {"type": "COPY_CODE", "example": "LAMP10"}]}]}
PAUSED = {"id": "900003", "name": "paused_promo", "language": "en_US",
    "status": "PAUSED", "category": "MARKETING", "components": [
    {"type": "BODY", "text": "Sale!"}]}


class TuiWaDepth(TuiWorldCase):
	relay_kw = {"extra_config": "\n[whatsapp]\nwaba_id = %s\n"
	    "template_refresh = 1h\n" % WABA}

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.fake.set_templates(WABA, [ORDER, PROMO, PAUSED])
		assert cls.fake.template_status(WABA, "order", "en_US",
		    "APPROVED") == 200
		harness.wait_until(lambda: len(cls.alice.call("GET",
		    "/v1/templates").data["templates"]) == 3, 30,
		    what="templates listed")
	def customer(self, name):
		return self.fake.customer(harness.unique_phone(), None, name)

	def start_in_thread(self, t, name):
		"""Start t and open the thread of the customer called name."""
		t.start()
		t.wait_for("online")
		self.goto_queue(t, "All")
		t.wait_for(name)
		self.open_by_search(t, name)

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
		self.start_in_thread(t, "Pia Picture")
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

	def test_picture_full_screen(self):
		with open(_PNG, "rb") as fp:
			png = fp.read()
		c = self.customer("Fio Fullscreen")
		self.fake.customer_message(c, "image", data=png,
		    mime_type="image/png", caption="the whole lamp")
		t = self.session()
		self.start_in_thread(t, "Fio Fullscreen")
		s = t.wait_for(lambda s: len(self.picture_rows(s)) >= 4,
		    what="the inline picture")
		inline = len(self.picture_rows(s))
		# Enter on the image: the whole screen (tmux: symbols).
		t.keys("Enter")
		s = t.wait_for("any key: back to the thread")
		self.assertGreater(len(self.picture_rows(s)), max(inline, 30))
		self.assertNotIn("Fio Fullscreen", s)
		t.keys("x")
		s = t.wait_for("picture shown (symbols)")
		self.assertIn("the whole lamp", s)
		self.assertLessEqual(len(self.picture_rows(s)), 14)
		self.quit(t)

	def test_sticker_picture(self):
		with open(os.path.join(_HERE, "..", "fixtures", "images",
		    "sticker.webp"), "rb") as fp:
			webp = fp.read()
		c = self.customer("Stella Sticker")
		self.fake.customer_message(c, "sticker", data=webp,
		    mime_type="image/webp")
		self.fake.customer_message(c, "text", text="sticker above")
		t = self.session()
		self.start_in_thread(t, "Stella Sticker")
		t.wait_for("sticker above")
		s = t.wait_for(lambda s: len(self.picture_rows(s)) >= 4,
		    what="the sticker as a picture")
		self.assertIn("[sticker]", s)
		self.quit(t)

	def test_broken_image_and_images_off(self):
		c = self.customer("Bo Broken")
		self.fake.customer_message(c, "image",
		    data=b"\x89PNG\r\n\x1a\n" + os.urandom(300),
		    mime_type="image/png", caption="garbage inside")
		t = self.session()
		self.start_in_thread(t, "Bo Broken")
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
		self.start_in_thread(t, "Otto Off")
		t.wait_for("no pictures here")
		time.sleep(2)
		self.assertEqual(self.picture_rows(t.screen()), [])
		self.quit(t)

	def test_typing_indicator(self):
		c = self.customer("Tina Typing")
		m, _ = self.fake.customer_message(c, "text", text="are you there?")
		t = self.session()
		self.start_in_thread(t, "Tina Typing")
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

	def sends_to(self, c, kind):
		return [x for x in self.fake.accepted_sends()
		    if x["body"].get("type") == kind and x["to"] == c.wa_id]

	def test_template_and_buttons_composers(self):
		c = self.customer("Tom Template")
		self.fake.customer_message(c, "text", text="where is my order?")
		t = self.session()
		self.start_in_thread(t, "Tom Template")
		t.wait_for("where is my order?")
		# Only the approved template is offered.
		t.keys("t")
		s = t.wait_for("order (en_US) UTILITY")
		self.assertNotIn("paused_promo", s)
		t.keys("1")
		t.wait_for("order header {{1}} (1 of 5):")
		t.literal("A-17")
		t.keys("Enter")
		t.wait_for("body {{1}} (2 of 5):")
		t.literal("Ann")
		t.keys("Enter")
		t.wait_for("body {{2}} (3 of 5):")
		t.keys("Enter")  # empty: refused, asked again
		t.wait_for("body {{2}} cannot be empty")
		t.literal("A-17")
		t.keys("Enter")
		t.wait_for('button "Track" URL suffix (4 of 5):')
		t.literal("A-17")
		t.keys("Enter")
		# The quick reply's payload may stay empty.
		t.wait_for('button "Stop" payload (optional) (5 of 5):')
		t.keys("Enter")
		# The preview as the customer will read it, with its cost.
		s = t.wait_for("Hi Ann, order A-17 ships today.")
		self.assertIn("utility, free in the 24-hour window", s)
		self.assertIn("Order A-17", s)
		t.keys("1")
		s = harness.wait_until(lambda: self.sends_to(c, "template"),
		    what="template send")
		tpl = s[0]["body"]["template"]
		self.assertEqual((tpl["name"], tpl["language"]["code"]),
		    ("order", "en_US"))
		comps = {(x["type"], x.get("index")): x for x in tpl["components"]}
		self.assertEqual([p["text"] for p in comps[("header", None)][
		    "parameters"]], ["A-17"])
		self.assertEqual([p["text"] for p in comps[("body", None)][
		    "parameters"]], ["Ann", "A-17"])
		self.assertEqual(comps[("button", "0")]["sub_type"], "url")
		self.assertEqual(comps[("button", "0")]["parameters"][0]["text"],
		    "A-17")
		t.wait_for("template: order")

		# Reply buttons: four are refused with the relay's words.
		t.keys("I")
		t.wait_for("Reply buttons (up to 3)")
		t.keys("1")
		t.wait_for("Message text:")
		t.literal("Reschedule to Tuesday?")
		t.keys("Enter")
		t.wait_for("Buttons (| between, up to 3):")
		t.literal("a|b|c|d")
		t.keys("Enter")
		t.wait_for("reply buttons, not 4")
		t.keys("C-u")
		t.literal("Yes, reschedule|No")
		t.keys("Enter")
		s = t.wait_for("[Yes, reschedule] [No]")
		t.keys("1")
		s = harness.wait_until(lambda: self.sends_to(c, "interactive"),
		    what="interactive send")
		inter = s[0]["body"]["interactive"]
		self.assertEqual(inter["type"], "button")
		self.assertEqual(inter["body"]["text"], "Reschedule to Tuesday?")
		self.assertEqual([b["reply"]["title"] for b in
		    inter["action"]["buttons"]], ["Yes, reschedule", "No"])
		t.wait_for("interactive: Reschedule to Tuesday?")
		# The customer answers with a button: a structured line.
		self.fake.customer_message(c, "button_reply", button_id="btn-1",
		    title="Yes, reschedule")
		t.wait_for("button: Yes, reschedule")
		self.quit(t)

	def test_template_header_file_and_buttons(self):
		c = self.customer("Hal Header")
		self.fake.customer_message(c, "text", text="any new lamps?")
		t = self.session()
		pdf = t.put_file("flyer.pdf", b"%PDF-1.4\n" + os.urandom(200))
		with open(_PNG, "rb") as fp:
			png = fp.read()
		img = t.put_file("lamp.png", png)
		self.start_in_thread(t, "Hal Header")
		t.wait_for("any new lamps?")
		t.keys("t")
		t.wait_for("lamp_promo (en_US) MARKETING")
		t.keys("2")
		t.wait_for("header image (file or https link) (1 of 4):")
		# A PDF for an image header: refused in plain words.
		t.literal(pdf)
		t.keys("Enter")
		t.wait_for("an image header takes JPEG or PNG, not application/pdf")
		t.literal(img)
		t.keys("Enter")
		t.wait_for("body {{1}} (2 of 4):")
		t.literal("Hal")
		t.keys("Enter")
		t.wait_for('button "Tell me more" payload (optional) (3 of 4):')
		t.literal("more-lamp")
		t.keys("Enter")
		t.wait_for('button "copy code" coupon code (4 of 4):')
		t.literal("LAMP10LAMP10LAMP")  # 16: over Meta's 15
		t.keys("Enter")
		t.wait_for("coupon code is 16 characters")
		t.keys("C-u")
		t.literal("LAMP10")
		t.keys("Enter")
		# The preview as the customer sees it, with the cost.
		s = t.wait_for("The new lamp is in, Hal.")
		self.assertIn("[image] lamp.png (image/png", s)
		self.assertIn("[Tell me more]", s)
		self.assertIn("[Copy offer code]", s)
		self.assertIn("marketing, paid", s)
		t.keys("1")
		sent = harness.wait_until(lambda: self.sends_to(c, "template"),
		    what="template send")
		up = [u for u in self.fake.uploads if u["size"] == len(png)]
		self.assertTrue(up, "the header file never reached Meta")
		tpl = sent[0]["body"]["template"]
		self.assertEqual(tpl["name"], "lamp_promo")
		comps = {(x["type"], x.get("index")): x for x in tpl["components"]}
		self.assertEqual(comps[("header", None)]["parameters"], [{"type":
		    "image", "image": {"id": up[-1]["id"]}}])
		self.assertEqual(comps[("body", None)]["parameters"][0]["text"],
		    "Hal")
		self.assertEqual(comps[("button", "0")]["sub_type"], "quick_reply")
		self.assertEqual(comps[("button", "0")]["parameters"], [{"type":
		    "payload", "payload": "more-lamp"}])
		self.assertEqual(comps[("button", "1")]["parameters"], [{"type":
		    "coupon_code", "coupon_code": "LAMP10"}])
		self.quit(t)

	def test_interactive_list_cta_and_saved(self):
		c = self.customer("Lia List")
		self.fake.customer_message(c, "text", text="when can you come?")
		t = self.session(extra="\n[interactive]\nwhere = location: Where "
		    "should we deliver?\nbad = buttons: Pick | a|b|c|d\n")
		self.start_in_thread(t, "Lia List")
		t.wait_for("when can you come?")
		# A list of two sections, one row with a description.
		t.keys("I")
		t.wait_for("Location request")
		t.keys("2")
		t.wait_for("Message text:")
		t.literal("Which slot suits you?")
		t.keys("Enter")
		t.wait_for("List button text:")
		t.keys("C-u")
		t.literal("Pick a slot")
		t.keys("Enter")
		t.wait_for("Rows (")
		t.literal("#Morning|Tue 9-12 = early|Wed 9-12|#Afternoon|Tue 14-17")
		t.keys("Enter")
		s = t.wait_for("- Tue 9-12 (early)")
		self.assertIn("Afternoon", s)
		t.keys("1")
		sent = harness.wait_until(lambda: [x for x in self.sends_to(c,
		    "interactive") if x["body"]["interactive"]["type"] == "list"],
		    what="list send")
		act = sent[0]["body"]["interactive"]["action"]
		self.assertEqual(act["button"], "Pick a slot")
		self.assertEqual([(x["title"], [r["title"] for r in x["rows"]])
		    for x in act["sections"]], [("Morning", ["Tue 9-12",
		    "Wed 9-12"]), ("Afternoon", ["Tue 14-17"])])
		self.assertEqual(act["sections"][0]["rows"][0]["description"],
		    "early")
		# The customer picks a row: a structured line.
		self.fake.customer_message(c, "list_reply", button_id="row-3",
		    title="Tue 14-17")
		t.wait_for("list: Tue 14-17")
		# A link (CTA URL) button.
		t.keys("I")
		t.wait_for("Link button (URL)")
		t.keys("3")
		t.wait_for("Message text:")
		t.literal("Track your visit online.")
		t.keys("Enter")
		t.wait_for("Button text:")
		t.literal("Track visit")
		t.keys("Enter")
		t.wait_for("Link (https://...):")
		t.literal("ftp://x.test/v")
		t.keys("Enter")
		t.wait_for("http(s) URL")
		t.keys("C-u")
		t.literal("https://x.test/v/17")
		t.keys("Enter")
		t.wait_for("[Track visit] https://x.test/v/17")
		t.keys("1")
		sent = harness.wait_until(lambda: [x for x in self.sends_to(c,
		    "interactive") if x["body"]["interactive"]["type"] ==
		    "cta_url"], what="cta send")
		self.assertEqual(sent[0]["body"]["interactive"]["action"], {
		    "name": "cta_url", "parameters": {"display_text":
		    "Track visit", "url": "https://x.test/v/17"}})
		# Saved in the config: one sent as it is, a broken one refused.
		t.keys("I")
		t.wait_for("bad: buttons: Pick")
		t.keys("6")
		t.wait_for("[interactive] bad:")
		t.keys("I")
		t.wait_for("where: location:")
		t.keys("5")
		t.wait_for("[Send location]")
		t.keys("1")
		sent = harness.wait_until(lambda: [x for x in self.sends_to(c,
		    "interactive") if x["body"]["interactive"]["type"] ==
		    "location_request_message"], what="location request send")
		self.assertEqual(sent[0]["body"]["interactive"]["body"]["text"],
		    "Where should we deliver?")
		self.quit(t)

	def test_attach_file(self):
		c = self.customer("Fay File")
		self.fake.customer_message(c, "text", text="send me the photo")
		t = self.session()
		bad = t.put_file("setup.exe", b"MZ\x90\x00" + os.urandom(64))
		with open(_PNG, "rb") as fp:
			png = fp.read()
		# A misleading name: the content says PNG.
		good = t.put_file("lamp.jpg", png)
		self.start_in_thread(t, "Fay File")
		t.wait_for("send me the photo")
		t.keys("F")
		t.wait_for("Attach file:")
		t.literal(bad)
		t.keys("Enter")
		t.wait_for("Meta does not take this kind of file")
		t.keys("C-u")
		t.literal(good)
		t.keys("Enter")
		t.wait_for("lamp.jpg (image, image/png): caption")
		t.literal("the lamp, as promised")
		t.keys("Enter")
		t.wait_for("attach: done")
		up = harness.wait_until(lambda: [u for u in self.fake.uploads
		    if u["size"] == len(png)], what="the upload at the fake")
		self.assertEqual(up[0]["type"], "image/png")
		s = harness.wait_until(lambda: self.sends_to(c, "image"),
		    what="the image message")
		self.assertEqual(s[0]["body"]["image"]["id"], up[0]["id"])
		self.assertEqual(s[0]["body"]["image"]["caption"],
		    "the lamp, as promised")
		self.quit(t)


if __name__ == "__main__":
	unittest.main()
