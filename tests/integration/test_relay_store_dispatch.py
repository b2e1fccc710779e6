#!/usr/bin/env python3
"""Every function of src/relay/store.h reaches both backends: store.c
forwards it through the ops table (store_backend.h), which both
relay_store_sqlite_ops and relay_store_pg_ops fill (the windowed reads
through the window table both backends fill), or makes it one of the plain
writes or look-ups (enum store_write, enum store_read), which both
backends map to a statement.
An entry left out of one table would otherwise compile fine (NULL) and
crash the relay on that backend only."""

import os
import re
import unittest

SRC = os.path.join(os.environ.get("TTYDESK_SOURCE_DIR") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", ".."), "src", "relay")

# Defined in store.c for both backends at once.
DISPATCH_ONLY = {"set_lease", "outbound_abandoned"}


def read(name):
	with open(os.path.join(SRC, name), encoding="utf-8") as fp:
		return fp.read()


class Dispatch(unittest.TestCase):
	def test_every_store_function_reaches_both_backends(self):
		# Those taking a store (the others, like schema_version(), are
		# about one backend or none).
		names = set(re.findall(r"^\w[\w \*]*?\brelay_store_(\w+)\("
		    r"(?:struct relay_store \*|const char \*path, enum)",
		    read("store.h"), re.M))
		self.assertGreater(len(names), 30)
		store_c, ops = read("store.c"), read("store_backend.h")
		sqlite, pg = read("store_sqlite.c"), read("store_pg.c")
		for n in sorted(names):
			self.assertRegex(store_c, r"\nrelay_store_%s\(" % n, n)
			body = re.search(r"\nrelay_store_%s\(.*?\n}\n" % n, store_c,
			    re.S).group(0)
			if "STORE_W_" in body or "STORE_R_" in body:
				continue
			win = re.search(r"->window->(\w+)\(", body)
			if win:
				w = win.group(1)
				self.assertRegex(ops, r"\(\*%s\)\(" % w, n)
				for src, pre in (("store_sqlite_window.c", "sqlite"),
				    ("store_pg_window.c", "pg")):
					self.assertRegex(read(src), r"\n\t\.%s = %s_window_\w+,\n"
					    % (w, pre), n)
				continue
			self.assertRegex(ops, r"\(\*%s\)\(" % n, n)
			self.assertRegex(pg, r"\n\t\.%s = pg_store_%s,\n" % (n, n), n)
			if n in DISPATCH_ONLY:
				continue
			self.assertRegex(sqlite, r"\n\t\.%s = sqlite_store_%s,\n" %
			    (n, n), n)

	def test_every_plain_write_has_both_statements(self):
		writes = re.findall(r"^\t(STORE_[WR]_\w+)",
		    read("store_backend.h"), re.M)
		self.assertIn("STORE_W_COUNT", writes)
		self.assertIn("STORE_R_COUNT", writes)
		for src in ("store_sqlite.c", "store_pg.c"):
			text = read(src)
			for w in writes:
				if not w.endswith("_COUNT"):
					self.assertRegex(text, r"\n\t\[%s\] = " % w,
					    "%s: %s" % (src, w))


if __name__ == "__main__":
	unittest.main(verbosity=2)
