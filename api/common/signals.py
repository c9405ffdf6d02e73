"""Signals one domain sends and others subscribe to, so the sender need not import the receivers.

Receivers run synchronously, in the sender's transaction: a failing receiver rolls the change back.
"""
from blinker import Namespace

_signals = Namespace()

# Sent by deputies when seats end (status set to ended, by hand or by a roster import), with
# `deputy_ids` (list of int) and `reason` (str). auth ends those deputies' sessions (issue 8, item 1).
deputy_seats_ended = _signals.signal("deputy-seats-ended")
