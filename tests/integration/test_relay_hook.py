#!/usr/bin/env python3
"""The escalation hook ([escalation] command): a clean environment, no
descriptor of the relay's (sockets, the database) in it, killed with its
children after [escalation] timeout, at most max_running at once, and run
for bulk escalations as for single ones."""

import json
import os
import re
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
    "..", "pylib"))
from harness import RelayWorld, main, unique_phone  # noqa: E402
from harness import wait_until  # noqa: E402

HOOK = r"""#!/bin/sh
out="$(dirname "$0")/hooks"
n="$(date +%s%N).$$"
p="$(cat)"
start="$(date +%s.%N)"
env > "$out/$n.env"
ls -l /proc/$$/fd/ > "$out/$n.fds" 2>&1
case "$p" in
*'"reason":"hang'*) sleep 60 & echo "$! $$" > "$out/$n.pids"; wait;;
*'"reason":"slow'*) sleep 1;;
esac
printf '%s\n' "$p" > "$out/$n.tmp"
echo "$start $(date +%s.%N)" > "$out/$n.time"
mv "$out/$n.tmp" "$out/$n.json"
"""


class Hook(unittest.TestCase):

	@classmethod
	def setUpClass(cls):
		os.environ["TTYDESK_HOOK_MUST_NOT_SEE"] = "leak"
		cls.world = RelayWorld(relay_kw={"extra_config":
		    "\n[escalation]\ncommand = hook.sh\ntimeout = 2s\n"
		    "max_running = 2\n"})
		cls.relay = cls.world.relay
		cls.out = os.path.join(cls.relay.dir, "hooks")
		os.makedirs(cls.out)
		path = os.path.join(cls.relay.dir, "hook.sh")
		with open(path, "w") as fp:
			fp.write(HOOK)
		os.chmod(path, 0o700)
		cls.alice = cls.world.agent("alice")

	@classmethod
	def tearDownClass(cls):
		del os.environ["TTYDESK_HOOK_MUST_NOT_SEE"]
		cls.world.close()

	def conv(self):
		c = self.world.fake.customer(unique_phone(), None, "H")
		self.assertEqual(self.world.fake.customer_message(c, "text")[1],
		    200)
		evs = self.alice.all_events(0)
		return [e for e in evs if e.get("type") == "message"][-1][
		    "conversation"]

	def runs(self, reason):
		out = []
		for f in sorted(os.listdir(self.out)):
			if f.endswith(".json"):
				with open(os.path.join(self.out, f)) as fp:
					d = json.load(fp)
				if d.get("reason", "").startswith(reason):
					out.append(f[:-5])
		return out

	def read(self, run, ext):
		with open(os.path.join(self.out, run + "." + ext)) as fp:
			return fp.read()

	def test_clean_environment_and_no_descriptors(self):
		conv = self.conv()
		r = self.alice.escalate(conv, "tier2", "clean check")
		self.assertEqual(r.status, 200, r)
		run = wait_until(lambda: self.runs("clean check"), 20,
		    what="the hook")[0]
		env = dict(l.split("=", 1) for l in self.read(run,
		    "env").splitlines() if "=" in l)
		self.assertNotIn("TTYDESK_HOOK_MUST_NOT_SEE", env)
		self.assertNotIn("ASAN_OPTIONS", env)
		self.assertIn("PATH", env)
		# The shell's own: 0 (the pipe), 1 and 2, 10 (the script),
		# 11 and 12 (its copies of 1 and 2 around the redirection).
		fds = self.read(run, "fds")
		self.assertNotIn("socket:", fds)
		self.assertNotIn("relay.db", fds)
		self.assertEqual(len(re.findall(r"pipe:", fds)), 1, fds)
		self.assertRegex(fds, r" 0 -> pipe:")
		numbers = sorted(int(m) for m in re.findall(r" (\d+) -> ", fds))
		self.assertEqual([n for n in numbers if 2 < n < 10], [], fds)

	def test_timeout_kills_the_hook_and_its_children(self):
		conv = self.conv()
		t0 = time.monotonic()
		r = self.alice.escalate(conv, "tier2", "hang forever")
		self.assertEqual(r.status, 200, r)
		wait_until(lambda: "reason=timeout" in self.relay.log_text(), 20,
		    what="the timeout")
		self.assertLess(time.monotonic() - t0, 10)
		pids = [f for f in os.listdir(self.out) if f.endswith(".pids")]
		self.assertEqual(len(pids), 1)
		with open(os.path.join(self.out, pids[0])) as fp:
			child, shell = fp.read().split()
		wait_until(lambda: not os.path.exists("/proc/%s" % child) and
		    not os.path.exists("/proc/%s" % shell), 10,
		    what="the hook's processes to go")

	def test_at_most_max_running_and_bulk_runs_it(self):
		convs = [self.conv() for _ in range(5)]
		r = self.alice.call("POST", "/v1/bulk", {"client_id": "bulk-%d" %
		    time.time_ns(), "conversations": convs, "action": {
		    "escalate": {"team": "tier2", "reason": "slow bulk",
		    "priority": "normal"}}})
		self.assertEqual(r.status, 200, r)
		self.assertTrue(all(x["ok"] for x in r.data["results"]), r.data)
		runs = wait_until(lambda: (lambda x: x if len(x) == 5 else None)(
		    self.runs("slow bulk")), 30, what="5 hook runs")
		got = {json.loads(self.read(x, "json"))["conversation"]
		    for x in runs}
		self.assertEqual(got, set(convs))
		spans = [tuple(map(float, self.read(x, "time").split()))
		    for x in runs]
		for s, _ in spans:
			at_once = sum(1 for a, b in spans if a <= s < b)
			self.assertLessEqual(at_once, 2, spans)


if __name__ == "__main__":
	main()
