#!/usr/bin/env python3
"""The dependency rule of DESIGN.md, checked on the #include lines of src/.

core and wa include no curses, curl, sqlite, libpq or microhttpd; app
includes no curses and no header of src/ui; ui includes no curl and does
not reach the relay client (net.h) itself; relay includes nothing of app
or ui; no source includes across folders with "../".

KNOWN lists includes not yet cut (none now).  The test
fails when one of them disappears too, so the list only ever shrinks.
"""
import os
import re
import sys

ROOT = os.environ.get("TTYDESK_SOURCE_DIR",
                      os.path.join(os.path.dirname(__file__), "..", ".."))
SRC = os.path.join(ROOT, "src")
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)

SYSTEM_LIBS = ("curses.h", "ncurses.h", "ncursesw/", "curl/", "sqlite3.h",
               "libpq-fe.h", "microhttpd.h")
RULES = {
    "core": SYSTEM_LIBS,
    "wa": SYSTEM_LIBS,
    "app": ("curses.h", "ncurses.h", "ncursesw/", "sqlite3.h", "libpq-fe.h",
            "microhttpd.h"),
    "ui": ("curl/", "sqlite3.h", "libpq-fe.h", "microhttpd.h", "net.h"),
}

# (file, header) pairs not yet cut.
KNOWN = set()


def headers_of(folder):
    d = os.path.join(SRC, folder)
    return {f for f in os.listdir(d) if f.endswith(".h")} if os.path.isdir(d) else set()


def main():
    ui_headers = headers_of("ui") - headers_of("app")
    app_ui_headers = headers_of("app") | ui_headers
    bad, seen = [], set()
    for folder in sorted(os.listdir(SRC)):
        d = os.path.join(SRC, folder)
        for name in sorted(os.listdir(d)):
            if not name.endswith((".c", ".h")):
                continue
            rel = f"{folder}/{name}"
            with open(os.path.join(d, name), encoding="utf-8") as f:
                text = f.read()
            for kind, inc in INCLUDE.findall(text):
                why = None
                if inc.startswith("../") or "/../" in inc:
                    why = "reaches into another folder"
                elif any(inc == r or (r.endswith("/") and inc.startswith(r))
                         for r in RULES.get(folder, ())):
                    why = f"{folder} must not include it"
                elif folder == "app" and kind == '"' and inc in ui_headers:
                    why = "app must not include ui headers"
                elif folder == "relay" and kind == '"' and \
                        inc in app_ui_headers and inc not in headers_of("relay"):
                    why = "relay must not include app or ui"
                if why is None:
                    continue
                if (rel, inc) in KNOWN:
                    seen.add((rel, inc))
                    continue
                bad.append(f"src/{rel}: #include {inc}: {why}")
    for rel, inc in sorted(KNOWN - seen):
        bad.append(f"src/{rel} no longer includes {inc}: "
                   "remove it from KNOWN in tests/lint/check_layers.py")
    for line in bad:
        print(line)
    print(f"layers: {len(bad)} problems, {len(seen)} known exceptions left")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
