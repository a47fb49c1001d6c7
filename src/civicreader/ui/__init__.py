"""The reader: a Textual app over the index. Nothing in here parses a file.

Textual paints at most TEXTUAL_FPS frames a second (60 unless set), read once when Textual is
first imported, which is why it is set here, before any module of this package imports it.
Results that arrive just after a frame wait for the next: at 60 that was 0-17 ms of every
keystroke's latency (issue 5), at 120 it is half. Frames are only painted when something
changed, so an idle app costs nothing more. A TEXTUAL_FPS of the user's own wins.
"""

import os

os.environ.setdefault("TEXTUAL_FPS", "120")
