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
from socketserver import ThreadingTCPServer, ThreadingUDPServer
from typing import Any

from django.db import connections
from pysiaalarm.account import SIAAccount
from pysiaalarm.base_server import BaseSIAServer
from pysiaalarm.event import NAKEvent, SIAEvent
from pysiaalarm.sync.handler import SIATCPHandler, SIAUDPHandler
from pysiaalarm.utils.counter import Counter
from pysiaalarm.utils.enums import ResponseType

log = logging.getLogger("vigil.sia")

# (frame bytes, parsed event) -> True once stored.
Store = Callable[[bytes, SIAEvent], bool]
# (kind of refusal) -> None, for the diagnostics counters.
Refused = Callable[[str], None]


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


class _StoreThenAck:
    server: Any

    def handle_raw_line(self, raw: bytes) -> None:
        for frame in _frames(bytes(raw)):
            event = self.server.parse_and_check_event(frame)
            if event is None:
                continue
            if isinstance(event, SIAEvent) and event.response == ResponseType.ACK:
                if not self.server.store(frame, event):
                    self.respond(NAKEvent())  # type: ignore[attr-defined]
                    continue
            elif event.response is None:  # CRC or length wrong: NAK so the panel resends
                self.server.refused("crc")
                self.respond(NAKEvent())  # type: ignore[attr-defined]
                continue
            elif isinstance(event, NAKEvent) or event.response == ResponseType.NAK:
                self.server.refused("nak")
            elif event.response == ResponseType.DUH:
                self.server.refused("duh")
            self.respond(event)  # type: ignore[attr-defined]

    def finish(self) -> None:
        # Each panel connection is served by its own thread: its database connection ends
        # with it instead of lingering until the process exits.
        connections.close_all()


class _TCPHandler(_StoreThenAck, SIATCPHandler):
    pass


class _UDPHandler(_StoreThenAck, SIAUDPHandler):
    pass


class _Server(BaseSIAServer):
    def __init__(self, accounts: dict[str, SIAAccount], store: Store, refused: Refused) -> None:
        BaseSIAServer.__init__(self, accounts, Counter(), func=lambda event: None)
        self.store = store
        self.refused = refused


class TCPReceiver(ThreadingTCPServer, _Server):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        address: tuple[str, int],
        accounts: dict[str, SIAAccount],
        store: Store,
        refused: Refused,
    ) -> None:
        ThreadingTCPServer.__init__(self, address, _TCPHandler)
        _Server.__init__(self, accounts, store, refused)


class UDPReceiver(ThreadingUDPServer, _Server):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        address: tuple[str, int],
        accounts: dict[str, SIAAccount],
        store: Store,
        refused: Refused,
    ) -> None:
        ThreadingUDPServer.__init__(self, address, _UDPHandler)
        _Server.__init__(self, accounts, store, refused)
