#!/usr/bin/env python3
"""Write the seed inputs of fuzz_event_pack: every event of
tests/fixtures/events/all-types.jsonl in the packed form (layout: the
comment at the top of src/core/event_pack.c), written by this second,
independent encoder.  The seeds are committed; run this again only when
the format changes."""
import json
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "seeds")
FIXTURE = os.path.join(HERE, "..", "..", "fixtures", "events",
                       "all-types.jsonl")
TYPES = ["unknown", "message", "status", "conversation", "contact",
         "presence"]
DIRS = ["in", "out", "note"]
KINDS = ["text", "image", "video", "audio", "document", "sticker",
         "location", "contacts", "reaction", "interactive", "button",
         "template", "unsupported"]
MSG_STATUS = ["received", "pending", "sent", "delivered", "read", "failed"]
CONV_STATUS = ["open", "pending", "escalated", "resolved", "snoozed"]
PRIO = ["normal", "high", "urgent"]


def u(v):
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7f) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def i(v):
    return u((v << 1) ^ (-1 if v < 0 else 0))  # zigzag


def s(v):
    if v is None:
        return u(0)
    b = v.encode()
    return u(len(b) + 1) + b


def error(e):
    e = e or {}
    return i(e.get("code", 0)) + s(e.get("title")) + s(e.get("details"))


def message(m):
    r = m.get("reaction") or {}
    out = u(DIRS.index(m["direction"])) + u(KINDS.index(m["kind"]))
    out += u(MSG_STATUS.index(m["status"]))
    for k in ("id", "from", "text", "caption", "annotation", "reply_to",
              "agent", "client_id", "wamid"):
        out += s(m.get(k))
    out += s(r.get("to")) + s(r.get("emoji"))
    md, loc = m.get("media"), m.get("location")
    out += u((1 if md else 0) | (2 if loc else 0))
    if md:
        out += b"".join(s(md.get(k)) for k in
                        ("id", "mime_type", "filename", "sha256"))
        out += i(md.get("size", -1))
    if loc:
        out += struct.pack("<dd", loc["latitude"], loc["longitude"])
        out += s(loc.get("name")) + s(loc.get("address"))
    return out + error(m.get("error"))


def state(st):
    out = u(CONV_STATUS.index(st["status"])) + s(st.get("assignee"))
    out += s(st.get("team")) + u(PRIO.index(st["priority"]))
    esc = st.get("escalation")
    out += u(1 if esc else 0)
    if esc:
        out += s(esc.get("team")) + s(esc.get("reason")) + s(esc.get("by"))
        out += i(esc.get("at", 0))
    out += i(st.get("last_inbound_ts", 0))
    labels = st.get("labels", [])
    out += u(len(labels)) + b"".join(s(x) for x in labels)
    sla, csat = st.get("sla", {}), st.get("csat", {})
    out += i(st.get("snoozed_until", 0))
    out += i(sla.get("first_response_due", 0))
    out += i(sla.get("next_response_due", 0))
    out += u(1 if sla.get("breached") else 0)
    return out + u(csat.get("score", 0)) + i(csat.get("at", 0))


def contact(c):
    out = b"".join(s(c.get(k)) for k in
                   ("wa_id", "user_id", "username", "name", "note"))
    attrs = c.get("attributes")
    if attrs is None:
        return out + u(0)
    out += u(len(attrs) + 1)
    return out + b"".join(s(k) + s(str(v)) for k, v in attrs.items())


def pack(ev):
    t = ev["type"]
    known = t in TYPES[1:]
    out = bytes([1]) + u(TYPES.index(t) if known else 0)
    out += i(ev["seq"]) + i(ev.get("ts", 0)) + s(ev["conversation"])
    out += s(None if known else t)
    if t == "message":
        out += message(ev["message"])
    elif t == "status":
        st = ev["status"]
        out += s(st["message"]) + u(MSG_STATUS.index(st["status"]))
        out += s(st.get("wamid")) + error(st.get("error"))
    elif t == "conversation":
        out += state(ev["state"])
    elif t == "contact":
        out += contact(ev["contact"])
    elif t == "presence":
        p = ev["presence"]
        out += s(p["agent"]) + s(p["activity"]) + i(p.get("expires", 0))
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    with open(FIXTURE) as f:
        for line in f:
            ev = json.loads(line)
            name = "%02d-%s" % (ev["seq"], ev["type"])
            with open(os.path.join(OUT, name), "wb") as o:
                o.write(pack(ev))


if __name__ == "__main__":
    main()
