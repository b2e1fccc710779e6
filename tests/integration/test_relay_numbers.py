#!/usr/bin/env python3
"""Black-box tests of relay-api.md "Several business numbers": routing by
phone_number_id, sends from the conversation's number with its token,
agents limited to some numbers, /v1/me's numbers."""

import os
import sqlite3
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
    "..", "pylib"))
from harness import RelayTestCase, main, wait_until, wp  # noqa: E402
from agentapi import AgentClient, new_client_id, quote, request  # noqa: E402
import relayproc  # noqa: E402

DE = "106540352242922"      # the harness's own number, main token
FR = "106540352242933"      # its own token
FR_TOKEN = "EAAGfr" + os.urandom(12).hex()
WABA_DE = "102290129340398"
WABA_FR = "102290129340399"
_TOKDIR = tempfile.mkdtemp(prefix="ttydesk-numbers-")
_TOKFILE = os.path.join(_TOKDIR, "tok-fr")

NUMBERS = """
[number support-de]
phone_number_id = %s
display_phone_number = +49 30 1234567
waba_id = %s

[number support-fr]
phone_number_id = %s
display_phone_number = +33 1 23456789
waba_id = %s
name = Support FR
access_token_file = %s
default_team = tier2
""" % (DE, WABA_DE, FR, WABA_FR, _TOKFILE)


class Numbers(RelayTestCase):
	relay_kw = {"extra_config": NUMBERS, "agents": [
	    relayproc.Agent("alice", "Alice", ["tier1", "tier2"]),
	    relayproc.Agent("bob", "Bob", ["tier1"], numbers=["support-de"])]}

	@classmethod
	def setUpClass(cls):
		relayproc.write_secret(_TOKFILE, FR_TOKEN)
		super().setUpClass()
		cls.fake.add_number(FR, FR_TOKEN, "33123456789")

	@classmethod
	def tearDownClass(cls):
		try:
			super().tearDownClass()
		finally:
			os.unlink(_TOKFILE)
			os.rmdir(_TOKDIR)

	def write(self, customer, pnid, text=None):
		"""customer writes to number pnid; returns the message event."""
		text = text or "hello %s" % wp.new_media_id()
		m, code = self.fake.customer_message(customer, "text", text=text,
		    phone_number_id=pnid)
		self.assertEqual(code, 200)
		evs = self.message_events(m["id"])
		self.assertEqual(len(evs), 1, evs)
		return evs[0]

	@staticmethod
	def raw_call(agent, method, path, body):
		"""agent.call, with bytes sent as a file (the media upload)."""
		if not isinstance(body, bytes):
			return agent.call(method, path, body)
		return request(agent.url, method, path, body, {"Authorization":
		    "Bearer " + agent.token, "Content-Type": "text/plain"})

	def graph_calls(self, kind, since=0.0):
		return [q for q in self.fake.snapshot() if q["kind"] == kind and
		    q["time"] >= since]

	# ---- routing ----------------------------------------------------

	def test_one_customer_two_numbers(self):
		c = self.customer()
		de = self.write(c, DE)
		fr = self.write(c, FR)
		self.assertNotEqual(de["conversation"], fr["conversation"])
		self.assertEqual(self.conv_state(de["conversation"])["number"],
		    "support-de")
		st = self.conv_state(fr["conversation"])
		self.assertEqual(st["number"], "support-fr")
		self.assertEqual(st["team"], "tier2")  # the number's default_team
		# Writing again lands in the same conversation of each number.
		self.assertEqual(self.write(c, FR)["conversation"],
		    fr["conversation"])
		self.assertEqual(self.write(c, DE)["conversation"],
		    de["conversation"])
		# One contact with both conversations.
		r = self.alice.call("GET", "/v1/contacts/%s/conversations" %
		    quote(c.wa_id))
		self.assertEqual(r.status, 200, r)
		got = {e["id"]: e["state"]["number"] for e in
		    r.data["conversations"]}
		self.assertEqual(got, {de["conversation"]: "support-de",
		    fr["conversation"]: "support-fr"})

	def test_unknown_number_is_dropped(self):
		c = self.customer()
		before = self.last_seq()
		for _ in range(2):
			_, code = self.fake.customer_message(c, "text", text="lost",
			    phone_number_id="999000999")
			self.assertEqual(code, 200)
		self.assertEqual([e for e in self.events(after=before)
		    if e.get("type") in ("message", "contact")], [])
		log = self.relay.log_text()
		self.assertEqual(log.count("phone_number_id 999000999"), 1, log)

	# ---- sends ------------------------------------------------------

	def test_sends_use_the_conversation_number(self):
		c = self.customer()
		de = self.write(c, DE)
		fr = self.write(c, FR)
		t0 = time.time()
		self.reply(fr["conversation"], "bonjour from FR")
		self.reply(de["conversation"], "hallo from DE")
		sends = {(q["body"] or {}).get("text", {}).get("body"): q for q in
		    self.graph_calls("send", t0)}
		self.assertEqual(sends["bonjour from FR"]["path"],
		    "/v21.0/%s/messages" % FR)
		self.assertEqual(sends["bonjour from FR"]["token"], FR_TOKEN)
		self.assertEqual(sends["hallo from DE"]["path"],
		    "/v21.0/%s/messages" % DE)
		self.assertEqual(sends["hallo from DE"]["token"],
		    self.relay.access_token)
		# The outbound message says which number it left from.
		out = [e for e in self.conv_events(fr["conversation"])
		    if e.get("type") == "message" and
		    e["message"].get("direction") == "out"]
		self.assertEqual(out[-1]["message"].get("from"), FR)
		# Read receipts too.
		t1 = time.time()
		r = self.alice.read(fr["conversation"], fr["message"]["id"])
		self.assertEqual(r.status, 200, r)
		reads = self.graph_calls("read", t1)
		self.assertEqual([(q["path"], q["token"]) for q in reads],
		    [("/v21.0/%s/messages" % FR, FR_TOKEN)])

	def test_template_typing_and_upload_use_the_number(self):
		"""The other sends of spec's list: a template, the typing
		indicator and a media upload (then its message)."""
		c = self.customer()
		fr = self.write(c, FR)["conversation"]
		t0 = time.time()
		r = self.alice.send_template(fr, "order_update", "en_US", ["7"])
		self.assertEqual(r.status, 202, r)
		r = self.alice.call("POST", "/v1/conversations/%s/typing" %
		    quote(fr), {})
		self.assertEqual(r.status, 204, r)
		r = self.raw_call(self.alice, "POST", "/v1/conversations/%s/media?"
		    "client_id=%s&filename=a.txt" % (quote(fr), new_client_id()),
		    b"hello from Paris")
		self.assertEqual(r.status, 202, r)
		want = {"template", "typing", "upload", "document"}
		calls = self.fake.wait_for(lambda f: (lambda got: got if want <=
		    {k for k, _ in got} else None)([((q["body"] or {}).get(
		    "type") if q["kind"] == "send" else q["kind"], q) for q in
		    f.snapshot() if q["time"] >= t0]), 30)
		for what, q in calls:
			self.assertEqual(q["token"], FR_TOKEN, what)
			self.assertIn("/v21.0/%s/" % FR, q["path"], what)

	def test_templates_of_every_account(self):
		"""Each number's waba_id is listed, with that number's token
		(the accounts may belong to different businesses)."""
		tpl = lambda i, name: {"id": str(i), "name": name, "language":
		    "en_US", "status": "APPROVED", "category": "UTILITY",
		    "components": [{"type": "BODY", "text": "Order {{1}}"}]}
		self.fake.set_templates(WABA_DE, [tpl(1, "order_update"),
		    tpl(2, "versand")])
		self.fake.set_templates(WABA_FR, [tpl(3, "order_update"),
		    tpl(4, "expedition")])
		t0 = time.time()
		# A status update for a template the relay does not know makes
		# it list every account again.
		self.assertEqual(self.fake.template_status(WABA_FR, "nouveau",
		    "fr_FR", "APPROVED"), 200)
		got = wait_until(lambda: (lambda ts: ts if {"versand",
		    "expedition"} <= {t["name"] for t in ts} else None)(
		    self.alice.call("GET", "/v1/templates").data["templates"]),
		    30, what="both accounts' templates")
		self.assertEqual({(t["waba_id"], t["name"]) for t in got}, {
		    (WABA_DE, "order_update"), (WABA_DE, "versand"),
		    (WABA_FR, "order_update"), (WABA_FR, "expedition")})
		calls = {q["path"].split("?")[0]: q["token"] for q in
		    self.graph_calls("templates", t0)}
		self.assertEqual(calls, {
		    "/v21.0/%s/message_templates" % WABA_DE:
		    self.relay.access_token,
		    "/v21.0/%s/message_templates" % WABA_FR: FR_TOKEN})
		# A template is checked against its conversation's account.
		c = self.customer()
		de = self.write(c, DE)["conversation"]
		fr = self.write(c, FR)["conversation"]
		for conv, name, code in ((fr, "versand", 400), (fr, "expedition",
		    202), (de, "versand", 202), (de, "expedition", 400)):
			r = self.alice.send_template(conv, name, "en_US", ["7"])
			self.assertEqual(r.status, code, (name, r))
			if code == 400:
				self.assertEqual(r.error_code, "template_params")

	def sent_from(self, text):
		"""(path, token) of the Graph send whose text is text."""
		self.wait_sent(text)
		q = [q for q in self.graph_calls("send") if ((q["body"] or
		    {}).get("text") or {}).get("body") == text]
		return q[-1]["path"], q[-1]["token"]

	def test_sends_after_a_restart_and_from_a_second_relay(self):
		c = self.customer()
		de = self.write(c, DE)["conversation"]
		fr = self.write(c, FR)["conversation"]
		# The number is the conversation's, kept in the database: a
		# restarted relay sends from it as before.
		self.assertEqual(self.relay.restart(), 0)
		text = "nach dem Neustart %s" % wp.new_media_id()
		self.reply(de, text)
		self.assertEqual(self.sent_from(text), ("/v21.0/%s/messages" %
		    DE, self.relay.access_token))
		text = "apres le redemarrage %s" % wp.new_media_id()
		self.reply(fr, text)
		self.assertEqual(self.sent_from(text), ("/v21.0/%s/messages" %
		    FR, FR_TOKEN))
		if not relayproc.pgcluster.wanted():
			return
		# A second relay on the same PostgreSQL database, with the
		# first one stopped so that the second's sender does the send.
		other = relayproc.Relay(self.fake.graph_url, database=
		    self.relay.database, app_secret=self.relay.app_secret,
		    access_token=self.relay.access_token,
		    verify_token=self.relay.verify_token,
		    agents=list(self.relay.agents.values()),
		    extra_config=NUMBERS)
		self.addCleanup(other.cleanup)
		self.assertEqual(self.relay.stop(), 0)
		try:
			other.start()
			alice = AgentClient(other.url, self.relay.agents["alice"].token)
			for conv, pnid, token in ((fr, FR, FR_TOKEN),
			    (de, DE, self.relay.access_token)):
				text = "from the second relay %s" % wp.new_media_id()
				r = alice.send_text(conv, text)
				self.assertEqual(r.status, 202, r)
				self.assertEqual(self.sent_from(text), (
				    "/v21.0/%s/messages" % pnid, token))
			self.assertEqual(other.stop(), 0)
		finally:
			self.relay.start()

	def test_media_fetch_uses_the_number_token(self):
		c = self.customer()
		t0 = time.time()
		m, code = self.fake.customer_message(c, "image",
		    phone_number_id=FR)
		self.assertEqual(code, 200)
		conv = self.message_events(m["id"])[0]["conversation"]
		r = self.alice.media(conv, m["image"]["id"])
		self.assertEqual(r.status, 200, r)
		calls = self.graph_calls("media_info", t0) + \
		    self.graph_calls("media_download", t0)
		self.assertTrue(calls)
		self.assertEqual({q["token"] for q in calls}, {FR_TOKEN},
		    [(q["kind"], q["path"]) for q in calls])

	# ---- agents limited to some numbers -----------------------------

	def test_me_lists_the_agent_numbers(self):
		r = self.alice.me()
		self.assertEqual(r.status, 200, r)
		self.assertEqual(r.data["numbers"], [
		    {"id": "support-de", "phone_number_id": DE,
		    "display_phone_number": "+49 30 1234567",
		    "waba_id": WABA_DE},
		    {"id": "support-fr", "phone_number_id": FR,
		    "display_phone_number": "+33 1 23456789",
		    "name": "Support FR", "waba_id": WABA_FR}])
		r = self.bob.me()
		self.assertEqual([n["id"] for n in r.data["numbers"]],
		    ["support-de"])

	def test_limited_agent_sync(self):
		both = self.customer()
		de = self.write(both, DE)
		fr = self.write(both, FR)
		only_fr = self.customer()
		fr2 = self.write(only_fr, FR)
		evs = self.events(agent=self.bob)
		convs = {e["conversation"] for e in evs}
		self.assertIn(de["conversation"], convs)
		self.assertNotIn(fr["conversation"], convs)
		self.assertNotIn(fr2["conversation"], convs)
		contacts = [e["contact"].get("wa_id") for e in evs
		    if e["type"] == "contact"]
		# The contact with a visible conversation shows, the other not.
		self.assertIn(both.wa_id, contacts)
		self.assertNotIn(only_fr.wa_id, contacts)
		# alice sees everything.
		convs = {e["conversation"] for e in self.events()}
		self.assertTrue({de["conversation"], fr["conversation"],
		    fr2["conversation"]} <= convs)

	def test_limited_agent_lists_and_search(self):
		"""The windowed reads and the search hide the other number's
		conversations as sync does."""
		word = "quux%s" % wp.new_media_id()[-8:]
		c = self.customer()
		de = self.write(c, DE, "hallo %s" % word)["conversation"]
		fr = self.write(c, FR, "bonjour %s" % word)["conversation"]
		for agent, want in ((self.bob, {de}), (self.alice, {de, fr})):
			r = agent.call("GET", "/v1/search?q=" + word)
			self.assertEqual(r.status, 200, r)
			self.assertEqual({h["conversation"] for h in
			    r.data["results"]}, want)
			r = agent.call("GET", "/v1/snapshot?since=0&limit=1000")
			self.assertEqual(r.status, 200, r)
			self.assertEqual({e["conversation"] for e in
			    r.data["events"]} & {de, fr}, want)
			r = agent.call("GET", "/v1/conversations?limit=200")
			self.assertEqual(r.status, 200, r)
			self.assertEqual({e["id"] for e in r.data["conversations"]} &
			    {de, fr}, want)

	def test_limited_agent_gets_404_everywhere(self):
		c = self.customer()
		de = self.write(c, DE)
		fr = self.write(c, FR)
		conv = fr["conversation"]
		img, code = self.fake.customer_message(c, "image",
		    phone_number_id=FR)
		self.assertEqual(code, 200)
		self.assertEqual(self.message_events(img["id"])[0]["conversation"],
		    conv)
		cid = new_client_id
		calls = [
		    ("POST", "messages", {"client_id": cid(), "text": "x"}),
		    ("POST", "notes", {"client_id": cid(), "text": "x"}),
		    ("POST", "escalate", {"client_id": cid(), "team": "tier1",
		    "priority": "high", "reason": "x"}),
		    ("POST", "assign", {"client_id": cid(), "agent": "bob"}),
		    ("POST", "status", {"client_id": cid(), "status": "resolved"}),
		    ("POST", "labels", {"client_id": cid(), "add": ["x"]}),
		    ("POST", "presence", {"activity": "typing"}),
		    ("POST", "read", {"message": fr["message"]["id"]}),
		    ("GET", "media/" + img["image"]["id"], None),
		    ("GET", "messages", None),
		    ("POST", "typing", {}),
		    ("POST", "media?client_id=%s&filename=a.txt" % cid(),
		    b"hello"),
		]
		for method, what, body in calls:
			path = "/v1/conversations/%s/%s" % (quote(conv), what)
			r = self.raw_call(self.bob, method, path, body)
			self.assertEqual(r.status, 404, "%s %s: %r" % (method, what,
			    r))
			self.assertEqual(r.error_code, "not_found", (what, r))
			r = self.raw_call(self.alice, method, path, body)
			self.assertNotEqual(r.status, 404, "alice %s %s: %r" % (
			    method, what, r))
		# A customer who wrote only to the other number is unknown too.
		only_fr = self.customer()
		self.write(only_fr, FR)
		wa = quote(only_fr.wa_id)
		for method, path, body in [("GET", "/v1/contacts/" + wa, None),
		    ("POST", "/v1/contacts/" + wa, {"client_id": cid(),
		    "note": "x"}),
		    ("GET", "/v1/contacts/%s/conversations" % wa, None)]:
			r = self.bob.call(method, path, body)
			self.assertEqual(r.status, 404, "%s %s: %r" % (method, path,
			    r))
			self.assertEqual(self.alice.call(method, path, body).status,
			    200, path)
		r = self.bob.call("GET", "/v1/contacts/%s/conversations" %
		    quote(c.wa_id))
		self.assertEqual([e["id"] for e in r.data["conversations"]],
		    [de["conversation"]])
		r = self.bob.call("POST", "/v1/bulk", {"client_id": cid(),
		    "conversations": [de["conversation"], conv],
		    "action": {"labels": {"add": ["bulk"]}}})
		self.assertEqual(r.status, 200, r)
		res = {x["conversation"]: x for x in r.data["results"]}
		self.assertTrue(res[de["conversation"]]["ok"], res)
		self.assertFalse(res[conv]["ok"], res)


class SingleNumberUpgrade(RelayTestCase):
	"""An old config (phone_number_id in [whatsapp]) on a database from
	before numbers: its conversations are number main and continue; an
	SQLite file is copied first."""

	def downgrade(self):
		"""Back to the schema of before numbers: no number column, no
		aliases table (PostgreSQL: schema version 3)."""
		if relayproc.pgcluster.wanted():
			relayproc.pgcluster.shared().psql(
			    "DROP INDEX conversations_number; ALTER TABLE "
			    "conversations DROP COLUMN number; DROP TABLE "
			    "contact_aliases; UPDATE meta SET value = '3' WHERE key "
			    "= 'schema'",
			    dbname=self.relay.database.split("/")[3].split("?")[0])
			return
		db = sqlite3.connect(self.relay.db)
		db.executescript("DROP INDEX conversations_number; ALTER TABLE "
		    "conversations DROP COLUMN number; DROP TABLE "
		    "contact_aliases;")
		db.close()

	@staticmethod
	def columns(path):
		db = sqlite3.connect(path)
		try:
			return {r[1] for r in db.execute("PRAGMA "
			    "table_info(conversations)")}, {r[0] for r in db.execute(
			    "SELECT name FROM sqlite_master WHERE type = 'table'")}
		finally:
			db.close()

	def test_old_database_continues(self):
		c = self.customer()
		first = self.write_text(c)
		self.assertEqual(self.relay.stop(), 0)
		self.downgrade()
		self.relay.start()
		self.fake.set_relay_url(self.relay.url)
		if not relayproc.pgcluster.wanted():
			# The file as it was is kept beside it, then upgraded.
			copy = self.relay.db + ".before-numbers"
			self.assertTrue(os.path.isfile(copy), copy)
			# Customers' messages: for the relay's user alone.
			self.assertEqual(os.stat(copy).st_mode & 0o077, 0)
			cols, tables = self.columns(copy)
			self.assertIn("first_ts", cols)
			self.assertNotIn("number", cols)
			self.assertNotIn("contact_aliases", tables)
			cols, tables = self.columns(self.relay.db)
			self.assertIn("number", cols)
			self.assertIn("contact_aliases", tables)
		again = self.write_text(c)
		self.assertEqual(again["conversation"], first["conversation"])
		self.assertEqual(self.conv_state(first["conversation"])["number"],
		    "main")
		r = self.alice.me()
		self.assertEqual(r.data["numbers"], [{"id": "main",
		    "phone_number_id": DE, "display_phone_number": "+1 555 0100"}])
		t0 = time.time()
		self.reply(first["conversation"], "still from main")
		sends = [q for q in self.fake.snapshot() if q["kind"] == "send"
		    and q["time"] >= t0]
		self.assertEqual(sends[-1]["path"], "/v21.0/%s/messages" % DE)

	def write_text(self, c):
		m = self.inbound(c, "text", text="hi %s" % wp.new_media_id())
		evs = self.message_events(m["id"])
		self.assertEqual(len(evs), 1, evs)
		return evs[0]


if __name__ == "__main__":
	main()
