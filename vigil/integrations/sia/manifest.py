"""SIA DC-09 alarm receiver: intrusion and fire panels report over TCP or UDP."""

NAME = "sia"
TRANSPORT = "push"  # panels connect to us; `vigil ingest sia --port N` listens
LIBRARY = "pysiaalarm"
QUALITY = "SIA-DCS and ADM-CID, AES accounts, ACK only after commit, NAK/DUH per DC-09"
