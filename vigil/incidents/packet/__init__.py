"""The court packet of an incident report: a PDF and a ZIP bundle anyone can verify."""

from vigil.incidents.packet.bundle import PacketError, PacketResult, build_packet

__all__ = ["PacketError", "PacketResult", "build_packet"]
