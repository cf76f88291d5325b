"""A thin adapter over pysiaalarm's threaded TCP/UDP servers that acknowledges a frame only
after it is stored.

pysiaalarm parses, checks CRC, account, key and timestamp, and builds the ACK/NAK/DUH reply;
its stock handler sends that reply *before* calling the user function. DC-09 panels retry a
frame until it is acknowledged, so we reorder the two steps: store, then ACK — or NAK when the
store failed, so the panel sends it again. Everything else is the library's.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from socketserver import BaseRequestHandler, BaseServer, ThreadingTCPServer, ThreadingUDPServer
from typing import Any, ClassVar

from django.db import connections
from pysiaalarm.account import SIAAccount
from pysiaalarm.base_server import BaseSIAServer
from pysiaalarm.event import NAKEvent, SIAEvent
from pysiaalarm.sync.handler import SIATCPHandler, SIAUDPHandler
from pysiaalarm.utils.counter import Counter
from pysiaalarm.utils.enums import ResponseType
from pysiaalarm.utils.regexes import MAIN_MATCHER

log = logging.getLogger("vigil.sia")

# (frame bytes, parsed event) -> True once stored.
Store = Callable[[bytes, SIAEvent], bool]
# (kind of refusal, detail without secrets) -> None, for the diagnostics counters.
Refused = Callable[[str, str], None]


def _frames(raw: bytes) -> list[bytes]:
    """Split received bytes into frames (LF … CR), as pysiaalarm's own handler does."""
    frames = []
    while raw:
        end = raw.find(b"\r")
        if end == -1:
            frames.append(raw)
            break
        frames.append(raw[1:end])
        raw = raw[end + 1 :]
    return frames


def nak_reason(frame: bytes, accounts: dict[str, SIAAccount]) -> tuple[str, str]:
    """Why pysiaalarm refused a frame it could not parse: (counter name, detail).

    The library answers NAK without saying why; the diagnostics page needs to tell a panel that
    is not configured here from one whose AES key differs from ours.
    """
    match = MAIN_MATCHER.match(frame.decode("ascii", "ignore").strip())
    if match is None:
        return "bad_format", "not a SIA DC-09 frame"
    account = (match["account"] or "").upper()
    known = accounts.get(account)
    if known is None:
        return "unknown_account", f"account {account or '(none)'} is not configured"
    if match["encrypted_flag"]:
        if known.encrypted:
            return "bad_key", f"account {account}: the frame does not decrypt with its key"
        return "bad_key", f"account {account} is encrypted by the panel but has no key here"
    return "bad_format", f"account {account}: the content does not parse"


class _StoreThenAck:
    server: Any

    def handle_raw_line(self, raw: bytes) -> None:
        for frame in _frames(bytes(raw)):
            try:
                event = self.server.parse_and_check_event(frame)
            except ValueError:  # e.g. encrypted content that is not hexadecimal
                self.server.refused(*nak_reason(frame, self.server.accounts))
                self.respond(NAKEvent())  # type: ignore[attr-defined]
                continue
            if event is None:
                continue
            if (
                isinstance(event, SIAEvent)
                and event.sia_account is not None
                and event.sia_account.encrypted
                and not event.encrypted
            ):
                # An account with a key accepts only encrypted frames: a clear one could come
                # from anyone who knows the account number.
                self.server.refused("unencrypted", f"account {event.account} sent clear text")
                self.respond(NAKEvent())  # type: ignore[attr-defined]
                continue
            if isinstance(event, SIAEvent) and event.response == ResponseType.ACK:
                if not self.server.store(frame, event):
                    self.respond(NAKEvent())  # type: ignore[attr-defined]
                    continue
            elif event.response is None:  # CRC or length wrong: NAK so the panel resends
                self.server.refused("crc", "")
                self.respond(NAKEvent())  # type: ignore[attr-defined]
                continue
            elif isinstance(event, NAKEvent) or (
                event.response == ResponseType.NAK and event.sia_account is None
            ):
                self.server.refused(*nak_reason(frame, self.server.accounts))
            elif event.response == ResponseType.NAK:
                self.server.refused("timestamp", f"account {event.account}: time out of band")
            elif event.response == ResponseType.DUH:
                self.server.refused("duh", f"account {event.account}: code {event.code}")
            self.respond(event)  # type: ignore[attr-defined]

    def finish(self) -> None:
        # Each panel connection is served by its own thread: its database connection ends
        # with it instead of lingering until the process exits.
        connections.close_all()


class _TCPHandler(_StoreThenAck, SIATCPHandler):
    pass


class _UDPHandler(_StoreThenAck, SIAUDPHandler):
    pass


class _Receiver(BaseSIAServer):
    """What the TCP and UDP receivers share: the accounts, the store and refusal callbacks."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # panels reconnect together after a network outage
    transport: ClassVar[type[BaseServer]]
    handler: ClassVar[type[BaseRequestHandler]]

    def __init__(
        self,
        address: tuple[str, int],
        accounts: dict[str, SIAAccount],
        store: Store,
        refused: Refused,
    ) -> None:
        self.transport.__init__(self, address, self.handler)  # type: ignore[type-var]
        BaseSIAServer.__init__(self, accounts, Counter(), func=lambda event: None)
        self.store = store
        self.refused = refused


class TCPReceiver(_Receiver, ThreadingTCPServer):
    transport = ThreadingTCPServer
    handler = _TCPHandler


class UDPReceiver(_Receiver, ThreadingUDPServer):
    transport = ThreadingUDPServer
    handler = _UDPHandler
