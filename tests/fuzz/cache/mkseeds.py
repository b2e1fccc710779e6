#!/usr/bin/env python3
"""Write the seed inputs of fuzz_cache (format: the comment at the top of
tests/fuzz/fuzz_cache.c).  Run from anywhere; the seeds are committed, so
this only needs running again when the format changes."""
import json
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "seeds")
BEGIN, EVENTS, OUTBOX_PUT, OUTBOX_ACK, DRAFT, END, READ = 1, 2, 3, 4, 5, 6, 7
LOG, SNAP = 0, 1


def s(text):
    b = text.encode() if isinstance(text, str) else text
    return struct.pack("<I", len(b)) + b + b"\0"


def rec(where, rtype, payload):
    return bytes([where, rtype]) + struct.pack("<H", len(payload)) + payload


def events(cursor, evs):
    return struct.pack("<qI", cursor, len(evs)) + b"".join(
        s(json.dumps(e)) for e in evs)


def end(count, nev, nout, ndr, cursor, nreads=None):
    pt = struct.pack("<QQQQq", count, nev, nout, ndr, cursor)
    return pt if nreads is None else pt + struct.pack("<Q", nreads)


def reads(*pairs):
    return struct.pack("<I", len(pairs)) + b"".join(
        s(conv) + struct.pack("<q", seq) for conv, seq in pairs)


EV1 = {"seq": 1, "ts": 1750000000, "type": "message", "conversation": "c1",
       "message": {"id": "wamid.1", "direction": "in", "kind": "text",
                   "from": "16505551234", "text": "hi \x1b[31mred"}}
EV2 = {"seq": 2, "ts": 1750000001, "type": "status", "conversation": "c1",
       "status": {"message": "wamid.1", "status": "read"}}
BEGIN_PT = struct.pack("<I", 1)
OUT_PT = s("cli-1") + s('{"conversation":"c1","text":"on my way"}')

SEEDS = {
    "log-all-types": b"\0" + b"".join([
        rec(LOG, BEGIN, BEGIN_PT),
        rec(LOG, EVENTS, events(2, [EV1, EV2])),
        rec(LOG, OUTBOX_PUT, OUT_PT),
        rec(LOG, DRAFT, s("c1") + s("half a repl\xc3\xa9")),
        rec(LOG, OUTBOX_PUT, s("cli-2") + s("{}")),
        rec(LOG, OUTBOX_ACK, s("cli-1")),
        rec(LOG, DRAFT, s("c2") + s("x")),
        rec(LOG, DRAFT, s("c2") + s("")),
        rec(LOG, EVENTS, events(3, [])),
    ]),
    "snapshot-and-log": b"\0" + b"".join([
        rec(SNAP, BEGIN, BEGIN_PT),
        rec(SNAP, EVENTS, events(1, [EV1])),
        rec(SNAP, OUTBOX_PUT, OUT_PT),
        rec(SNAP, DRAFT, s("c1") + s("draft")),
        rec(SNAP, END, end(4, 1, 1, 1, 1)),
        rec(LOG, BEGIN, BEGIN_PT),
        rec(LOG, EVENTS, events(2, [EV2])),
        rec(LOG, OUTBOX_ACK, s("cli-1")),
    ]),
    "snapshot-without-log": b"\2" + b"".join([
        rec(SNAP, BEGIN, BEGIN_PT),
        rec(SNAP, END, end(1, 0, 0, 0, 0)),
    ]),
    "snapshot-bad-end": b"\0" + b"".join([
        rec(SNAP, BEGIN, BEGIN_PT),
        rec(SNAP, DRAFT, s("c1") + s("d")),
        rec(SNAP, END, end(2, 0, 0, 0, 9)),
        rec(LOG, BEGIN, BEGIN_PT),
    ]),
    "log-malformed-strings": b"\0" + b"".join([
        rec(LOG, BEGIN, BEGIN_PT),
        rec(LOG, EVENTS, struct.pack("<qI", 5, 3) + s("{}") +
            struct.pack("<I", 0xFFFFFFF0)),
    ]),
    "log-nul-in-id": b"\0" + b"".join([
        rec(LOG, BEGIN, BEGIN_PT),
        rec(LOG, OUTBOX_PUT, s(b"cl\0i") + s("{}")),
    ]),
    "log-reads": b"\0" + b"".join([
        rec(LOG, BEGIN, BEGIN_PT),
        rec(LOG, EVENTS, events(2, [EV1, EV2])),
        rec(LOG, READ, reads(("c1", 1))),
        rec(LOG, READ, reads(("c2", 9), ("c1", 2))),
        rec(LOG, READ, reads(("c1", 1))),
    ]),
    "snapshot-reads": b"\0" + b"".join([
        rec(SNAP, BEGIN, BEGIN_PT),
        rec(SNAP, EVENTS, events(1, [EV1])),
        rec(SNAP, READ, reads(("c1", 1), ("c2", 5))),
        rec(SNAP, END, end(3, 1, 0, 0, 1, 2)),
        rec(LOG, BEGIN, BEGIN_PT),
        rec(LOG, READ, reads(("c2", 6))),
    ]),
    "snapshot-reads-bad-count": b"\0" + b"".join([
        rec(SNAP, BEGIN, BEGIN_PT),
        rec(SNAP, READ, reads(("c1", 1))),
        rec(SNAP, END, end(2, 0, 0, 0, 0, 3)),
        rec(LOG, BEGIN, BEGIN_PT),
    ]),
    "log-read-malformed": b"\0" + b"".join([
        rec(LOG, BEGIN, BEGIN_PT),
        rec(LOG, READ, reads(("c1", -1)) + b"x"),
    ]),
    "log-end-in-log": b"\0" + rec(LOG, BEGIN, BEGIN_PT) +
        rec(LOG, END, end(1, 0, 0, 0, 0)),
}

FHDR = b"TTYDLOG\0" + struct.pack("<II", 1, 0) + bytes(16) + bytes(
    range(16)) + bytes(16)
FRAME = struct.pack("<IB3x", 20, BEGIN) + b"\xde\xad\xbe\xef" + bytes(24)
SEEDS.update({
    "raw-torn-zeros": b"\1" + FHDR + FRAME + bytes(20) + bytes(100),
    "raw-short-frame": b"\1" + FHDR + FRAME[:20],
    "raw-bad-hcheck": b"\1" + FHDR + FRAME + bytes(20),
    "raw-huge-len": b"\1" + FHDR + struct.pack("<IB3x", 0xFFFFFFFF, 2) +
        bytes(28),
    "raw-header-only": b"\1" + FHDR,
    "raw-short-header": b"\1" + FHDR[:40],
})

os.makedirs(OUT, exist_ok=True)
for name, data in sorted(SEEDS.items()):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
print(f"{len(SEEDS)} seeds in {OUT}")
