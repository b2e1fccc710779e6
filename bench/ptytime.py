"""How long a full-screen program takes to draw its first screen: run it on
a bare pty (no tmux, no terminal emulator) and take the time from fork to
the last byte it writes before it goes quiet, and the CPU time it had used
by then (a figure a busy machine does not inflate).  Used by window_tui.py
for ttydesk and neomutt alike, so both are measured the same way."""

import fcntl
import os
import pty
import select
import struct
import termios
import time


def proc_cpu(pid):
	"""CPU seconds (user + system) process pid has used so far."""
	with open("/proc/%d/stat" % pid) as fp:
		f = fp.read().rsplit(")", 1)[1].split()
	return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")


def quiet_time(argv, env=None, quit_keys=b"q", quiet=0.6, rows=50,
    cols=160, until=None):
	"""(seconds, cpu seconds) to the last byte before `quiet` seconds of
	silence, or None when the program wrote nothing within a minute.
	With until (bytes), the time is when those bytes are first written
	instead: for a program that goes quiet while it still works."""
	t0 = time.monotonic()
	pid, fd = pty.fork()
	if pid == 0:
		os.environ.update(TERM="xterm-256color", LANG="C.UTF-8",
		    LC_ALL="C.UTF-8")
		os.environ.update(env or {})
		os.execv(argv[0], argv)
	fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols,
	    0, 0))
	last, cpu, seen = None, None, b""
	while time.monotonic() - t0 < 60:
		r, _, _ = select.select([fd], [], [], quiet)
		if not r:
			if last is not None and until is None:
				cpu = proc_cpu(pid)
				break
			continue
		try:
			chunk = os.read(fd, 65536)
		except OSError:
			break
		last = time.monotonic() - t0
		if until is not None:
			seen = (seen + chunk)[-65536:]
			if until in seen:
				cpu = proc_cpu(pid)
				break
	os.write(fd, quit_keys)
	deadline = time.monotonic() + 30
	while time.monotonic() < deadline:
		if os.waitpid(pid, os.WNOHANG)[0] == pid:
			break
		try:
			if select.select([fd], [], [], 0.2)[0]:
				os.read(fd, 65536)
		except OSError:
			pass
	else:
		os.kill(pid, 9)
		os.waitpid(pid, 0)
	os.close(fd)
	return None if last is None or cpu is None else (last, cpu)


def best_quiet_time(argv, runs=3, **kw):
	"""The fastest of runs quiet_time() measurements (None: none drew)."""
	best = None
	for _ in range(runs):
		r = quiet_time(argv, **kw)
		if r is not None and (best is None or r[0] < best[0]):
			best = r
	return best
