#!/usr/bin/env python3
"""policy-sim replay's progress line on a real terminal (a pseudo-terminal):
messages printed while the line is drawn start on a clean line, the line is
gone when the command ends, and stdout (not a terminal) carries no escapes.

  tests/tools/progress_line_pty_test.py SOURCE_DIR POLICY_SIM

The terminal is emulated as far as the progress line uses it: printable
characters overwrite at the cursor, CR returns to column 0, LF starts the next
row, ESC [ K erases to the end of the row. Any other escape fails the test, so
a new control sequence in the progress line has to be taught here first.
"""
import gzip
import os
import pathlib
import pty
import subprocess
import sys
import tempfile

source = pathlib.Path(sys.argv[1])
policy_sim = sys.argv[2]

# 8 copies of the fixture export (5000 events each, 5 malformed among them),
# each followed by two more malformed lines: the progress line is first drawn
# after the first part of the stream (ProgressLine draws on its first update),
# so the malformed lines of the later copies are reported while it is drawn.
COPIES = 8
export = gzip.decompress((source / "fixtures/logs/org-export.jsonl.gz").read_bytes())
export_lines = export.splitlines()  # bytes: the export holds invalid UTF-8 on purpose
body = []
for copy in range(COPIES):
    body.extend(export_lines)
    body.append(b'{"eventType": "user.session.start", "broken":')
    body.append(b"not json at all %d" % copy)

with tempfile.TemporaryDirectory() as tmp:
    logs = pathlib.Path(tmp) / "big-export.jsonl"
    logs.write_bytes(b"\n".join(body) + b"\n")
    stdout_path = pathlib.Path(tmp) / "stdout.txt"
    primary, secondary = pty.openpty()
    with open(stdout_path, "wb") as stdout:
        process = subprocess.Popen(
            [policy_sim, "replay", "--snapshot", str(source / "fixtures/org"),
             "--logs", str(logs),
             "--memberships", str(source / "fixtures/logs/org-memberships.json"),
             "--allow-malformed", "1000", "--jobs", "1"],
            stdin=subprocess.DEVNULL, stdout=stdout, stderr=secondary)
    os.close(secondary)
    raw = bytearray()
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # EIO: the child closed its side
            break
        if not chunk:
            break
        raw += chunk
    os.close(primary)
    status = process.wait()
    stdout_text = stdout_path.read_bytes()

failures = []
if status not in (0, 1):
    failures.append("replay exited %d" % status)
text = raw.decode("utf-8", errors="replace")

first_progress = text.find("events/s")
first_error_after = text.find("error:", first_progress) if first_progress >= 0 else -1
if first_progress < 0 or first_error_after < 0:
    failures.append("no message was printed while the progress line was drawn: the test "
                    "input no longer exercises the case (progress at %d)" % first_progress)

# The emulated terminal.
screen = [""]
row, col = 0, 0
i = 0
while i < len(text):
    c = text[i]
    if c == "\r":
        col = 0
    elif c == "\n":
        row += 1
        col = 0
        if row == len(screen):
            screen.append("")
    elif c == "\x1b":
        if text.startswith("\x1b[K", i):
            screen[row] = screen[row][:col]
            i += 3
            continue
        failures.append("unexpected escape sequence %r" % text[i:i + 8])
        break
    else:
        line = screen[row].ljust(col)
        screen[row] = line[:col] + c + line[col + 1:]
        col += 1
    i += 1

error_rows = [line for line in screen if "error:" in line]
# What replay itself counted: "input: read N: ... M malformed" on stdout.
expected_errors = COPIES * 2  # at least the lines added above
for line in stdout_text.decode("utf-8", errors="replace").splitlines():
    if line.startswith("input: read ") and line.endswith(" malformed"):
        expected_errors = int(line.rsplit(" ", 2)[1])
if expected_errors < COPIES * 2:
    failures.append("replay counted %d malformed lines, the input has at least %d"
                    % (expected_errors, COPIES * 2))
for line in error_rows:
    if not line.startswith("error:"):
        failures.append("a message shares its row with the progress line: %r" % line[:160])
        break
if len(error_rows) != expected_errors:
    failures.append("%d error rows on the terminal, %d malformed lines in the input"
                    % (len(error_rows), expected_errors))
leftover = [line for line in screen if "events/s" in line]
if leftover:
    failures.append("the progress line is still on the terminal: %r" % leftover[0][:160])
if b"\x1b" in stdout_text or b"\r" in stdout_text:
    failures.append("stdout (not a terminal) carries terminal control characters")
if b"agree" not in stdout_text:
    failures.append("replay's report is missing from stdout: %r" % stdout_text[:200])

if failures:
    for failure in failures:
        print("FAIL:", failure)
    sys.exit(1)
print("ok: %d messages on clean rows, progress line drawn and cleared" % len(error_rows))
