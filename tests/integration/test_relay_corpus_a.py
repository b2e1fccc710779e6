#!/usr/bin/env python3
"""Every corpus webhook of business number 1122334455667 (the largest
group, mostly pywa's, with many repeated placeholder wamids), posted raw
and signed to a relay for that number: each message becomes exactly one
message event.  The other numbers are in test_relay_corpus_b.py."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
    "..", "pylib"))
import harness  # noqa: E402,F401  (sets sys.path for the fake)
import corpus  # noqa: E402

GROUP = "1122334455667"


class CorpusA(unittest.TestCase):

	def test_corpus_group(self):
		files = corpus.load(lambda f: f.pnid == GROUP)
		self.assertGreater(len(files), 20)
		gens = corpus.generations(files)
		for pnid, members in gens:
			with self.subTest(files=[f.name for f in members]):
				corpus.check_generation(self, pnid, members)
		sys.stderr.write("%d files in %d relay runs\n" % (len(files),
		    len(gens)))


if __name__ == "__main__":
	unittest.main(verbosity=2)
