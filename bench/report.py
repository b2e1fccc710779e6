#!/usr/bin/env python3
"""Report speed on SQLite: `ttydesk-relay report` over a whole log.

Builds (once, kept under the build folder) a relay database of N messages
in the relay's own schema (made by `ttydesk-relay migrate`) and event
JSON: conversations of 10 messages (5 from the customer, each followed by
its conversation event, 5 agent replies), 20 agents in 4 teams, 2
numbers, spread over a year; 80 % resolved, a third of those with a CSAT
answer.  Then prints the wall and CPU time of the report over the whole year, by
agent and by day (best and median of 3 runs, the database in the page
cache), and the database's size.  On a shared machine the CPU time says
more than the wall time.

usage: report.py [N ...]    (default 100000; e.g. 100000 1000000)
       report.py --world DIR  (a relay folder made otherwise, e.g. by
                               bench/window_world.py: its relay.conf and
                               database, read only, over all its days)
env TTYDESK_BUILD_DIR: the relay to run (a Release build measures best).
"""

import json
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "pylib"))

import relayproc  # noqa: E402

PNID = "106540352242922"
START = 1767225600          # 2026-01-01 UTC
DAY = 86400
PER_CONV = 10
TEXT = ("message %d of conversation %d: the quick brown fox jumps over "
    "the lazy dog, the quick brown fox jumps over")


def write_config(folder):
	sec = os.path.join(folder, "secrets")
	os.makedirs(sec, mode=0o700, exist_ok=True)
	relayproc.write_secret(os.path.join(sec, "access_token"), "EAAGbench")
	relayproc.write_secret(os.path.join(sec, "app_secret"), "bench")
	path = os.path.join(folder, "relay.conf")
	with open(path, "w", encoding="utf-8") as fp:
		fp.write("[relay]\nlisten = 127.0.0.1:1\ndatabase = relay.db\n\n"
		    "[whatsapp]\ngraph_url = http://127.0.0.1:1/v21.0\n"
		    "phone_number_id = %s\ndisplay_phone_number = +1 555 0100\n"
		    "access_token_file = secrets/access_token\n"
		    "app_secret_file = secrets/app_secret\nverify_token = v\n\n"
		    "[sla]\nfirst_response = 15m\n" % PNID)
		for t in range(4):
			fp.write("\n[team t%d]\nname = Team %d\n" % (t, t))
		for a in range(20):
			fp.write("\n[agent a%d]\nname = Agent %d\nteams = t%d\n"
			    "token_sha256 = %s\n" % (a, a, a % 4, "0" * 64))
	return path


def events(n_messages, rng):
	"""The log, in seq order: (seq, ts, type, conversation, json)."""
	seq = 0
	dumps = json.JSONEncoder(separators=(",", ":")).encode
	for c in range(n_messages // PER_CONV):
		conv = "c%d" % (c + 1)
		agent = "a%d" % rng.randrange(20)
		st = {"status": "open", "assignee": agent, "team": "t%d" %
		    (int(agent[1:]) % 4), "priority": "normal", "last_inbound_ts": 0,
		    "labels": [], "sla": {"breached": False}, "number":
		    "n%d" % (c % 2)}
		t = START + rng.randrange(365 * DAY)

		def ev(etype, body):
			nonlocal seq
			seq += 1
			e = {"seq": seq, "ts": t, "type": etype, "conversation": conv}
			e.update(body)
			return (seq, t, etype, conv, dumps(e))
		yield ev("conversation", {"state": st})
		for k in range(PER_CONV):
			inbound = k % 2 == 0
			m = {"id": "wamid.r.%d.%d" % (c, k), "direction": "in" if
			    inbound else "out", "kind": "text", "from": "1555%08d" % c
			    if inbound else PNID, "text": TEXT % (k, c),
			    "status": "received" if inbound else "sent"}
			if not inbound:
				m["agent"] = agent
			yield ev("message", {"message": m})
			if inbound:
				st["last_inbound_ts"] = t
				yield ev("conversation", {"state": st})
			t += rng.randrange(30, 3600)
		if rng.random() < 0.8:
			st["status"] = "resolved"
			yield ev("conversation", {"state": st})
			if rng.random() < 0.33:
				t += 60
				st["csat"] = {"score": rng.randint(1, 5), "at": t}
				yield ev("conversation", {"state": st})
				del st["csat"]


def build(folder, n, relay):
	db = os.path.join(folder, "relay.db")
	done = os.path.join(folder, "complete")
	config = write_config(folder)
	if os.path.exists(done):
		return config, db
	if os.path.exists(db):
		os.unlink(db)
	subprocess.run([relay, "migrate", "--config", config], check=True,
	    stdout=subprocess.DEVNULL)
	t0 = time.monotonic()
	con = sqlite3.connect(db)
	con.execute("PRAGMA journal_mode=WAL")
	con.execute("PRAGMA synchronous=OFF")
	with con:
		con.executemany("INSERT INTO events(seq, ts, type, conversation, "
		    "json) VALUES(?, ?, ?, ?, ?)", events(n, random.Random(n)))
	con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
	con.close()
	open(done, "w").close()
	print("built %d messages in %.1f s" % (n, time.monotonic() - t0))
	return config, db


def cpu():
	r = resource.getrusage(resource.RUSAGE_CHILDREN)
	return r.ru_utime + r.ru_stime


def timed(relay, config, by, days=("2026-01-01", "2026-12-31")):
	"""(wall seconds, CPU seconds, answer) of one report."""
	t0, c0 = time.monotonic(), cpu()
	p = subprocess.run([relay, "report", "--config", config, "--from",
	    days[0], "--to", days[1], "--by", by, "--json"],
	    capture_output=True, text=True, check=True)
	return time.monotonic() - t0, cpu() - c0, json.loads(p.stdout)


def measure(relay, config, db, what, days=("2026-01-01", "2026-12-31")):
	con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
	n = con.execute("SELECT count(*) FROM events WHERE type = 'message'"
	    ).fetchone()[0]
	con.close()
	print("report over %s: %d messages (%d MB database), load %.2f:" % (
	    what, n, os.path.getsize(db) // 1000000, os.getloadavg()[0]))
	for by in ("agent", "day"):
		runs = [timed(relay, config, by, days) for _ in range(3)]
		secs = sorted(r[0] for r in runs)
		cpus = sorted(r[1] for r in runs)
		tot = runs[0][2]["totals"]
		print("  by %-5s wall best %.2f s, median %.2f s; CPU best "
		    "%.2f s (%d rows, %d conversations, first response p50 "
		    "%s s)" % (by, secs[0], statistics.median(secs), cpus[0],
		    len(runs[0][2]["rows"]), tot["conversations"],
		    tot["first_response_p50"]))


def main():
	relay = relayproc.relay_binary()
	if sys.argv[1:2] == ["--world"] and len(sys.argv) == 3:
		folder = os.path.abspath(sys.argv[2])
		measure(relay, os.path.join(folder, "relay.conf"),
		    os.path.join(folder, "relay.db"), folder,
		    ("1970-01-01", "2099-12-31"))
		return
	sizes = [int(a) for a in sys.argv[1:]] or [100000]
	base = os.path.join(relayproc.build_dir(), "bench", "report-world")
	for n in sizes:
		folder = "%s-%d" % (base, n)
		os.makedirs(folder, exist_ok=True)
		config, db = build(folder, n, relay)
		measure(relay, config, db, "a year of synthetic traffic")


if __name__ == "__main__":
	main()
