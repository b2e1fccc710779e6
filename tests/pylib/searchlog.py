"""A fixed relay log for the search and storage tests.

webhooks() gives the same signed-independent webhook bodies every time
(fixed wamids, names, timestamps), so a log built from them by any relay
version holds the same message and contact events at the same seqs.
tests/fixtures/relay-v1/make.py ran them through the relay of schema 1
(before the search index and the compact event storage) and kept its
database (relay-v1.sql) and its /v1/sync answer (events.json).
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
    "..", "fake"))
import wa_payloads as wp  # noqa: E402

PNID = "106540352242922"
DISPLAY = "15550100"
DAY = 86400
BASE_TS = 1700000000     # 2023-11-14: every message is long past

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
    "fixtures", "relay-v1")

WORDS = ("invoice refund parcel delivery address broken screen battery "
    "warranty receipt password account login subscription cancel upgrade "
    "coupon voucher discount shipping tracking courier weekend morning "
    "evening tomorrow yesterday kitchen garden bicycle umbrella").split()


def customers():
	out = []
	for k in range(12):
		name = ["Zoë Müller", "Ana Díaz", "Bjørn Olsen", "Kenji Sato",
		    "Priya Raman", "Tomás Ruiz"][k % 6] + " %d" % k
		if k % 4 == 3:
			out.append(wp.Customer(None, "US.%020d" % (10 ** 19 + k),
			    name, username="user.%d" % k))
		else:
			out.append(wp.Customer("1555%07d" % (4200000 + k), None,
			    name, username=("handle%d" % k) if k % 2 else None))
	return out


def _wamid(k, j):
	return "wamid.FIXTURE%02d%03d" % (k, j)


def webhooks():
	"""[(body dict)]: 12 customers, 10 messages each, some media with
	captions and file names, spread over 400 days."""
	out = []
	cs = customers()
	for j in range(10):
		for k, c in enumerate(cs):
			ts = BASE_TS + (j * len(cs) + k) * 3 * DAY
			words = [WORDS[(k * 7 + j * 3 + i) % len(WORDS)]
			    for i in range(6)]
			text = "%s order%02d%02d %s" % (" ".join(words[:3]), k, j,
			    " ".join(words[3:]))
			if j == 4:
				m = wp.inbound_message(c, "image", caption="photo of "
				    "the " + words[0] + " cap%02d" % k, timestamp=ts,
				    wamid=_wamid(k, j), media_id="9%014d" % (k * 100 + j),
				    sha256="c2hh")
			elif j == 7:
				m = wp.inbound_message(c, "document", caption="scan",
				    filename="Rechnung-%02d.pdf" % k, timestamp=ts,
				    wamid=_wamid(k, j), media_id="8%014d" % (k * 100 + j),
				    sha256="c2hh")
			else:
				m = wp.inbound_message(c, "text", text=text,
				    timestamp=ts, wamid=_wamid(k, j))
			out.append(wp.envelope([wp.message_value(PNID, DISPLAY, c,
			    [m])]))
	return out


# Queries whose hits are all inbound messages or contacts (same seqs in
# every log built from webhooks(); the fixture's agent actions come after
# them and touch conversation c1's contact, the words "invoice" and
# "e-mail").
QUERIES = ["order0305", "order03*", "REFUND", "photo", "cap07",
    "rechnung", "Rechnung-04.pdf", "díaz", "handle5", "user.3",
    "15554200002", "1555420001*", "kitchen garden", "tomás", "bjørn",
    "sato", "parcel*", "warranty receipt"]
