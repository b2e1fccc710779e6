#!/usr/bin/env python3
"""Every function of src/relay/store.h reaches both backends: store.c
forwards it, store_rename_sqlite.h renames SQLite's and store_pg.c has
PostgreSQL's.  A function added to store.h and store_sqlite.c alone would
otherwise link fine and hand SQLite a PostgreSQL store."""

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
		store_c, rename, pg = read("store.c"), read(
		    "store_rename_sqlite.h"), read("store_pg.c")
		for n in sorted(names):
			self.assertRegex(store_c, r"\nrelay_store_%s\(" % n, n)
			if n in DISPATCH_ONLY:
				continue
			self.assertIn("#define relay_store_%s sqlite_store_%s" %
			    (n, n), rename, n)
			self.assertRegex(pg, r"\npg_store_%s\(" % n, n)


if __name__ == "__main__":
	unittest.main(verbosity=2)
