#!/usr/bin/env python3
"""docs/api.md and the relay's route table name the same routes, and
its "Every event" table the event types the relay makes.

Every route of src/relay/routes*.c ({ "METHOD", "/path", ...} rows) is in
the "Every route" table of docs/api.md, that table has no other row, and
every "METHOD /path" written anywhere in docs/api.md is a route.  Path
parameters compare as one placeholder: {id}, {wa_id}, <sha256> and the
route table's {} are the same."""

import glob
import os
import re
import sys

SRC = os.environ.get("TTYDESK_SOURCE_DIR") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..")
METHODS = "GET|POST|PUT|PATCH|DELETE"


def norm(method, path):
	path = path.split("?")[0].rstrip(".,;:)")
	segs = ["{}" if s.startswith("{") or "<" in s else s
	    for s in path.split("/")]
	return "%s %s" % (method, "/".join(segs))


def routes():
	out = set()
	for f in sorted(glob.glob(os.path.join(SRC, "src", "relay",
	    "routes*.c"))):
		with open(f, encoding="utf-8") as fp:
			text = fp.read()
		for m in re.finditer(r'\{\s*"(%s)",\s*"(/[^"]*)"' % METHODS, text):
			out.add(norm(m.group(1), m.group(2)))
	return out


def documented(text):
	return {norm(m.group(1), m.group(2)) for m in
	    re.finditer(r"\b(%s) (/[^\s`|]*)" % METHODS, text)}


def table(text):
	part = text.split("## Every route", 1)
	if len(part) < 2:
		return None
	body = part[1].split("\n## ", 1)[0]
	return {norm(m.group(1), m.group(2)) for m in
	    re.finditer(r"^\| `(%s) (/[^`]*)` \|" % METHODS, body, re.M)}


def event_types():
	"""Types of the events the relay builds (ev_new(ts, "type", ...))."""
	out = set()
	for f in sorted(glob.glob(os.path.join(SRC, "src", "relay", "*.c"))):
		with open(f, encoding="utf-8") as fp:
			out |= set(re.findall(r'\bev_new\([^,()]+(?:\([^()]*\))?, *'
			    r'"([a-z_]+)"', fp.read()))
	return out


def event_table(text):
	part = text.split("## Every event", 1)
	if len(part) < 2:
		return None
	body = part[1].split("\n## ", 1)[0]
	return set(re.findall(r"^\| `([a-z_]+)` \|", body, re.M))


def compare(relay, doc, what, verb):
	"""What the relay has and docs/api.md's table of them lacks, and the
	other way round."""
	return ["%s %s is not in docs/api.md's %s table" % (what, x, what)
	    for x in sorted(relay - doc)] + ["docs/api.md's %s table has %s, "
	    "which the relay does not %s" % (what, x, verb)
	    for x in sorted(doc - relay)]


def main():
	with open(os.path.join(SRC, "docs", "api.md"), encoding="utf-8") as fp:
		text = fp.read()
	rt = routes()
	bad = []
	if len(rt) < 20:
		bad.append("only %d routes found in src/relay/routes*.c: did the "
		    "table's form change?" % len(rt))
	tb = table(text)
	if tb is None:
		bad.append("docs/api.md has no \"## Every route\" section")
		tb = set()
	bad += compare(rt, tb, "route", "serve")
	for r in sorted(documented(text) - rt):
		bad.append("docs/api.md names %s, which the relay does not "
		    "serve" % r)
	ev, et = event_types(), event_table(text)
	if len(ev) < 4:
		bad.append("only %d event types found in src/relay: did ev_new() "
		    "change?" % len(ev))
	if et is None:
		bad.append("docs/api.md has no \"## Every event\" section")
		et = set()
	bad += compare(ev, et, "event", "make")
	for b in bad:
		print("check_api_routes: " + b, file=sys.stderr)
	if not bad:
		print("check_api_routes: %d routes and %d event types, all in "
		    "docs/api.md" % (len(rt), len(ev)))
	return 1 if bad else 0


if __name__ == "__main__":
	sys.exit(main())
