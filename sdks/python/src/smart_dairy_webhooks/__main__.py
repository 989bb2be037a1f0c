"""``python3 -m smart_dairy_webhooks verify``: checks a captured delivery, like ``smart-dairy-webhooks verify``."""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import datetime, timezone

from .verifier import DEFAULT_TOLERANCE_SECONDS, WebhookVerificationError, WebhookVerifier

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
_REQUEST_LINE = re.compile(r"[A-Z]+ \S+ HTTP/\d(\.\d)?")
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


def parse_captured_headers(text: str) -> dict[str, object]:
    """A JSON object of names to values, or ``Name: value`` lines (a request line first is skipped)."""
    if text.lstrip().startswith(("{", "[")):
        value = json.loads(text)
        if not isinstance(value, dict):
            raise ValueError("expected a JSON object of header names to values")
        return value
    headers: dict[str, object] = {}
    for index, line in enumerate(re.split(r"\r?\n", text)):
        if not line.strip() or (index == 0 and _REQUEST_LINE.fullmatch(line.strip())):
            continue
        name, colon, value = line.partition(":")
        if not colon or not _HEADER_NAME.fullmatch(name.strip()):
            raise ValueError(f'line {index + 1} is not "Name: value": {json.dumps(line)}')
        headers.setdefault(name.strip().lower(), value.strip())
    return headers


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m smart_dairy_webhooks")
    commands = parser.add_subparsers(dest="command", required=True)
    verify = commands.add_parser("verify", help="check a captured delivery: signature, signing time and headers")
    verify.add_argument("--secret", required=True, help="the subscription's signing secret (whsec_...)")
    verify.add_argument("--headers", required=True, help='the request headers: JSON, or one "Name: value" per line')
    verify.add_argument("--body", required=True, help="the request body, byte for byte")
    verify.add_argument("--tolerance", type=int, default=DEFAULT_TOLERANCE_SECONDS, help="how old the signature may be")
    args = parser.parse_args(argv)

    try:
        with open(args.headers, encoding="utf-8") as file:
            headers = parse_captured_headers(file.read())
        with open(args.body, "rb") as file:
            body = file.read()
        verifier = WebhookVerifier(args.secret, tolerance_seconds=args.tolerance)
    except (OSError, ValueError) as error:
        print(f"{parser.prog} verify: {error}", file=sys.stderr)
        return EXIT_USAGE
    try:
        webhook = verifier.verify(headers, body)
    except WebhookVerificationError as error:
        print(f"invalid: {error.reason}: {error.message}")
        return EXIT_INVALID
    signed_at = datetime.fromtimestamp(webhook.timestamp, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    print(f"valid: {webhook.event_type} delivery {webhook.delivery_id}, signed at {signed_at}")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
