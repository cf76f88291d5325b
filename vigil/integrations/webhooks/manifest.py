"""Signed webhooks: anything that can POST JSON (access control, gunshot and vape sensors)."""

NAME = "webhooks"
TRANSPORT = "push"  # the sender calls us; no runner process
LIBRARY = "Python standard library (hmac, hashlib)"
QUALITY = "HMAC-SHA256 over timestamp + body, timestamp tolerance, replay protection"
