"""End to end: the relay is restored from a backup under a running ttydesk.

The relay's log gets a new log_id and loses what came after the backup;
ttydesk notices by itself (no --forget), says so on the status line, drops
what it synced from the old log (the conversation that only the old log
had disappears), keeps its unsent outbox and drafts, and the queued reply
and the draft both reach the Graph API once.
"""

import os
import shutil
import sys
import time
import unittest

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, _HERE)
sys.path.insert(0, os.path.join(_HERE, "..", "pylib"))

import harness  # noqa: E402
import pgcluster  # noqa: E402
from tui_tmux import TuiWorldCase  # noqa: E402


@unittest.skipIf(pgcluster.wanted(), "ttydesk-relay backup is SQLite's")
class TuiRestore(TuiWorldCase):
	def writes(self, t, name, text):
		self.customer_writes(name, text)
		t.wait_for(name)

	def open_conv(self, t, name, mark="[open"):
		super().open_conv(t, name, mark)

	def queue_reply(self, t, name, text):
		"""With the relay down: a reply to name waits in the outbox."""
		self.open_conv(t, name)
		t.keys("r")
		t.wait_for("C-s send")
		t.literal(text)
		t.keys("C-s")
		t.wait_for("reply · queued")
		t.keys("Escape")

	def restore(self, t, copy, queued):
		"""The relay's database replaced by copy (as docs/operations.md
		says); ttydesk notices and the queued reply goes out."""
		relay = self.world.relay
		os.replace(copy, relay.db)
		for ext in ("-wal", "-shm"):
			if os.path.exists(relay.db + ext):
				os.remove(relay.db + ext)
		relay.start()
		self.fake.set_relay_url(relay.url)
		t.wait_for("restored from a backup", timeout=40)
		harness.wait_until(lambda: self.accepted(queued), timeout=30,
		    what="delivery")

	def test_restore_under_a_running_ttydesk(self):
		relay = self.world.relay
		t = self.online_session()
		self.writes(t, "Rosa Restore", "before the backup")
		self.writes(t, "Dora Draft", "me too")
		copy = os.path.join(relay.dir, "backup.db")
		p = relay.run_cli("backup", "--config", relay.config_path, copy)
		self.assertEqual(p.returncode, 0, p.stderr)
		self.writes(t, "Lost Lou", "after the backup")

		# A draft, then a reply queued while the relay is down.
		self.open_conv(t, "Dora Draft")
		t.keys("r")
		t.wait_for("C-s send")
		t.literal("draft across the restore")
		t.keys("Escape")
		t.wait_for("draft kept")
		t.keys("Escape")
		relay.stop()
		self.queue_reply(t, "Rosa Restore", "queued across the restore")
		self.restore(t, copy, "queued across the restore")
		# What only the old log had is gone from the list.
		self.open_conv(t, "Rosa Restore")
		t.wait_for(lambda s: "Lost Lou" not in s, what="Lou forgotten")
		t.wait_for(lambda s: "◷" not in s, what="pending line gone")
		t.keys("Escape")

		# The draft is still there, and goes out.
		self.open_conv(t, "Dora Draft")
		t.keys("r")
		t.wait_for("draft across the restore")
		t.keys("C-s")
		harness.wait_until(lambda: self.accepted(
		    "draft across the restore"), timeout=30, what="draft sent")
		time.sleep(1.5)
		self.assertEqual(len(self.accepted("queued across the restore")), 1)
		self.assertEqual(len(self.accepted("draft across the restore")), 1)
		# Restarting finds the new log_id in the cache: no second reset.
		t.keys("Escape")
		self.quit(t)
		t.tmux("kill-server", check=False)
		t.start()
		t.wait_for("online")
		time.sleep(1.5)
		self.assertNotIn("restored from a backup", t.screen())
		self.assertNotIn("Lost Lou", t.screen())
		self.quit(t)

	def test_hand_copy_with_the_same_log_id(self):
		"""A database copied by hand keeps its log_id: ttydesk tells the
		restore from the relay's head below the position it synced to,
		resyncs by itself and keeps its queued reply."""
		relay = self.world.relay
		t = self.online_session()
		self.writes(t, "Hana Hand", "before the copy")
		relay.stop()
		copy = os.path.join(relay.dir, "hand.db")
		shutil.copyfile(relay.db, copy)
		relay.start()
		self.fake.set_relay_url(relay.url)
		t.wait_for("online", timeout=30)
		for i in range(3):
			self.writes(t, "Gone Gus%d" % i, "after the copy")
		relay.stop()
		self.queue_reply(t, "Hana Hand", "queued across the hand copy")
		self.restore(t, copy, "queued across the hand copy")
		t.keys("Escape")
		t.wait_for(lambda s: "Gone Gus" not in s, what="Gus forgotten")
		self.assertIn("Hana Hand", t.screen())
		time.sleep(1.0)
		self.assertEqual(len(self.accepted("queued across the hand copy")),
		    1)
		self.quit(t)


if __name__ == "__main__":
	unittest.main()
