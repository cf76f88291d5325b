from __future__ import annotations

from typing import Any

import pytest

from vigil.core import crypto


def test_round_trip_and_fresh_ciphertext_each_time() -> None:
    a, b = crypto.encrypt("4417#"), crypto.encrypt("4417#")
    assert a != b  # random IV: equal secrets do not look equal at rest
    assert crypto.decrypt(a) == crypto.decrypt(b) == "4417#"


def test_altered_ciphertext_is_refused() -> None:
    token = crypto.encrypt("4417#")
    altered = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(altered)


def test_another_key_cannot_read_it(settings: Any) -> None:
    token = crypto.encrypt("4417#")
    settings.VIGIL_ENCRYPTION_KEY = "a completely different key of some length"
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token)
