#!/usr/bin/env python3
"""The shipped programs carry the hardening the root CMakeLists asks for:
PIE, full RELRO (BIND_NOW), a non-executable stack, stack protector and
_FORTIFY_SOURCE (the __*_chk variants linked), no text relocations and no
RPATH.  Checked with readelf on an optimised (Release) build of its own,
under the test build dir (kept between runs), or in
TTYDESK_HARDENING_BUILD_DIR; the build under test (often ASan) gets the
checks that do not depend on optimisation.
"""

import os
import re
import subprocess
import unittest

SOURCE = os.environ.get("TTYDESK_SOURCE_DIR") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("TTYDESK_BUILD_DIR") or os.path.join(SOURCE,
    "build", "test")
REL_BUILD = os.environ.get("TTYDESK_HARDENING_BUILD_DIR") or os.path.join(
    BUILD, "hardening-release")
PROGRAMS = ("ttydesk", "ttydesk-relay")


def run(cmd):
	p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
	    text=True)
	if p.returncode != 0:
		raise AssertionError("%s failed (%d):\n%s" % (" ".join(cmd),
		    p.returncode, p.stdout[-4000:]))
	return p.stdout


def release_build():
	run(["cmake", "-S", SOURCE, "-B", REL_BUILD, "-DCMAKE_BUILD_TYPE=Release",
	    "-DTTYDESK_SANITIZE=OFF", "-DTTYDESK_TESTS=OFF"])
	run(["cmake", "--build", REL_BUILD, "-j2", "--target"] + list(PROGRAMS))
	return [os.path.join(REL_BUILD, p) for p in PROGRAMS]


class Elf:
	def __init__(self, path):
		self.path = path
		self.header = run(["readelf", "-hW", path])
		self.dynamic = run(["readelf", "-dW", path])
		self.segments = run(["readelf", "-lW", path])
		self.symbols = run(["readelf", "--dyn-syms", "-W", path])

	def dyn_flags(self):
		flags = set()
		for m in re.finditer(r"\((FLAGS|FLAGS_1)\)\s+(?:Flags:\s*)?(.*)",
		    self.dynamic):
			flags.update(m.group(2).split())
		return flags

	def imports(self):
		return set(re.findall(r"\sUND\s+(\w+)", self.symbols))


def check_common(tc, elf):
	name = os.path.basename(elf.path)
	tc.assertRegex(elf.header, r"Type:\s+DYN", name + " is not PIE")
	flags = elf.dyn_flags()
	tc.assertIn("PIE", flags, name + ": FLAGS_1 lacks PIE")
	tc.assertTrue("BIND_NOW" in flags or "NOW" in flags,
	    name + ": no BIND_NOW (only partial RELRO): " + str(flags))
	tc.assertIn("GNU_RELRO", elf.segments, name + ": no GNU_RELRO segment")
	stack = re.search(r"GNU_STACK(?:\s+\S+){5}\s+(\S+)", elf.segments)
	tc.assertIsNotNone(stack, name + ": no GNU_STACK segment")
	tc.assertNotIn("E", stack.group(1), name + ": executable stack")
	tc.assertNotIn("TEXTREL", elf.dynamic, name + ": text relocations")
	tc.assertNotRegex(elf.dynamic, r"\((RPATH|RUNPATH)\)",
	    name + ": RPATH/RUNPATH set")
	tc.assertIn("__stack_chk_fail", elf.imports(),
	    name + ": no stack protector (__stack_chk_fail not imported)")


class HardeningBuild(unittest.TestCase):
	@classmethod
	def setUpClass(cls):
		cls.release = [Elf(p) for p in release_build()]

	def test_release_pie_relro_now_nx_canary(self):
		for elf in self.release:
			check_common(self, elf)

	def test_release_fortify(self):
		for elf in self.release:
			chk = sorted(s for s in elf.imports()
			    if re.match(r"__\w+_chk$", s) and s != "__stack_chk_fail")
			self.assertTrue(chk, os.path.basename(elf.path) +
			    ": no __*_chk import: _FORTIFY_SOURCE had no effect")

	def test_release_not_debug_asan(self):
		for elf in self.release:
			self.assertFalse(any(s.startswith("__asan") for s in
			    elf.imports()), elf.path + " links ASan in Release")

	def test_build_under_test(self):
		paths = [os.path.join(BUILD, p) for p in PROGRAMS]
		paths = [p for p in paths if os.path.exists(p)]
		if not paths:
			self.skipTest("programs not built in " + BUILD)
		for p in paths:
			check_common(self, Elf(p))


if __name__ == "__main__":
	unittest.main(verbosity=2)
