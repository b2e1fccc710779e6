"""Post the real-world webhook corpus ($TTYDESK_CORPUS_DIR) to real relays.

Placeholder wamids (wamid.ID, wamid.xyzxyz) repeat across files and a
relay must deduplicate by wamid, so files are packed into "generations":
a fresh relay (empty database) per phone_number_id and generation, such
that no message id repeats across files within one generation.  Then each
file's messages must each give exactly one message event.
"""

import glob
import json
import os

import relayproc
from agentapi import AgentClient, WebhookClient
import fake_graph

KINDS = {"text", "image", "video", "audio", "document", "sticker",
    "location", "contacts", "reaction", "interactive", "button", "template",
    "unsupported"}

# Webhook message type -> the kind the relay must report.  Types not here
# (order, system, missing type) must still give a message of some kind.
EXPECT_KIND = {"text": "text", "image": "image", "video": "video",
    "audio": "audio", "document": "document", "sticker": "sticker",
    "location": "location", "contacts": "contacts", "reaction": "reaction",
    "interactive": "interactive", "button": "button",
    "unsupported": "unsupported", "unknown": "unsupported"}


def corpus_dir():
	d = os.environ.get("TTYDESK_CORPUS_DIR")
	if not d:
		here = os.path.dirname(os.path.abspath(__file__))
		d = os.path.join(here, "..", "corpus", "webhooks")
	return d


class CorpusFile:
	def __init__(self, path):
		self.path = path
		self.name = os.path.basename(path)
		with open(path, "rb") as fp:
			self.raw = fp.read()
		d = json.loads(self.raw)
		self.pnid = None
		self.messages = []     # (message dict, contacts list)
		self.statuses = []
		for e in d.get("entry", []):
			for c in e.get("changes", []):
				v = c.get("value") or {}
				pn = (v.get("metadata") or {}).get("phone_number_id")
				if pn is not None and self.pnid is None:
					self.pnid = str(pn)
				for m in v.get("messages") or []:
					self.messages.append((m, v.get("contacts") or []))
				self.statuses += v.get("statuses") or []

	def message_ids(self):
		return {m.get("id") for m, _ in self.messages}


def load(select=None):
	files = [CorpusFile(p) for p in sorted(glob.glob(os.path.join(
	    corpus_dir(), "*.json")))]
	return [f for f in files if select is None or select(f)]


def generations(files):
	"""[(pnid, [files])]: files of one pnid with disjoint message ids."""
	gens = []
	for f in files:
		for pnid, members, ids in gens:
			if pnid == f.pnid and not (ids & f.message_ids()):
				members.append(f)
				ids |= f.message_ids()
				break
		else:
			gens.append((f.pnid, [f], set(f.message_ids())))
	return [(p, m) for p, m, _ in gens]


def expected_from(m, contacts):
	"""Acceptable `from` values: the phone (messages[].from or, where a
	placeholder corpus file disagrees, contacts[].wa_id), else the BSUID."""
	ok = {m["from"]} if m.get("from") else set()
	ok |= {c["wa_id"] for c in contacts if c.get("wa_id")}
	if not ok:
		ok = {c["user_id"] for c in contacts if c.get("user_id")}
	return ok


def check_generation(tc, pnid, files):
	"""Start a relay for pnid, post every file raw and signed, check."""
	fake = fake_graph.FakeGraph("t", "s", pnid, status_delays=None)
	fake.start()
	relay = relayproc.Relay(fake.graph_url, phone_number_id=pnid)
	fake.access_token = relay.access_token
	try:
		relay.start()
		hooks = WebhookClient(relay.url, relay.app_secret)
		agent = AgentClient(relay.url, relay.agents["alice"].token)
		for f in files:
			r = hooks.post(f.raw)
			tc.assertEqual(r.status, 200, "%s: %r" % (f.name, r))
		evs = agent.all_events(0)
		seqs = [e["seq"] for e in evs]
		tc.assertEqual(seqs, sorted(set(seqs)))
		for f in files:
			seen = set()
			for m, contacts in f.messages:
				# A file may repeat a wamid (087 does, with another
				# body): the first one is the one that counts.
				with tc.subTest(file=f.name, message=m.get("id")):
					_check_message(tc, f, m, contacts, evs,
					    m.get("id") not in seen)
				seen.add(m.get("id"))
		tc.assertEqual(fake.snapshot(), [], "corpus made the relay call "
		    "the Graph API")
		code = relay.stop()
		tc.assertEqual(code, 0, "relay exit code %s:\n%s" % (code,
		    relay.log_tail()))
	finally:
		relay.cleanup()
		fake.stop()
	return len(files)


def _check_message(tc, f, m, contacts, evs, first=True):
	mid = m.get("id")
	got = [e for e in evs if e.get("type") == "message" and
	    e["message"].get("id") == mid]
	tc.assertEqual(len(got), 1, "%s: message %s gave %d message events"
	    % (f.name, mid, len(got)))
	mm = got[0]["message"]
	tc.assertEqual(mm.get("direction"), "in", f.name)
	tc.assertIn(mm.get("kind"), KINDS, f.name)
	want = EXPECT_KIND.get(m.get("type"))
	if m.get("type") in ("interactive", "location", "image", "video",
	    "audio", "document", "sticker", "reaction", "button", "text",
	    "contacts") and not m.get(m["type"]):
		want = None     # the type's object is missing: any kind
	if m.get("type") == "location" and not all(isinstance(
	    m["location"].get(k), (int, float)) for k in ("latitude",
	    "longitude")):
		want = None     # placeholder strings, not coordinates
	if want:
		tc.assertEqual(mm["kind"], want, "%s: type %s" % (f.name,
		    m.get("type")))
	frm = expected_from(m, contacts)
	if frm:
		tc.assertIn(mm.get("from"), frm, f.name)
	conv = got[0]["conversation"]
	tc.assertTrue(isinstance(conv, str) and conv, f.name)
	tc.assertTrue([e for e in evs if e.get("type") == "conversation" and
	    e["conversation"] == conv and e["seq"] < got[0]["seq"]],
	    "%s: no conversation event before the message" % f.name)
	t = m.get("type")
	if not first:
		return
	if t == "text":
		tc.assertEqual(mm.get("text"), m["text"]["body"], f.name)
	elif t in ("image", "video", "audio", "document", "sticker"):
		tc.assertEqual(mm["media"]["id"], m[t]["id"], f.name)
		if m[t].get("caption"):
			# Exactly the customer's words: labels such as
			# "[Forwarded]" travel in "annotation".
			tc.assertEqual(mm.get("caption"), m[t]["caption"], f.name)
		if m.get("context", {}).get("forwarded"):
			tc.assertIn("Forwarded", mm.get("annotation") or "", f.name)
	elif t == "reaction":
		tc.assertEqual(mm["reaction"]["to"], m["reaction"]["message_id"],
		    f.name)
		tc.assertEqual(mm["reaction"].get("emoji") or "",
		    m["reaction"].get("emoji") or "", f.name)
	if (m.get("context") or {}).get("id") and t in ("text",):
		tc.assertEqual(mm.get("reply_to"), m["context"]["id"], f.name)
