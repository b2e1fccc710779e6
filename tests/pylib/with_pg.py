"""Runs a command with TTYDESK_TEST_PG_URI naming a fresh database in a
throwaway PostgreSQL cluster (pgcluster.py), for C tests of the
PostgreSQL half of the relay.

    python3 with_pg.py ./test_relay_store

Exits 77 (CTest's SKIP_RETURN_CODE) with a message when the PostgreSQL
server binaries are not installed; otherwise with the command's status.
"""

import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pgcluster  # noqa: E402


def main():
	if len(sys.argv) < 2:
		sys.stderr.write("usage: with_pg.py COMMAND [ARG...]\n")
		return 2
	if not pgcluster.available():
		print("SKIP: PostgreSQL server binaries (initdb, pg_ctl) not found: "
		    "install the Debian package 'postgresql' (scripts/install-deps)")
		return 77
	cluster = pgcluster.Cluster().start()
	try:
		env = dict(os.environ, TTYDESK_TEST_PG_URI=cluster.new_database())
		return subprocess.run(sys.argv[1:], env=env).returncode
	finally:
		cluster.stop()


if __name__ == "__main__":
	sys.exit(main())
