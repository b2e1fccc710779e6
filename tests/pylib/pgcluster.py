"""A throwaway PostgreSQL cluster for tests and benchmarks.

Debian's postgresql package (scripts/install-deps): initdb and pg_ctl from
/usr/lib/postgresql/<version>/bin create a cluster in a temporary folder
and start it listening on a unix socket in that folder and a free local
port.  PostgreSQL refuses to run as root, so as root (CI) the cluster
belongs to the system user ttydesk-test, created with `useradd --system`
when missing.  Stopped (and the folder removed) at interpreter exit.
Python standard library only.

    cluster = pgcluster.shared()          # one per process, started lazily
    uri = cluster.new_database()          # postgresql://...  (fresh DB)

PgCluster is the other helper, for tests that manage one cluster
themselves (postgres superuser over TCP, skipped without PostgreSQL):

    pg = PgCluster.start_or_skip(testcase)
    uri = pg.create_db("ttydesk")          # postgresql://postgres@127.0.0.1:P/ttydesk
    pg.stop()
"""

import atexit
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time

TEST_USER = "ttydesk-test"
DB_ROLE = "ttydesk"

_SHARED = None


def bin_dir():
	"""Newest /usr/lib/postgresql/*/bin with initdb (env PG_BIN wins)."""
	d = os.environ.get("PG_BIN")
	if d:
		return d
	found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
	    key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit()
	    else 0)
	if not found:
		raise RuntimeError("PostgreSQL server binaries not found: install "
		    "the Debian package 'postgresql' (scripts/install-deps)")
	return os.path.dirname(found[-1])


def available():
	try:
		bin_dir()
		return True
	except RuntimeError:
		return False


def _free_port():
	with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
		s.bind(("127.0.0.1", 0))
		return s.getsockname()[1]


def _ensure_user():
	try:
		return pwd.getpwnam(TEST_USER)
	except KeyError:
		pass
	subprocess.run(["useradd", "--system", "--no-create-home",
	    "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin",
	    TEST_USER], check=True, capture_output=True)
	return pwd.getpwnam(TEST_USER)


class Cluster:
	def __init__(self, durable=False):
		"""durable=False turns fsync off (tests: the relay is what gets
		killed, not PostgreSQL); benchmarks pass True."""
		self.durable = durable
		self.dir = None
		self.port = None
		self.started = False
		self._n = 0
		self._as = []

	def _run(self, args, **kw):
		kw.setdefault("check", True)
		kw.setdefault("capture_output", True)
		kw.setdefault("text", True)
		try:
			return subprocess.run(self._as + args, **kw)
		except subprocess.CalledProcessError as e:
			raise RuntimeError("%s failed (%d):\n%s%s" % (args[0],
			    e.returncode, e.stdout, e.stderr)) from None

	def start(self):
		b = bin_dir()
		self.dir = tempfile.mkdtemp(prefix="ttydesk-pg-")
		if os.geteuid() == 0:
			u = _ensure_user()
			os.chown(self.dir, u.pw_uid, u.pw_gid)
			self._as = ["runuser", "-u", TEST_USER, "--"]
		data = os.path.join(self.dir, "data")
		self._run([os.path.join(b, "initdb"), "-D", data, "-U", DB_ROLE,
		    "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"])
		opts = ["-c", "listen_addresses=127.0.0.1", "-c",
		    "unix_socket_directories=" + self.dir, "-c",
		    "max_connections=200", "-c", "shared_buffers=64MB"]
		if not self.durable:
			opts += ["-c", "fsync=off", "-c", "synchronous_commit=off",
			    "-c", "full_page_writes=off"]
		for _ in range(3):
			self.port = _free_port()
			r = self._run([os.path.join(b, "pg_ctl"), "-D", data, "-w",
			    "-t", "60", "-l", os.path.join(self.dir, "server.log"),
			    "-o", " ".join(["-p", str(self.port)] + ["'%s'" % o
			    if " " in o else o for o in opts]), "start"], check=False)
			if r.returncode == 0:
				self.started = True
				atexit.register(self.stop)
				return self
		raise RuntimeError("pg_ctl start failed:\n%s%s\n%s" % (r.stdout,
		    r.stderr, self.log_tail()))

	def log_tail(self, n=40):
		try:
			with open(os.path.join(self.dir, "server.log")) as fp:
				return "".join(fp.readlines()[-n:])
		except OSError:
			return ""

	def uri(self, dbname="postgres"):
		return "postgresql://%s@/%s?host=%s&port=%d" % (DB_ROLE, dbname,
		    self.dir, self.port)

	def psql(self, sql, dbname="postgres"):
		"""Runs sql (as the cluster's superuser); returns stdout."""
		r = subprocess.run([os.path.join(bin_dir(), "psql"), "-X", "-q",
		    "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", self.uri(dbname),
		    "-c", sql], capture_output=True, text=True)
		if r.returncode != 0:
			raise RuntimeError("psql: %s" % r.stderr.strip())
		return r.stdout

	def new_database(self):
		"""A fresh, empty database; returns its URI."""
		self._n += 1
		name = "relay_%d_%d" % (os.getpid(), self._n)
		self.psql("CREATE DATABASE %s" % name)
		return self.uri(name)

	def stop(self):
		if self.started:
			self.started = False
			self._run([os.path.join(bin_dir(), "pg_ctl"), "-D",
			    os.path.join(self.dir, "data"), "-m", "immediate", "-w",
			    "stop"], check=False)
		if self.dir and os.environ.get("TTYDESK_KEEP_PG_DIR") is None:
			shutil.rmtree(self.dir, ignore_errors=True)
			self.dir = None


def shared():
	"""The process's cluster, started on first use."""
	global _SHARED
	if _SHARED is None:
		_SHARED = Cluster().start()
	return _SHARED


def wanted():
	"""True when the tests run against PostgreSQL (TTYDESK_TEST_DB=pg)."""
	return os.environ.get("TTYDESK_TEST_DB", "").lower() in ("pg",
	    "postgres", "postgresql")


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
		self.port = _free_port()
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


if __name__ == "__main__":
	c = Cluster().start()
	print(c.new_database())
	print(c.psql("SELECT version()").strip())
	c.stop()
