"""The two signature schemes a Smart Dairy delivery may carry, as pure functions of bytes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Iterable

SECRET_PREFIX = "whsec_"
SIGNATURE_PREFIX = "sha256="
STANDARD_VERSION = "v1"
_STANDARD_BASE64 = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """`X-Webhook-Signature`: HMAC-SHA256 keyed by the secret's UTF-8 text over `<timestamp>.` + body."""
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode("ascii") + body, hashlib.sha256)
    return SIGNATURE_PREFIX + base64.b64encode(mac.digest()).decode("ascii")


def verify_signature(secrets: Iterable[str], timestamp: int, body: bytes, signature: str) -> bool:
    """True when any secret made `signature`. Every secret is tried, so timing does not tell which matched."""
    received = signature.encode("utf-8")
    matched = False
    for secret in secrets:
        if secret and hmac.compare_digest(sign(secret, timestamp, body).encode("utf-8"), received):
            matched = True
    return matched


def standard_webhook_key(secret: str) -> bytes | None:
    """The HMAC key of a Standard Webhooks secret: the standard base64 after `whsec_`, or None if malformed."""
    encoded = secret[len(SECRET_PREFIX) :] if secret.startswith(SECRET_PREFIX) else secret
    if not encoded or not _STANDARD_BASE64.fullmatch(encoded):
        return None
    return base64.b64decode(encoded)


def sign_standard_webhook(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """One `webhook-signature` entry: `v1,` + base64 HMAC-SHA256 over `<id>.<timestamp>.` + body."""
    key = standard_webhook_key(secret)
    if key is None:
        raise ValueError("a Standard Webhooks secret is whsec_ followed by standard base64")
    content = f"{message_id}.{timestamp}.".encode("utf-8") + body
    return f"{STANDARD_VERSION}," + base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode("ascii")


def verify_standard_webhook(
    secrets: Iterable[str], message_id: str, timestamp: int, body: bytes, signature: str
) -> bool:
    """True when any `v1` entry of the space-separated header was made by any of the secrets."""
    received = [entry.encode("utf-8") for entry in signature.split(" ") if entry.startswith(f"{STANDARD_VERSION},")]
    matched = False
    for secret in secrets:
        if standard_webhook_key(secret) is None:
            continue
        expected = sign_standard_webhook(secret, message_id, timestamp, body).encode("utf-8")
        for candidate in received:
            if hmac.compare_digest(candidate, expected):
                matched = True
    return matched
