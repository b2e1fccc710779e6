"""A throwaway PostgreSQL cluster for tests (initdb in a temp folder, one
postmaster on a free 127.0.0.1 port, trust auth, fsync off).

    pg = PgCluster.start_or_skip(testcase)   # skips when PostgreSQL is absent
    uri = pg.create_db("ttydesk")            # postgresql://postgres@127.0.0.1:P/ttydesk
    pg.stop()

As root the server runs as the `postgres` user (initdb refuses root).
"""

import atexit
import glob
import os
import shutil
import signal
import subprocess
import tempfile
import time

import relayproc

_LIVE = set()


def _cleanup():
	for p in list(_LIVE):
		try:
			p.send_signal(signal.SIGQUIT)
			p.wait(10)
		except (OSError, subprocess.TimeoutExpired):
			p.kill()


atexit.register(_cleanup)


def _find(name):
	for d in [os.environ.get("TTYDESK_PG_BIN", "")] + sorted(glob.glob(
	    "/usr/lib/postgresql/*/bin"), reverse=True) + ["/usr/local/bin",
	    "/usr/bin"]:
		if d and os.access(os.path.join(d, name), os.X_OK):
			return os.path.join(d, name)
	return shutil.which(name)


class PgCluster:
	def __init__(self):
		self.initdb = _find("initdb")
		self.postgres = _find("postgres")
		self.psql = _find("psql")
		self.dir = None
		self.proc = None
		self.port = None

	def available(self):
		if not (self.initdb and self.postgres and self.psql):
			return False
		if os.geteuid() == 0:
			try:
				import pwd
				pwd.getpwnam("postgres")
			except KeyError:
				return False
		return True

	def _as_pg(self, argv):
		# setpriv execs (no fork), so signals reach postgres itself.
		if os.geteuid() == 0:
			import pwd
			pw = pwd.getpwnam("postgres")
			return ["setpriv", "--reuid=%d" % pw.pw_uid, "--regid=%d" %
			    pw.pw_gid, "--clear-groups", "--"] + argv
		return argv

	@classmethod
	def start_or_skip(cls, tc):
		pg = cls()
		if not pg.available():
			tc.skipTest("PostgreSQL (initdb, postgres, psql) not found")
		pg.start()
		return pg

	def start(self, timeout=60):
		self.dir = tempfile.mkdtemp(prefix="ttydesk-pg-")
		os.chmod(self.dir, 0o755)
		data = os.path.join(self.dir, "data")
		if os.geteuid() == 0:
			import pwd
			pw = pwd.getpwnam("postgres")
			os.chown(self.dir, pw.pw_uid, pw.pw_gid)
		p = subprocess.run(self._as_pg([self.initdb, "-D", data, "-U",
		    "postgres", "--auth=trust", "-E", "UTF8", "--no-sync",
		    "--locale=C"]), capture_output=True, text=True, timeout=120,
		    cwd=self.dir)
		if p.returncode != 0:
			raise RuntimeError("initdb failed: " + p.stderr[-2000:])
		self.port = relayproc.free_port()
		self.log = open(os.path.join(self.dir, "pg.log"), "wb")
		self.proc = subprocess.Popen(self._as_pg([self.postgres, "-D", data,
		    "-p", str(self.port), "-k", self.dir, "-c",
		    "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c",
		    "max_connections=200"]), stdout=self.log, stderr=self.log,
		    cwd=self.dir)
		_LIVE.add(self.proc)
		deadline = time.monotonic() + timeout
		while time.monotonic() < deadline:
			if self.proc.poll() is not None:
				raise RuntimeError("postgres exited: " + self.log_tail())
			if self.sql("select 1", check=False).returncode == 0:
				return self
			time.sleep(0.1)
		raise RuntimeError("postgres did not start: " + self.log_tail())

	def log_tail(self):
		try:
			with open(os.path.join(self.dir, "pg.log"), "rb") as fp:
				return fp.read()[-3000:].decode("utf-8", "replace")
		except OSError:
			return ""

	def sql(self, query, db="postgres", check=True):
		p = subprocess.run([self.psql, "-h", "127.0.0.1", "-p",
		    str(self.port), "-U", "postgres", "-d", db, "-v",
		    "ON_ERROR_STOP=1", "-Atc", query], capture_output=True,
		    text=True, timeout=60)
		if check and p.returncode != 0:
			raise RuntimeError("psql: " + p.stderr)
		return p

	def create_db(self, name):
		self.sql('create database "%s"' % name)
		return self.uri(name)

	def uri(self, name):
		return "postgresql://postgres@127.0.0.1:%d/%s" % (self.port, name)

	def stop(self):
		if self.proc is not None:
			if self.proc.poll() is None:
				self.proc.send_signal(signal.SIGINT)   # fast shutdown
				try:
					self.proc.wait(30)
				except subprocess.TimeoutExpired:
					self.proc.kill()
					self.proc.wait(10)
			_LIVE.discard(self.proc)
			self.proc = None
			self.log.close()
		if self.dir:
			shutil.rmtree(self.dir, ignore_errors=True)
			self.dir = None
