#!/usr/bin/env python3
"""The Debian package: cpack builds a .deb from an optimised build, and what
is inside runs and is complete (programs, man pages, themes).

The package is built in a Release dir of its own under the test build dir
(kept between runs, so only the first run compiles everything), or in
TTYDESK_PACKAGE_BUILD_DIR when set.  The .deb is unpacked with dpkg -x into
a temporary root; nothing is installed on the machine.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

SOURCE = os.environ.get("TTYDESK_SOURCE_DIR") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("TTYDESK_BUILD_DIR") or os.path.join(SOURCE,
    "build", "test")
PKG_BUILD = os.environ.get("TTYDESK_PACKAGE_BUILD_DIR") or os.path.join(
    BUILD, "package-release")

RUNTIME_DEPS = ("libncursesw6", "libcurl4", "libjansson4", "libsodium23",
    "libmicrohttpd12", "libsqlite3-0")
MAN_PAGES = ("man1/ttydesk.1", "man5/ttydesk.conf.5",
    "man8/ttydesk-relay.8")


def project_version():
	with open(os.path.join(SOURCE, "CMakeLists.txt")) as fp:
		m = re.search(r"project\(ttydesk VERSION ([0-9.]+)", fp.read())
	return m.group(1)


def run(cmd, **kw):
	"""Run cmd; on failure the assertion shows its output."""
	p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
	    text=True, **kw)
	if p.returncode != 0:
		raise AssertionError("%s failed (%d):\n%s" % (" ".join(cmd),
		    p.returncode, p.stdout[-4000:]))
	return p.stdout


class Package(unittest.TestCase):
	deb = None
	root = None

	@classmethod
	def setUpClass(cls):
		env = dict(os.environ)
		# The sanitizer options of the test run mean nothing to a
		# Release build; keep them away from cmake's own try-runs.
		for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
			env.pop(k, None)
		run(["cmake", "-S", SOURCE, "-B", PKG_BUILD,
		    "-DCMAKE_BUILD_TYPE=Release", "-DTTYDESK_TESTS=OFF",
		    "-DTTYDESK_SANITIZE=OFF", "-DCMAKE_INSTALL_PREFIX=/usr"],
		    env=env)
		run(["cmake", "--build", PKG_BUILD, "-j2", "--target",
		    "ttydesk", "ttydesk-relay"], env=env)
		out = os.path.join(PKG_BUILD, "packages")
		shutil.rmtree(out, ignore_errors=True)
		run(["cpack", "-G", "DEB", "-B", out, "--config",
		    os.path.join(PKG_BUILD, "CPackConfig.cmake")], cwd=PKG_BUILD,
		    env=env)
		debs = [f for f in os.listdir(out) if f.endswith(".deb")]
		if len(debs) != 1:
			raise AssertionError("expected one .deb in %s, found %r"
			    % (out, debs))
		cls.deb = os.path.join(out, debs[0])
		cls.tmp = tempfile.mkdtemp(prefix="ttydesk-pkg-")
		cls.root = os.path.join(cls.tmp, "root")
		run(["dpkg-deb", "-x", cls.deb, cls.root])

	@classmethod
	def tearDownClass(cls):
		if cls.root:
			shutil.rmtree(cls.tmp, ignore_errors=True)

	def field(self, name):
		return run(["dpkg-deb", "-f", self.deb, name]).strip()

	def test_control_fields(self):
		self.assertEqual(self.field("Package"), "ttydesk")
		self.assertEqual(self.field("Version"), project_version())
		depends = self.field("Depends")
		names = {d.strip().split()[0] for alt in depends.split(",")
		    for d in alt.split("|") if d.strip()}
		for dep in RUNTIME_DEPS:
			self.assertIn(dep, names, "Depends: " + depends)
		# A sanitizer or debug runtime must never leak into the package.
		self.assertNotRegex(depends, r"libasan|libubsan")

	def program(self, name):
		path = os.path.join(self.root, "usr", "bin", name)
		self.assertTrue(os.access(path, os.X_OK), path + " missing")
		return path

	def test_programs_run_from_the_package(self):
		for name in ("ttydesk", "ttydesk-relay"):
			out = run([self.program(name), "--version"]).strip()
			self.assertEqual(out, "%s %s" % (name, project_version()))
			helptext = run([self.program(name), "--help"])
			self.assertIn("usage: " + name, helptext)

	def test_man_pages(self):
		mandir = os.path.join(self.root, "usr", "share", "man")
		for page in MAN_PAGES:
			path = os.path.join(mandir, page)
			self.assertTrue(os.path.isfile(path), path + " missing")
			with open(path, encoding="utf-8") as fp:
				text = fp.read()
			name, section = os.path.basename(page).rsplit(".", 1)
			self.assertRegex(text, r'(?m)^\.TH "?%s"? "?%s"?' % (
			    re.escape(name.upper()), section))
			self.assertIn(".SH NAME", text)
			if shutil.which("groff"):
				# -ww: every warning; a broken macro shows here.
				p = subprocess.run(["groff", "-t", "-man", "-ww", "-z",
				    "-Tutf8", path], stderr=subprocess.PIPE,
				    text=True)
				self.assertEqual(p.stderr, "", page)

	def test_themes(self):
		want = sorted(f for f in os.listdir(os.path.join(SOURCE,
		    "themes")) if not f.startswith("."))
		self.assertTrue(want, "the source tree has no themes")
		got_dir = os.path.join(self.root, "usr", "share", "ttydesk",
		    "themes")
		self.assertTrue(os.path.isdir(got_dir), got_dir + " missing")
		self.assertEqual(sorted(os.listdir(got_dir)), want)
		self.assertIn("default", {os.path.splitext(f)[0] for f in want})
		# ttydesk looks for themes in the data folder compiled into it:
		# it must be the one the package puts them in.
		with open(self.program("ttydesk"), "rb") as fp:
			self.assertIn(b"/usr/share/ttydesk", fp.read())

	def test_deployment_docs(self):
		doc = os.path.join(self.root, "usr", "share", "doc", "ttydesk")
		# The guides the installed docs and man pages point at.
		for f in ("deploy.md", "operations.md", "relay.md", "keys.md",
		    "api.md"):
			self.assertTrue(os.path.isfile(os.path.join(doc, f)),
			    f + " missing")
		for f in ("ttydesk-relay.service", "nginx-ttydesk-relay.conf",
		    "relay.conf", "ttydesk.conf", "prometheus.yml",
		    "ttydesk-relay-alerts.yml"):
			self.assertTrue(os.path.isfile(os.path.join(doc,
			    "examples", f)), f + " missing")

	def test_cmake_install_matches_the_package(self):
		dest = os.path.join(self.tmp, "destdir")
		env = dict(os.environ, DESTDIR=dest)
		run(["cmake", "--install", PKG_BUILD], env=env)
		def files(root):
			out = set()
			for d, _, fs in os.walk(root):
				out |= {os.path.relpath(os.path.join(d, f), root)
				    for f in fs}
			return out
		self.assertEqual(files(dest), files(self.root))
		self.assertIn(os.path.join("usr", "share", "ttydesk", "themes",
		    "default.theme"), files(dest))

	def test_nothing_outside_usr(self):
		for entry in os.listdir(self.root):
			self.assertEqual(entry, "usr")


if __name__ == "__main__":
	unittest.main(verbosity=2)
