"""A strict reader of the Prometheus text exposition format 0.0.4, for
tests: what `promtool check metrics` checks that matters here (Debian's
prometheus package, 96 MB installed, is too big to pull in for tests).

parse(text) returns {name: {"type", "help", "samples": [(sample name,
labels dict, value)]}} and raises ValueError naming the line for:
a sample without # HELP and # TYPE before it, a family split in two,
a bad name, label or value, a duplicate sample, a counter not ending in
_total, histogram buckets that are not cumulative, a missing +Inf bucket
or one that differs from _count, a missing _sum.
"""

import math
import re

_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*\Z")
_SAMPLE = re.compile(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?"
    r" ([^ ]+)( -?[0-9]+)?\Z")
_LABEL = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"'
    r"\s*(,|\Z)")
_TYPES = ("counter", "gauge", "histogram", "summary", "untyped")


def _labels(text, lineno):
	out = {}
	body = text[1:-1]
	pos = 0
	while pos < len(body):
		m = _LABEL.match(body, pos)
		if not m:
			raise ValueError("line %d: bad labels %r" % (lineno, text))
		if m.group(1) in out:
			raise ValueError("line %d: label %s twice" % (lineno,
			    m.group(1)))
		out[m.group(1)] = m.group(2)
		pos = m.end()
	return out


def _family_of(sample, families):
	for suffix in ("_bucket", "_sum", "_count", ""):
		if suffix and not sample.endswith(suffix):
			continue
		base = sample[:len(sample) - len(suffix)] if suffix else sample
		f = families.get(base)
		if f is None:
			continue
		if suffix and f["type"] not in ("histogram", "summary"):
			continue
		return base
	return None


def _check_histogram(name, fam):
	groups = {}
	for sname, labels, value in fam["samples"]:
		key = tuple(sorted((k, v) for k, v in labels.items() if k != "le"))
		g = groups.setdefault(key, {"buckets": [], "sum": None,
		    "count": None})
		if sname == name + "_bucket":
			if "le" not in labels:
				raise ValueError("%s: bucket without le" % name)
			g["buckets"].append((float(labels["le"]), value))
		elif sname == name + "_sum":
			g["sum"] = value
		elif sname == name + "_count":
			g["count"] = value
		else:
			raise ValueError("%s: stray sample %s" % (name, sname))
	for key, g in groups.items():
		if g["sum"] is None or g["count"] is None:
			raise ValueError("%s%s: no _sum or _count" % (name, key))
		b = g["buckets"]
		if not b or b[-1][0] != math.inf:
			raise ValueError("%s%s: no +Inf bucket last" % (name, key))
		for (le0, v0), (le1, v1) in zip(b, b[1:]):
			if le1 <= le0:
				raise ValueError("%s: buckets not in order" % name)
			if v1 < v0:
				raise ValueError("%s: buckets not cumulative at le=%s"
				    % (name, le1))
		if b[-1][1] != g["count"]:
			raise ValueError("%s: +Inf bucket %s != _count %s" % (name,
			    b[-1][1], g["count"]))


def parse(text):
	if not text.endswith("\n"):
		raise ValueError("exposition does not end with a newline")
	families = {}
	done = set()
	current = None
	seen = set()
	for lineno, line in enumerate(text.split("\n")[:-1], 1):
		if line == "":
			continue
		if line.startswith("#"):
			parts = line.split(" ", 3)
			if len(parts) >= 3 and parts[1] in ("HELP", "TYPE"):
				name = parts[2]
				if not _NAME.match(name):
					raise ValueError("line %d: bad name" % lineno)
				if name in done and name != current:
					raise ValueError("line %d: %s split in two" %
					    (lineno, name))
				f = families.setdefault(name, {"type": None,
				    "help": None, "samples": []})
				if f["samples"]:
					raise ValueError("line %d: %s %s after its "
					    "samples" % (lineno, parts[1], name))
				key = parts[1].lower()
				if f[key] is not None:
					raise ValueError("line %d: second %s for %s" %
					    (lineno, parts[1], name))
				if len(parts) < 4:
					raise ValueError("line %d: empty %s" % (lineno,
					    parts[1]))
				if key == "type" and parts[3] not in _TYPES:
					raise ValueError("line %d: bad type" % lineno)
				f[key] = parts[3]
				if current is not None and current != name:
					done.add(current)
				current = name
			continue
		m = _SAMPLE.match(line)
		if not m:
			raise ValueError("line %d: not a sample: %r" % (lineno, line))
		sname = m.group(1)
		labels = _labels(m.group(2), lineno) if m.group(2) else {}
		try:
			value = float(m.group(3))
		except ValueError:
			raise ValueError("line %d: bad value" % lineno) from None
		base = _family_of(sname, families)
		if base is None:
			raise ValueError("line %d: %s has no # HELP/# TYPE" %
			    (lineno, sname))
		if base != current:
			raise ValueError("line %d: %s outside its family" %
			    (lineno, sname))
		f = families[base]
		if f["help"] is None or f["type"] is None:
			raise ValueError("line %d: %s lacks # HELP or # TYPE" %
			    (lineno, base))
		key = (sname, tuple(sorted(labels.items())))
		if key in seen:
			raise ValueError("line %d: duplicate sample" % lineno)
		seen.add(key)
		f["samples"].append((sname, labels, value))
	for name, f in families.items():
		if f["type"] is None or f["help"] is None:
			raise ValueError("%s lacks # HELP or # TYPE" % name)
		if f["type"] == "counter" and not name.endswith("_total"):
			raise ValueError("counter %s does not end in _total" % name)
		if f["type"] == "histogram":
			_check_histogram(name, f)
	return families


def value(families, name, **labels):
	"""The value of one sample (0 when absent: a counter not yet seen)."""
	base = _family_of(name, families)
	if base is None:
		raise KeyError(name)
	for sname, l, v in families[base]["samples"]:
		if sname == name and l == labels:
			return v
	return 0.0
