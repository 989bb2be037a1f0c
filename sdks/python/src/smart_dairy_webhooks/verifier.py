"""Checks a Smart Dairy delivery exactly as @smart-dairy/webhook-consumer does, with the same failure codes."""

from __future__ import annotations

import ipaddress
import json
import math
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from .seen_ids import InMemorySeenIdStore, SeenIdStore
from .signatures import verify_signature, verify_standard_webhook

#: Why a delivery was refused; the same codes, in the same order, as the TypeScript package and the CLI.
REASONS = (
    "missing_headers",
    "invalid_timestamp",
    "timestamp_too_old",
    "timestamp_too_new",
    "signature_mismatch",
    "replayed",
    "invalid_body",
    "ip_not_allowed",
)

DEFAULT_TOLERANCE_SECONDS = 300
_MAX_SAFE_INTEGER = 2**53 - 1
_UNIX_SECONDS = re.compile(r"[0-9]{1,15}")

Scheme = Literal["smart-dairy", "standard-webhooks"]
_SCHEME_HEADERS: dict[str, tuple[str, str, str]] = {
    # signature, timestamp, delivery id
    "smart-dairy": ("X-Webhook-Signature", "X-Webhook-Timestamp", "X-Webhook-ID"),
    "standard-webhooks": ("webhook-signature", "webhook-timestamp", "webhook-id"),
}
_EVENT_TYPE_HEADER = "X-Event-Type"


def status_for_failure(reason: str) -> int:
    """The HTTP status to answer a refused delivery with: 400, 401, or 403 for the address check."""
    if reason in ("missing_headers", "invalid_timestamp", "invalid_body"):
        return 400
    return 403 if reason == "ip_not_allowed" else 401


class WebhookVerificationError(Exception):
    """A refused delivery: ``reason`` is one of REASONS, ``status`` what to answer with."""

    def __init__(self, reason: str, message: str, missing: tuple[str, ...] = ()) -> None:
        super().__init__(f"{reason}: {message}")
        self.reason = reason
        self.message = message
        self.missing = missing
        self.status = status_for_failure(reason)


@dataclass(frozen=True)
class VerifiedWebhook:
    delivery_id: str
    event_type: str
    #: Unix seconds at which the delivery was signed.
    timestamp: int
    #: The JSON body: id, event, timestamp, webhook_id, attempt, data (and any later fields).
    envelope: dict[str, Any]
    scheme: Scheme


class WebhookVerifier:
    """Verifies deliveries signed with ``secret`` (or any of ``secrets`` during a rotation, new one first).

    ``verify`` takes the headers (any mapping: a dict, Starlette's or Flask's headers) and the raw body bytes
    as received, before any JSON parsing.
    """

    def __init__(
        self,
        secret: str | None = None,
        *,
        secrets: Iterable[str] | None = None,
        tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
        seen_ids: SeenIdStore | None = None,
        allowed_ips: Iterable[str] | None = None,
        now: Callable[[], float] = time.time,
    ) -> None:
        if (secret is None) == (secrets is None):
            raise ValueError("pass either secret or secrets")
        self._secrets = (secret,) if secret is not None else tuple(secrets or ())
        if not self._secrets or any(not s for s in self._secrets):
            raise ValueError("WebhookVerifier needs at least one secret, and no empty ones")
        if isinstance(tolerance_seconds, bool) or not isinstance(tolerance_seconds, int) or tolerance_seconds < 0:
            raise ValueError(f"tolerance_seconds must be a non-negative integer, got {tolerance_seconds!r}")
        self._tolerance = tolerance_seconds
        self._now = now
        self._seen_ids = seen_ids if seen_ids is not None else InMemorySeenIdStore(now)
        self._allowed = None if allowed_ips is None else _networks(allowed_ips)

    def verify(self, headers: Any, body: bytes | str, *, source_ip: str | None = None) -> VerifiedWebhook:
        """Returns the verified delivery or raises WebhookVerificationError; remembers it only when it passes."""
        if self._allowed is not None and not _allowed(self._allowed, source_ip):
            raise WebhookVerificationError("ip_not_allowed", f"source address {source_ip or '(unknown)'} is not allowed")

        scheme: Scheme = (
            "standard-webhooks"
            if header_value(headers, "X-Webhook-Signature") is None
            and header_value(headers, "webhook-signature") is not None
            else "smart-dairy"
        )
        names = _SCHEME_HEADERS[scheme]
        signature, timestamp_text, delivery_id = (header_value(headers, name) for name in names)
        if signature is None or timestamp_text is None or delivery_id is None:
            missing = tuple(n for n, v in zip(names, (signature, timestamp_text, delivery_id)) if v is None)
            raise WebhookVerificationError("missing_headers", f"missing required headers: {', '.join(missing)}", missing)

        if not _UNIX_SECONDS.fullmatch(timestamp_text):
            raise WebhookVerificationError("invalid_timestamp", f"{names[1]} is not unix seconds: {json.dumps(timestamp_text)}")
        timestamp = int(timestamp_text)
        now = math.floor(self._now())
        age = now - timestamp
        if age > self._tolerance:
            raise WebhookVerificationError("timestamp_too_old", f"signed {age}s ago, more than the {self._tolerance}s allowed")
        if -age > self._tolerance:
            raise WebhookVerificationError(
                "timestamp_too_new", f"signed {-age}s in the future, more than the {self._tolerance}s allowed"
            )

        raw = body.encode("utf-8") if isinstance(body, str) else bytes(body)
        if scheme == "standard-webhooks":
            signed = verify_standard_webhook(self._secrets, delivery_id, timestamp, raw, signature)
        else:
            signed = verify_signature(self._secrets, timestamp, raw, signature)
        if not signed:
            raise WebhookVerificationError("signature_mismatch", f"{names[0]} does not match the body")

        envelope = _parse_envelope(raw)
        # The id and event type headers are trusted only when they repeat the signed body.
        if delivery_id != envelope["id"]:
            raise WebhookVerificationError("signature_mismatch", f"{names[2]} does not match the id of the signed body")
        event_type = header_value(headers, _EVENT_TYPE_HEADER)
        if event_type is not None and event_type != envelope["event"]:
            raise WebhookVerificationError(
                "signature_mismatch", f"{_EVENT_TYPE_HEADER} does not match the event of the signed body"
            )

        # Keyed like the TypeScript package: a retry carries a new attempt number and passes.
        key = f"{envelope['id']}@{timestamp}#{envelope['attempt']}"
        if not self._seen_ids.add_if_absent(key, timestamp + self._tolerance - now + 1):
            raise WebhookVerificationError(
                "replayed", f"attempt {envelope['attempt']} of delivery {envelope['id']} was already accepted"
            )
        return VerifiedWebhook(envelope["id"], envelope["event"], timestamp, envelope, scheme)


def header_value(headers: Any, name: str) -> str | None:
    """A header looked up case-insensitively in any mapping (or list of pairs); empty counts as absent."""
    items = headers.items() if isinstance(headers, Mapping) or hasattr(headers, "items") else headers
    wanted = name.lower()
    for key, value in items:
        if str(key).lower() == wanted:
            first = value[0] if isinstance(value, (list, tuple)) else value
            if first is None:
                return None
            text = first.decode("latin-1") if isinstance(first, bytes) else str(first)
            return text or None
    return None


def _parse_envelope(raw: bytes) -> dict[str, Any]:
    def refuse(message: str) -> WebhookVerificationError:
        return WebhookVerificationError("invalid_body", message)

    try:
        value = json.loads(raw.decode("utf-8"), parse_constant=_no_constants)
    except (UnicodeDecodeError, ValueError):
        raise refuse("body is not UTF-8 JSON") from None
    if not isinstance(value, dict):
        raise refuse("body is not a JSON object")
    for field in ("id", "event", "timestamp", "webhook_id"):
        if not isinstance(value.get(field), str) or value[field] == "":
            raise refuse(f"body field {field} must be a non-empty string")
    attempt = value.get("attempt")
    integral = isinstance(attempt, int) or (isinstance(attempt, float) and attempt.is_integer())
    if isinstance(attempt, bool) or not integral or not 1 <= attempt <= _MAX_SAFE_INTEGER:
        raise refuse("body field attempt must be a positive integer")
    if not isinstance(value.get("data"), dict):
        raise refuse("body field data must be an object")
    value["attempt"] = int(attempt)
    return value


def _no_constants(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _networks(entries: Iterable[str]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ValueError(f"not an IP address or CIDR range: {entry!r}") from None
    if not networks:
        raise ValueError("IP allowlist is empty: it would refuse every delivery")
    return tuple(networks)


def _allowed(networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...], source_ip: str | None) -> bool:
    try:
        address = ipaddress.ip_address(source_ip or "")
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address in network for network in networks)
