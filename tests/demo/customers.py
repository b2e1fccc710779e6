#!/usr/bin/env python3
"""The demo's customers: the fake Graph API playing the business's WhatsApp
number, and a handful of people who write to it.

scripts/demo starts this before the relay.  It runs the fake Graph API (the
relay sends replies and read receipts to it; it answers every send with
sent -> delivered -> read status webhooks), writes the fake's port to
--port-file, waits for the relay, posts the conversations' history (some of
it days old, so those conversations are outside WhatsApp's 24-hour window),
then keeps the inbox alive: new customers write now and then, and every
customer answers the agent's replies (it watches the sends the fake
recorded).  Mei's photo of the broken lamp is a real picture (ttydesk
draws it in the thread), an agent's reply buttons or list get a tap on the
first choice (a button or list answer, as WhatsApp sends it), and the
business's WhatsApp account lists an approved template with a header.
Python standard library only.
"""

import argparse
import json
import os
import random
import signal
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.abspath(os.path.join(HERE, "..", ".."))
for sub in ("tests/pylib", "tests/fake"):
	sys.path.insert(0, os.path.join(SOURCE, sub))

from fake_graph import FakeGraph  # noqa: E402
import wa_payloads as wp  # noqa: E402

MIN = 60
HOUR = 3600
DAY = 86400


def log(fmt, *args):
	sys.stderr.write("customers: " + (fmt % args) + "\n")
	sys.stderr.flush()


class Person:
	"""One simulated customer: who they are, what they wrote before the
	demo started, and what they answer to each agent reply in turn."""

	def __init__(self, key, name, wa_id=None, user_id=None, username=None,
	    history=(), answers=(), react=None, react_first=False,
	    french=False):
		self.key = key
		self.name = name
		self.french = french           # writes to the French number
		self.customer = wp.Customer(wa_id=wa_id, user_id=user_id,
		    name=name, username=username)
		self.history = list(history)   # (seconds ago, kind, fields)
		self.answers = list(answers)   # (delay, kind, fields) per reply
		self.react = react             # emoji for the agent's last reply
		self.react_first = react_first
		self.replies_seen = 0
		self.last_inbound = None       # wamid of their last message
		self.waiting_since = None      # monotonic time of last message
		self.nudged = False            # wrote "anyone there?" already

	@property
	def ident(self):
		return self.customer.ident


def text(t):
	return ("text", {"text": t})


def lamp_photo():
	"""A 64x48 PNG of a desk lamp on a table (made here: no image files,
	no imaging library), what Mei sends of her broken lamp."""
	w, h = 64, 48
	rows = []
	for y in range(h):
		row = bytearray(b"\x00")
		for x in range(w):
			r, g, b = 235 - y, 225 - y, 200 - y          # warm wall
			if y >= 38:
				r, g, b = 120, 78, 40                 # the table
			if 27 <= x <= 37 and 35 <= y < 38:
				r, g, b = 40, 40, 48                  # lamp foot
			if 31 <= x <= 33 and 14 <= y < 35:
				r, g, b = 60, 60, 70                  # lamp arm
			if 20 <= x <= 44 and 6 <= y < 15 and \
			    abs(x - 32) <= (y - 6) + 4:
				r, g, b = 200, 40, 40                 # red shade
			if 40 <= x <= 44 and 15 <= y <= 17:
				r, g, b = 255, 250, 180               # light
			row += bytes((r, g, b))
		rows.append(bytes(row))

	def chunk(t, d):
		return struct.pack(">I", len(d)) + t + d + struct.pack(">I",
		    zlib.crc32(t + d) & 0xffffffff)
	return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB",
	    w, h, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(b"".join(rows),
	    9)) + chunk(b"IEND", b""))


# The business's approved templates (GET /{waba_id}/message_templates).
TEMPLATES = [
    {"id": "910001", "name": "replacement_shipped", "language": "en_US",
	"status": "APPROVED", "category": "UTILITY", "components": [
	{"type": "HEADER", "format": "TEXT", "text": "Order {{1}}"},
	{"type": "BODY", "text": "Hello {{1}}, a replacement for your order is "
	    "on its way. It arrives on {{2}}."},
	{"type": "FOOTER", "text": "Reply STOP to opt out"},
	{"type": "BUTTONS", "buttons": [
	    {"type": "URL", "text": "Track parcel",
		"url": "https://track.example.com/{{1}}"},
	    {"type": "QUICK_REPLY", "text": "Call me"}]}]},
    {"id": "910002", "name": "spring_sale", "language": "en_US",
	"status": "PAUSED", "category": "MARKETING", "components": [
	{"type": "BODY", "text": "Spring sale: 20% off everything!"}]},
]


# Everyone the demo knows.  Times in history are seconds before the start.
def cast():
	return [
	    Person("flight", "Sofia Almeida", wa_id="351912345678",
		history=[
		    (42 * MIN, *text("Hi, my flight TP 438 from Lisbon to Paris "
			"tonight shows a 3 hour delay. Will I miss my connection "
			"to Montreal?")),
		    (41 * MIN, *text("Booking reference QX7P2L")),
		    (18 * MIN, *text("Also, the app won't give me my boarding "
			"pass for the second flight, it says 'document "
			"unavailable'")),
		],
		answers=[
		    (4, *text("Thank you! So I keep the same seat on the "
			"Montreal flight?")),
		    (5, *text("Perfect, I got the new boarding pass now. "
			"Obrigada!")),
		], react="\u2764\ufe0f"),
	    Person("parcel", "Daniel Okafor", wa_id="2348031234567",
		history=[
		    (3 * DAY + 2 * HOUR, *text("Hello, my parcel DHX-448812 was "
			"due on Monday and the tracking has not moved since "
			"Friday.")),
		    (3 * DAY + 2 * HOUR - 90, *text("Order number A-1042")),
		    (2 * DAY + 20 * HOUR, *text("Any update? I need it before "
			"the weekend, it's a birthday present.")),
		],
		answers=[
		    (5, *text("Yes, still waiting. Nothing new on the tracking "
			"page.")),
		    (6, *text("OK, a replacement is fine. Same address "
			"please.")),
		    (4, *text("Great, thanks for sorting it out \U0001f64f")),
		]),
	    Person("card", "Hannah Schulz", wa_id="4915123456789",
		history=[
		    (12 * MIN, *text("My card was blocked after I paid at a "
			"petrol station in Italy. I'm travelling and can't pay "
			"for anything!")),
		    (11 * MIN, *text("It's the Visa ending in 4821")),
		],
		answers=[
		    (4, *text("Yes, that was me: 62.40 EUR at a Q8 station in "
			"Bologna.")),
		    (6, *text("It works again, thank you so much!")),
		], react="\U0001f44d"),
	    Person("lamp", "Mei Tanaka", wa_id="819012345678",
		history=[
		    (2 * DAY + 5 * HOUR, *text("The lamp I ordered (order "
			"77120) arrived broken.")),
		    (2 * DAY + 5 * HOUR - 40, "image", {"caption": "This is how "
			"it was in the box", "data": lamp_photo(),
			"mime_type": "image/png"}),
		    (2 * DAY + 4 * HOUR, "location", {"latitude": 35.6580,
			"longitude": 139.7016, "name": "Shibuya Scramble Square",
			"address": "2-24-12 Shibuya, Tokyo"}),
		    (2 * DAY + 4 * HOUR - 30, *text("Can I pick up the "
			"replacement here? I work in this building.")),
		],
		answers=[
		    (5, *text("Yes, I still need the replacement.")),
		    (5, *text("Tomorrow at lunchtime works for me.")),
		], react="\U0001f64f"),
	    Person("voice", "Carlos Ruiz", wa_id="5215512345678",
		history=[
		    (6 * MIN, "voice", {}),
		    (5 * MIN, *text("Sorry, easier to explain by voice \U0001f642 "
			"it's about my delivery address")),
		],
		answers=[
		    (5, *text("The new address is Calle Durango 45, Roma Norte, "
			"CDMX.")),
		    (4, *text("Gracias!")),
		], react="\U0001f44d", react_first=True),
	    Person("nophone", "L\u00e9a", user_id="FR.83491208655302741918",
		username="lea.m", french=True,
		history=[
		    (25 * MIN, *text("Hi! Do you ship to Belgium? How long "
			"does it take?")),
		],
		answers=[
		    (5, *text("Great. Is shipping free over 50 \u20ac?")),
		    (4, *text("Merci !")),
		], react="\U0001f60a"),
	    # Sam answers and resolves her request before the demo's agent
	    # looks; she rates the help: the report has a resolution and a
	    # CSAT score from the start.
	    Person("reschedule", "Nora Lindqvist", wa_id="46701234567",
		history=[
		    (20 * HOUR, *text("Hi, can order A-2210 arrive on Friday "
			"instead of Thursday?")),
		]),
	    Person("bistro", "Camille Dubois", wa_id="33612345678",
		french=True,
		history=[
		    (3 * HOUR, *text("Bonjour, je voudrais r\u00e9server une "
			"table pour 4 samedi soir.")),
		],
		answers=[
		    (5, *text("Parfait, merci beaucoup !")),
		]),
	]

# The French number is also used in the WhatsApp Business app on the
# owner's phone: this answer was typed there (an smb_message_echoes
# webhook), and shows in the thread as sent from the app.
ECHO = ("bistro", 2 * HOUR, "Bonjour Camille, c'est not\u00e9 : samedi "
    "20h, 4 personnes. (envoy\u00e9 depuis le t\u00e9l\u00e9phone)")


def arrivals():
	"""People who write for the first time while the demo runs."""
	return [
	    Person("twice", "Priya Raman", wa_id="919812345678",
		history=[(0, *text("Hello, I was charged twice for order "
		    "#55310. Can you refund one of the payments?"))],
		answers=[(5, *text("Thank you, I'll wait for the refund."))],
		react="\U0001f44d"),
	    Person("invoice", "Tom Becker", wa_id="4917612345678",
		history=[(0, "document", {"filename": "invoice-2026-1187.pdf",
		    "caption": "The VAT number on this invoice is wrong"})],
		answers=[(6, *text("It should be DE 811 907 980. Thanks!"))]),
	    Person("size", "Amara Diallo", wa_id="221771234567",
		history=[(0, *text("Do the trail shoes run small? I'm "
		    "usually a 42."))],
		answers=[(5, *text("OK I'll take the 43 then."))],
		react="\U0001f44c"),
	]


# Later in the demo, people who wrote before come back with something new.
FOLLOW_UPS = [
    ("flight", text("One more thing: can I add a checked bag to the "
	"Montreal flight?")),
    ("nophone", ("image", {"caption": "Is this the right size chart for "
	"the linen shirt?"})),
    ("card", text("Quick question: do I need to tell you before I travel "
	"next time?")),
    ("voice", ("location", {"latitude": 19.4194, "longitude": -99.1617,
	"name": "Calle Durango 45", "address": "Roma Norte, CDMX"})),
]


def tap_of(inter):
	"""The customer's answer to an interactive message: (kind, fields)
	for the first button or list row, None for anything else."""
	if not isinstance(inter, dict):
		return None
	action = inter.get("action") or {}
	if inter.get("type") == "button" and action.get("buttons"):
		r = action["buttons"][0].get("reply") or {}
		return ("button_reply", {"button_id": r.get("id"),
		    "title": r.get("title")})
	if inter.get("type") == "list":
		for sec in action.get("sections") or []:
			for row in sec.get("rows") or []:
				return ("list_reply", {"button_id": row.get("id"),
				    "title": row.get("title"),
				    "description": row.get("description", "")})
	return None


class Teammate:
	"""Sam, an agent without a terminal: before the demo's agent looks,
	he has triaged a few conversations through the agent API (a note, an
	assignment, an escalation, one answered and resolved), so every queue
	and the report have something in them."""

	def __init__(self, relay_url, token):
		self.url = relay_url.rstrip("/")
		self.token = token
		self.n = 0

	def call(self, method, path, body=None):
		data = json.dumps(body).encode() if body is not None else None
		req = urllib.request.Request(self.url + path, data=data,
		    method=method, headers={"Authorization": "Bearer " +
		    self.token, "Content-Type": "application/json"})
		with urllib.request.urlopen(req, timeout=10) as r:
			return json.loads(r.read() or b"null")

	def conversations(self):
		"""customer ident (wa_id or BSUID) -> conversation id."""
		found, after = {}, 0
		while True:
			d = self.call("GET", "/v1/sync?after=%d&limit=5000" % after)
			for e in d.get("events", []):
				c = e.get("contact") if e.get("type") == "contact" \
				    else None
				if c:
					for k in ("wa_id", "user_id"):
						if c.get(k):
							found[c[k]] = e["conversation"]
			if not d.get("more"):
				return found
			after = d["next"]

	def act(self, conv, what, body):
		"""One action; a refusal (his role may not allow it) is logged
		and the next action still runs."""
		self.n += 1
		body = dict(body, client_id="demo-sam-%d-%d" % (os.getpid(),
		    self.n))
		try:
			return self.call("POST", "/v1/conversations/%s/%s" % (
			    urllib.parse.quote(conv, safe=""), what), body)
		except urllib.error.HTTPError as e:
			log("sam's %s was refused: %s", what, e)
			return None

	def triage(self, people):
		convs = self.conversations()
		lamp = convs.get(people["lamp"].ident)
		parcel = convs.get(people["parcel"].ident)
		card = convs.get(people["card"].ident)
		if lamp:
			self.act(lamp, "notes", {"text": "Photo shows transport "
			    "damage. Replacement approved; the window is closed, "
			    "so start with the 'replacement' template."})
			self.act(lamp, "assign", {"agent": "alice"})
		if parcel:
			self.act(parcel, "escalate", {"team": "tier2",
			    "priority": "high", "reason": "Carrier has lost the "
			    "parcel; needs a replacement order."})
		moved = convs.get(people["reschedule"].ident)
		if moved:
			self.act(moved, "messages", {"text": "Done: order A-2210 "
			    "now arrives on Friday."})
			self.act(moved, "status", {"status": "resolved"})
		if card:
			self.act(card, "notes", {"text": "Card blocks abroad are "
			    "fraud checks: confirm the payment with the customer, "
			    "then unblock."})
			# Reply buttons: Hannah taps one (Scenario.on_send).
			self.act(card, "messages", {"interactive": {
			    "type": "button", "body": {"text": "Was the 62.40 EUR "
			    "payment in Bologna yours?"}, "action": {"buttons": [
			    {"type": "reply", "reply": {"id": "yes-mine",
			    "title": "Yes, it was me"}}, {"type": "reply",
			    "reply": {"id": "not-mine", "title": "No, not me"}}]}}})


class Scenario:
	def __init__(self, fake, args):
		self.fake = fake
		self.args = args
		self.people = {}
		self.lock = threading.Lock()
		self.stop = threading.Event()
		self.seen_sends = 0
		self.rng = random.Random(args.seed)

	def add(self, p):
		with self.lock:
			self.people[p.ident] = p
		self.fake.customer(p.customer.wa_id, p.customer.user_id,
		    p.name, p.customer.username)

	def write(self, p, kind, fields, ts=None):
		"""Post one message from p; ts None means now."""
		kw = dict(fields)
		if ts is not None:
			kw["timestamp"] = int(ts)
		if p.french and self.args.second_number:
			kw["phone_number_id"] = self.args.second_number[0]
		m, code = self.fake.customer_message(p.customer, kind, **kw)
		if code != 200:
			log("relay answered %s to a message from %s", code,
			    p.key)
		with self.lock:
			if kind != "reaction":
				p.last_inbound = m["id"]
			# Someone who wrote days ago does not chase: their
			# conversation stays outside the 24-hour window until the
			# agent sends a template.
			if ts is None or time.time() - ts < DAY:
				p.waiting_since = time.monotonic()
		return m

	def history(self):
		now = time.time()
		events = []
		for p in cast():
			self.add(p)
			for ago, kind, fields in p.history:
				events.append((now - ago, p, kind, fields))
		events.sort(key=lambda e: e[0])
		for ts, p, kind, fields in events:
			self.write(p, kind, fields, ts)
		log("history posted: %d messages from %d customers",
		    len(events), len(self.people))
		if self.args.second_number:
			self.echo(now)
		if self.args.teammate_token_file:
			try:
				Teammate(self.args.relay_url, read_secret(
				    self.args.teammate_token_file)).triage(
				    {p.key: p for p in self.people.values()})
			except Exception as e:
				log("the teammate's triage failed: %s", e)

	def echo(self, now):
		"""The owner answered one French customer from the WhatsApp
		Business app."""
		key, ago, body = ECHO
		p = [q for q in self.people.values() if q.key == key][0]
		pnid, display = self.args.second_number
		m = {"from": display, "to": p.customer.wa_id,
		    "id": "wamid.demo-echo-" + wp.new_media_id(),
		    "timestamp": str(int(now - ago)), "type": "text",
		    "text": {"body": body}}
		v = {"messaging_product": "whatsapp", "metadata":
		    wp.metadata(pnid, display), "message_echoes": [m]}
		code = self.fake.post_webhook(wp.envelope([v],
		    field="smb_message_echoes"))
		if code != 200:
			log("relay answered %s to the app's echo", code)

	def on_send(self, send):
		"""An agent's message reached the fake: the customer reads it
		(the fake posts the statuses) and answers in a few seconds."""
		body = send["body"]
		with self.lock:
			p = self.people.get(send["to"])
		if p is None or body.get("type") not in ("text", "template",
		    "interactive"):
			return
		tap = tap_of(body.get("interactive"))
		if tap is not None:
			# A tap on the first choice answers buttons and lists.
			self.later(3 * self.args.speed, lambda: self.write(p,
			    tap[0], tap[1]))
			return
		with self.lock:
			n = p.replies_seen
			p.replies_seen += 1
			p.waiting_since = None
		if n < len(p.answers):
			delay, kind, fields = p.answers[n]
			delay *= self.args.speed
			self.later(delay, lambda: self.write(p, kind, fields))
			if p.react and p.react_first and n == 0:
				self.later(delay / 2, lambda: self.write(p,
				    "reaction", {"reaction_to": send["wamid"],
				    "emoji": p.react}))
		elif p.react:
			self.later(3 * self.args.speed, lambda: self.write(p,
			    "reaction", {"reaction_to": send["wamid"],
			    "emoji": p.react}))

	def later(self, delay, fn):
		def run():
			if not self.stop.wait(delay):
				try:
					fn()
				except Exception as e:  # keep the demo alive
					log("customer action failed: %s", e)
		threading.Thread(target=run, daemon=True).start()

	def watch_sends(self):
		while not self.stop.is_set():
			try:
				self.fake.wait_for(lambda f: len(f.sent) >
				    self.seen_sends, timeout=1.0)
			except TimeoutError:
				continue
			sends = self.fake.accepted_sends()
			for s in sends[self.seen_sends:]:
				self.on_send(s)
			self.seen_sends = len(sends)

	def nudge(self):
		"""Someone who has waited long writes again, as people do."""
		with self.lock:
			waiting = [p for p in self.people.values()
			    if p.waiting_since is not None and p.replies_seen == 0
			    and not p.nudged and time.monotonic() -
			    p.waiting_since > 4 * self.args.pace]
		if not waiting:
			return False
		p = self.rng.choice(waiting)
		p.nudged = True
		line = self.rng.choice(["Hello? Is anyone there?",
		    "Any news on this?", "Please, it's urgent \U0001f61f",
		    "Still waiting for an answer..."])
		self.write(p, "text", {"text": line})
		return True

	def live(self):
		queue = arrivals()
		follow = list(FOLLOW_UPS)
		while not self.stop.wait(self.args.pace *
		    self.rng.uniform(0.7, 1.3)):
			try:
				if queue:
					p = queue.pop(0)
					self.add(p)
					for _, kind, fields in p.history:
						self.write(p, kind, fields)
				elif not self.nudge() and follow:
					self.follow_up(follow)
			except Exception as e:
				log("live message failed: %s", e)

	def follow_up(self, follow):
		key, (kind, fields) = follow.pop(0)
		with self.lock:
			p = [q for q in self.people.values() if q.key == key]
		if p:
			self.write(p[0], kind, fields)

	def run(self):
		self.history()
		threading.Thread(target=self.watch_sends, daemon=True).start()
		self.live()


def wait_relay(url, verify_token, timeout):
	q = urllib.parse.urlencode({"hub.mode": "subscribe",
	    "hub.verify_token": verify_token, "hub.challenge": "ready"})
	deadline = time.monotonic() + timeout
	while time.monotonic() < deadline:
		try:
			with urllib.request.urlopen(url + "/webhook?" + q,
			    timeout=2) as r:
				if r.read() == b"ready":
					return True
		except (OSError, urllib.error.URLError):
			pass
		time.sleep(0.1)
	return False


def read_secret(path):
	with open(path, encoding="utf-8") as fp:
		return fp.read().strip()


def main(argv=None):
	ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
	ap.add_argument("--relay-url", required=True)
	ap.add_argument("--verify-token", required=True)
	ap.add_argument("--access-token-file", required=True)
	ap.add_argument("--app-secret-file", required=True)
	ap.add_argument("--phone-number-id", required=True)
	ap.add_argument("--display-phone-number", default="15550100")
	ap.add_argument("--port-file", required=True,
	    help="where the fake Graph API's port is written")
	ap.add_argument("--pace", type=float, default=25.0,
	    help="seconds between new customer messages (about)")
	ap.add_argument("--speed", type=float, default=1.0,
	    help="factor on the customers' answer delays")
	ap.add_argument("--status-delays", default="1,2.5,5",
	    help="seconds after a send for sent, delivered, read")
	ap.add_argument("--seed", type=int, default=None)
	ap.add_argument("--second-number", default=None,
	    help="PHONE_NUMBER_ID,DISPLAY of a second business number, which "
	    "the French customers write to")
	ap.add_argument("--waba-id", default=None,
	    help="WhatsApp Business Account whose templates the fake lists")
	ap.add_argument("--teammate-token-file",
	    help="token of agent sam, who triages a few conversations")
	args = ap.parse_args(argv)
	if args.second_number:
		args.second_number = tuple(args.second_number.split(",", 1))

	fake = FakeGraph(read_secret(args.access_token_file),
	    read_secret(args.app_secret_file), args.phone_number_id,
	    relay_url=args.relay_url,
	    status_delays=[float(x) for x in args.status_delays.split(",")],
	    display_phone_number=args.display_phone_number)
	if args.second_number:
		fake.add_number(args.second_number[0], None,
		    args.second_number[1])
	if args.waba_id:
		fake.set_templates(args.waba_id, TEMPLATES)
	fake.start()
	tmp = args.port_file + ".tmp"
	with open(tmp, "w") as fp:
		fp.write("%d\n" % fake.port)
	os.rename(tmp, args.port_file)

	sc = Scenario(fake, args)

	def finish(*_):
		sc.stop.set()
	signal.signal(signal.SIGTERM, finish)
	signal.signal(signal.SIGINT, finish)
	signal.signal(signal.SIGHUP, finish)

	if not wait_relay(args.relay_url, args.verify_token, 60):
		log("the relay did not come up at %s", args.relay_url)
		fake.stop()
		return 1
	worker = threading.Thread(target=sc.run, daemon=True)
	worker.start()
	while not sc.stop.wait(0.5):
		pass
	fake.stop()
	return 0


if __name__ == "__main__":
	sys.exit(main())
