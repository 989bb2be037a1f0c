"""Verify Smart Dairy webhook deliveries: signature (the platform's or Standard Webhooks), timestamp, replays."""

from .seen_ids import InMemorySeenIdStore, SeenIdStore
from .signatures import sign, sign_standard_webhook, verify_signature, verify_standard_webhook
from .verifier import (
    DEFAULT_TOLERANCE_SECONDS,
    REASONS,
    VerifiedWebhook,
    WebhookVerificationError,
    WebhookVerifier,
    header_value,
    status_for_failure,
)

__all__ = [
    "DEFAULT_TOLERANCE_SECONDS",
    "REASONS",
    "InMemorySeenIdStore",
    "SeenIdStore",
    "VerifiedWebhook",
    "WebhookVerificationError",
    "WebhookVerifier",
    "header_value",
    "sign",
    "sign_standard_webhook",
    "status_for_failure",
    "verify_signature",
    "verify_standard_webhook",
]
