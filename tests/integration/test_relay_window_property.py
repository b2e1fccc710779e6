#!/usr/bin/env python3
"""The defining property of GET /v1/snapshot (docs/api.md, "Windowed sync
and history"), over random event streams: for every conversation of the
working set, the snapshot's events give the TUI's model (model.h, through
tests/tools/model_compare.c) the same conversation as replaying the whole
log up to `through`; and the snapshot holds exactly the working set.

Each stream is seeded (its seed is printed when it fails): random webhooks
from several customers (text, media with captions, reactions and their
removal, redeliveries, statuses of the relay's sends and of unknown
messages, customers whose phone and BSUID meet later, new profile names)
over 200 days of timestamps, mixed with agent actions (replies, notes,
status changes, snoozes, escalations, assignments, labels, contact notes,
presence).  TTYDESK_WINDOW_STREAMS sets how many (default 100); a fresh
relay every 25 streams keeps the working set small."""

import json
import os
import random
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
    "..", "pylib"))
from harness import RelayWorld, unique_bsuid, unique_phone, wp  # noqa: E402
import relayproc  # noqa: E402

DAY = 86400
STREAMS = int(os.environ.get("TTYDESK_WINDOW_STREAMS", "100"))
PER_RELAY = 25
OPEN = ("open", "pending", "escalated", "snoozed")


def model_compare():
	return os.path.join(relayproc.build_dir(), "tests", "model_compare")


class Stream:
	"""One random stream of webhooks and agent actions."""

	def __init__(self, world, seed, now):
		self.rng = random.Random(seed)
		self.world = world
		self.fake = world.fake
		self.alice = world.agent("alice")
		self.bob = world.agent("bob")
		self.now = now
		self.customers = []
		self.convs = []          # conversation ids seen in this stream
		self.wamids = []         # messages to react to
		self.sent_seen = 0

	def ts(self):
		r = self.rng.random()
		if r < 0.3:
			return self.now - self.rng.randrange(0, 3600)
		return self.now - self.rng.randrange(0, 200 * DAY)

	def new_customer(self):
		r = self.rng.random()
		name = "C%d" % self.rng.randrange(1000)
		if r < 0.6:
			c = self.fake.customer(unique_phone(), None, name)
		elif r < 0.8:
			c = self.fake.customer(None, unique_bsuid(), name,
			    username="u%d" % self.rng.randrange(1000))
		else:
			c = self.fake.customer(unique_phone(), unique_bsuid(), name)
		self.customers.append(c)
		return c

	def customer(self):
		if not self.customers or self.rng.random() < 0.15:
			return self.new_customer()
		return self.rng.choice(self.customers)

	def inbound(self):
		c = self.customer()
		kind = self.rng.choice(("text", "text", "text", "image",
		    "reaction", "unreaction", "redeliver", "rename", "link"))
		ts = self.ts()
		if kind == "rename":
			c.name = "Renamed %d" % self.rng.randrange(1000)
			kind = "text"
		if kind == "link":
			# A phone-only and a BSUID-only customer turn out to be
			# one: the phone moves to the BSUID's record.
			phones = [x for x in self.customers if x.wa_id and
			    not x.user_id]
			bsuids = [x for x in self.customers if x.user_id and
			    not x.wa_id]
			if phones and bsuids:
				p, b = self.rng.choice(phones), self.rng.choice(bsuids)
				c = self.fake.customer(p.wa_id, b.user_id, b.name)
				self.customers.append(c)
			kind = "text"
		if kind in ("reaction", "unreaction"):
			if not self.wamids:
				kind = "text"
			else:
				m, _ = self.fake.customer_message(c, kind,
				    reaction_to=self.rng.choice(self.wamids),
				    emoji="" if kind == "unreaction" else
				    self.rng.choice(("👍", "❤", "😂")), timestamp=ts)
				return
		if kind == "redeliver" and self.wamids:
			wamid = self.rng.choice(self.wamids)
			self.fake.customer_message(c, "text", wamid=wamid,
			    text="again", timestamp=ts)
			return
		if kind == "image":
			m, _ = self.fake.customer_message(c, "image",
			    caption="look %d" % self.rng.randrange(100), timestamp=ts)
		else:
			m, _ = self.fake.customer_message(c, "text",
			    text="hello %d" % self.rng.randrange(10 ** 6), timestamp=ts)
		self.wamids.append(m["id"])

	def conv(self):
		return self.rng.choice(self.convs) if self.convs else None

	def agent_action(self):
		conv = self.conv()
		if conv is None:
			return
		a = self.rng.choice((self.alice, self.bob))
		r = self.rng.random()
		if r < 0.25:
			a.send_text(conv, "answer %d" % self.rng.randrange(10 ** 6))
		elif r < 0.35:
			a.note(conv, "note %d" % self.rng.randrange(1000))
		elif r < 0.55:
			a.set_status(conv, self.rng.choice(("open", "pending",
			    "resolved", "resolved")))
		elif r < 0.62:
			a.set_status(conv, "snoozed", until=self.now +
			    self.rng.randrange(60, 30 * DAY))
		elif r < 0.68:
			a.escalate(conv, self.rng.choice(("tier1", "tier2")),
			    "why %d" % self.rng.randrange(100),
			    priority=self.rng.choice(("normal", "high", "urgent")))
		elif r < 0.76:
			a.assign(conv, self.rng.choice(("alice", "bob", None)))
		elif r < 0.84:
			a.call("POST", "/v1/conversations/%s/labels" % conv,
			    {"client_id": wp.new_media_id(), "add": [self.rng.choice(
			    ("vip", "bug", "refund"))], "remove": [self.rng.choice(
			    ("vip", "bug", "refund"))]})
		elif r < 0.92:
			c = self.rng.choice(self.customers)
			body = {"client_id": wp.new_media_id()}
			if self.rng.random() < 0.6:
				body["note"] = self.rng.choice(("n%d" %
				    self.rng.randrange(100), None))
			else:
				body["attributes"] = {"plan": self.rng.choice(("a",
				    "b", None))}
			a.call("POST", "/v1/contacts/%s" % (c.wa_id or c.user_id),
			    body)
		else:
			a.call("POST", "/v1/conversations/%s/presence" % conv,
			    {"activity": self.rng.choice(("viewing", "typing"))})

	def statuses(self):
		"""Statuses for the relay's sends, in any order, and one for a
		message nobody knows."""
		sent = self.fake.accepted_sends()
		for s in sent[self.sent_seen:]:
			for state in self.rng.sample(("sent", "delivered", "read"),
			    self.rng.randrange(0, 4)):
				self.fake.post_status(s["wamid"], state,
				    timestamp=self.ts())
			if self.rng.random() < 0.1:
				self.fake.post_status(s["wamid"], "failed",
				    error=(131026, "Message undeliverable", "gone"))
		self.sent_seen = len(sent)
		if self.rng.random() < 0.2:
			self.fake.post_status("wamid.unknown%d" %
			    self.rng.randrange(10 ** 9), "delivered")

	def run(self, steps):
		for _ in range(steps):
			r = self.rng.random()
			if r < 0.5:
				self.inbound()
				self.refresh()
			elif r < 0.9:
				self.agent_action()
			else:
				self.statuses()
		self.statuses()

	def refresh(self):
		if self.rng.random() < 0.5 or not self.convs:
			evs = self.world.log.update()
			self.convs = sorted({e["conversation"] for e in evs
			    if e["type"] == "message" and e["conversation"]})


class Log:
	"""The relay's log as /v1/sync gives it, fetched incrementally."""

	def __init__(self, agent):
		self.agent = agent
		self.events = []

	def update(self):
		after = self.events[-1]["seq"] if self.events else 0
		self.events += self.agent.all_events(after)
		return self.events


def settle(log):
	"""Waits until the relay stops appending (sends and their outcomes)."""
	last = -1
	while True:
		n = len(log.update())
		if n == last:
			return
		last = n
		time.sleep(0.15)


def working_set(events, since):
	"""Expected members, from the log: status open/pending/escalated/
	snoozed, or a message at or after since."""
	status, last_msg = {}, {}
	for e in events:
		c = e["conversation"]
		if e["type"] == "conversation":
			status[c] = e["state"].get("status")
		elif e["type"] == "message":
			last_msg[c] = max(last_msg.get(c, 0), e["ts"])
	convs = set(status) | set(last_msg)
	return {c for c in convs if status.get(c) in OPEN or
	    last_msg.get(c, 0) >= since}


class SnapshotProperty(unittest.TestCase):

	def test_random_streams(self):
		if not os.access(model_compare(), os.X_OK):
			self.fail("no %s: build the tests" % model_compare())
		base = int(os.environ.get("TTYDESK_WINDOW_SEED",
		    random.randrange(10 ** 6)))
		tmp = tempfile.mkdtemp(prefix="ttydesk-window-")
		world = None
		try:
			for i in range(STREAMS):
				if i % PER_RELAY == 0:
					if world is not None:
						world.close()
					world = RelayWorld()
					world.log = Log(world.agent("alice"))
				self.one_stream(world, base + i, tmp)
		finally:
			if world is not None:
				world.close()
				if os.environ.get("TTYDESK_KEEP_RELAY_DIR") is None:
					world.relay.cleanup()

	def one_stream(self, world, seed, tmp):
		now = int(time.time())
		rng = random.Random(seed * 7919)
		s = Stream(world, seed, now)
		s.run(rng.randrange(10, 50))
		settle(world.log)
		since = now - rng.choice((0, DAY, 30 * DAY, 100 * DAY,
		    250 * DAY))
		limit = rng.choice((1, 2, 3, 7, 200))
		snap, through = self.snapshot(world.agent("bob"), since, limit)
		log = [e for e in world.log.update() if e["seq"] <= through]
		want = working_set(log, since)
		got = {e["conversation"] for e in snap}
		self.assertEqual(got, want, "seed %d: working set" % seed)
		a = os.path.join(tmp, "log.jsonl")
		b = os.path.join(tmp, "snapshot.jsonl")
		ids = os.path.join(tmp, "ids")
		with open(a, "w") as fp:
			for e in log:
				fp.write(json.dumps(e) + "\n")
		with open(b, "w") as fp:
			for e in snap:
				fp.write(json.dumps(e) + "\n")
		with open(ids, "w") as fp:
			fp.write("".join(c + "\n" for c in sorted(want)))
		p = subprocess.run([model_compare(), a, b, ids],
		    capture_output=True, text=True, timeout=60)
		self.assertEqual(p.returncode, 0, "seed %d (since %d, limit %d):"
		    "\n%s%s" % (seed, since, limit, p.stdout[-3000:],
		    p.stderr[-2000:]))
		self.assertEqual(p.stdout.strip(), "equal %d" % len(want))

	def snapshot(self, agent, since, limit):
		q = "since=%d&limit=%d" % (since, limit)
		r = agent.call("GET", "/v1/snapshot?" + q)
		self.assertEqual(r.status, 200, r)
		through, events = r.data["through"], list(r.data["events"])
		while r.data["more"]:
			r = agent.call("GET", "/v1/snapshot?%s&through=%d&cursor=%s"
			    % (q, through, r.data["cursor"]))
			self.assertEqual(r.status, 200, r)
			events += r.data["events"]
		return events, through


if __name__ == "__main__":
	unittest.main(verbosity=2)
