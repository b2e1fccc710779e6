#!/usr/bin/env python3
"""The man pages: they render without a warning, name what they document,
follow the programs (every option of --help is documented, the KEYS table
of ttydesk(1) is the TUI's keymap as docs/keys.md has it), and point at
each other."""

import os
import re
import shutil
import subprocess
import sys
import unittest

SOURCE = os.environ.get("TTYDESK_SOURCE_DIR") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("TTYDESK_BUILD_DIR") or os.path.join(SOURCE, "build",
    "test")
MAN = os.path.join(SOURCE, "docs", "man")
PAGES = {"ttydesk.1": "ttydesk", "ttydesk.conf.5": "ttydesk.conf",
    "ttydesk-relay.8": "ttydesk-relay"}


def read(page):
	with open(os.path.join(MAN, page), encoding="utf-8") as fp:
		return fp.read()


def render(page):
	"""The page as man shows it (plain text), and groff's warnings."""
	p = subprocess.run(["groff", "-t", "-man", "-ww", "-Tutf8", "-P", "-cbou",
	    os.path.join(MAN, page)], stdout=subprocess.PIPE,
	    stderr=subprocess.PIPE, text=True)
	return p.stdout, p.stderr


class ManPages(unittest.TestCase):
	def test_every_page_renders_cleanly(self):
		if not shutil.which("groff"):
			self.skipTest("groff is not installed")
		for page, name in PAGES.items():
			text, warnings = render(page)
			self.assertEqual(warnings, "", page)
			self.assertIn("NAME", text)
			self.assertRegex(text, r"(?m)^\s+%s \S+ " % re.escape(name))
			self.assertIn("SEE ALSO", text)

	def test_pages_point_at_each_other(self):
		for page in PAGES:
			text = read(page)
			see = text[text.index(".SH SEE ALSO"):]
			for other, name in PAGES.items():
				if other == page:
					continue
				section = other.rsplit(".", 1)[1]
				self.assertIn(".BR %s (%s)" % (name, section), see,
				    "%s does not refer to %s" % (page, other))

	def test_comment_rule_is_the_parser_s(self):
		# src/core/ini.c: '#' and ';' start a comment at the start of a
		# line, and after a value only with white space before them.
		for page in ("ttydesk.conf.5", "ttydesk-relay.8"):
			text = " ".join(read(page).replace(".B ", "").split())
			self.assertIn("A line starting with # or ; is a comment; "
			    "after a value, # or ; starts a comment only when a "
			    "space or tab comes before it", text, page)
			self.assertRegex(text, r"Your order #\{1\}.{0,40} gives "
			    r".{0,8}Your order", page)

	def test_relay_page_says_what_the_relay_does(self):
		text = " ".join(read("ttydesk-relay.8").split())
		# ttydesk notices a restore by itself (relaylog.c).
		self.assertNotIn("does not act on it", text)
		# SIGHUP re-reads numbers too (config_reload).
		sig = text[text.index(".SH SIGNALS"):text.index(".SH AGENTS")]
		self.assertIn("[number]", sig)
		with open(os.path.join(SOURCE, "docs", "relay.md"),
		    encoding="utf-8") as fp:
			md = " ".join(fp.read().split())
		self.assertIn("numbers and the secrets", md)
		self.assertNotIn("limits, numbers) need a restart", md)

	def test_docs_name_only_files_of_the_repository(self):
		"""Every NAME.md and every repo path (docs/..., tests/...,
		examples/...) the docs, pages and examples name exists."""
		import glob
		mds = {os.path.basename(f) for f in glob.glob(os.path.join(SOURCE,
		    "**", "*.md"), recursive=True) if "/build/" not in f}
		files = glob.glob(os.path.join(SOURCE, "docs", "*.md")) + \
		    glob.glob(os.path.join(MAN, "*")) + glob.glob(os.path.join(
		    SOURCE, "docs", "examples", "*")) + [os.path.join(SOURCE,
		    "README.md")]
		bad = []
		for f in files:
			with open(f, encoding="utf-8") as fp:
				text = fp.read()
			for m in re.findall(r"\b[A-Za-z0-9_-]+\.md\b", text):
				if m not in mds:
					bad.append((f, m))
			for m in re.findall(r"(?<![\w/.~-])((?:docs|tests|src|scripts|"
			    r"bench|themes|cmake|include|examples)/[\w./*-]*\w)", text):
				path = "docs/" + m if m.startswith("examples/") else m
				if not glob.glob(os.path.join(SOURCE, path)):
					bad.append((f, m))
		self.assertEqual(bad, [])

	def test_keys_table_is_the_keymap(self):
		# Every action of the keymap (docs/keys.md, generated from the
		# TUI's table) is in the page with the same default keys; the
		# descriptions may lag.  docs/man/keys-table --update fixes it.
		with open(os.path.join(SOURCE, "docs", "keys.md")) as fp:
			rows = re.findall(r"^\| `(\w+)` \| (.*?) \|", fp.read(), re.M)
		self.assertGreater(len(rows), 20)
		page = read("ttydesk.1").replace("\\-", "-").replace("\\e", "\\")
		for action, keys in rows:
			want = "%s@%s@" % (action, keys.replace("`", ""))
			self.assertTrue(want in page, "ttydesk.1 lacks '%s'; run "
			    "docs/man/keys-table --update" % want)

	def test_options_of_help_are_documented(self):
		for prog, page in (("ttydesk", "ttydesk.1"),
		    ("ttydesk-relay", "ttydesk-relay.8")):
			exe = os.path.join(BUILD, prog)
			if not os.access(exe, os.X_OK):
				self.fail(exe + " is not built")
			out = subprocess.run([exe, "--help"], stdout=subprocess.PIPE,
			    text=True).stdout
			text = read(page).replace("\\-", "-")
			opts = set(re.findall(r"--[a-z][a-z-]+", out))
			words = set(re.findall(r"^\s+%s ([a-z][a-z-]+)" %
			    re.escape(prog), out, re.M))
			self.assertTrue(opts, out)
			for o in sorted(opts | words):
				self.assertTrue(o in text, "%s: %s is not in %s" % (
				    prog, o, page))


if __name__ == "__main__":
	unittest.main(verbosity=2)
