import tomllib
import unittest
from pathlib import Path

from smart_dairy_webhooks import (
    REASONS,
    WebhookVerificationError,
    WebhookVerifier,
    header_value,
    sign,
    status_for_failure,
)
from smart_dairy_webhooks.__main__ import parse_captured_headers

NOW = 1772435700
BODY = b'{"id":"wh_1","event":"order.created","timestamp":"2026-03-02T07:15:00Z","webhook_id":"wh_sub_1","attempt":1,"data":{}}'


def headers(secret="whsec_a", timestamp=NOW):
    return {
        "X-Webhook-ID": "wh_1",
        "X-Webhook-Timestamp": str(timestamp),
        "X-Webhook-Signature": sign(secret, timestamp, BODY),
    }


class VerifierTest(unittest.TestCase):
    def test_statuses(self):
        self.assertEqual(
            {reason: status_for_failure(reason) for reason in REASONS},
            {
                "missing_headers": 400,
                "invalid_timestamp": 400,
                "timestamp_too_old": 401,
                "timestamp_too_new": 401,
                "signature_mismatch": 401,
                "replayed": 401,
                "invalid_body": 400,
                "ip_not_allowed": 403,
            },
        )

    def test_header_lookup_ignores_case_takes_the_first_value_and_treats_empty_as_absent(self):
        self.assertEqual(header_value({"x-webhook-id": "a"}, "X-Webhook-ID"), "a")
        self.assertEqual(header_value([("X-A", "1"), ("x-a", "2")], "x-a"), "1")
        self.assertEqual(header_value({"X-A": ["1", "2"]}, "x-a"), "1")
        self.assertIsNone(header_value({"X-A": ""}, "x-a"))

    def test_the_source_address_check(self):
        verifier = WebhookVerifier("whsec_a", allowed_ips=["203.0.113.0/24"], now=lambda: NOW)
        self.assertTrue(verifier.verify(headers(), BODY, source_ip="::ffff:203.0.113.9").delivery_id)
        with self.assertRaises(WebhookVerificationError) as refused:
            verifier.verify(headers(), BODY, source_ip="198.51.100.1")
        self.assertEqual((refused.exception.reason, refused.exception.status), ("ip_not_allowed", 403))

    def test_a_body_given_as_text_is_taken_as_its_utf8_bytes(self):
        verifier = WebhookVerifier("whsec_a", now=lambda: NOW)
        self.assertEqual(verifier.verify(headers(), BODY.decode("utf-8")).event_type, "order.created")

    def test_refuses_bad_configuration(self):
        for kwargs in ({}, {"secret": ""}, {"secrets": []}, {"secret": "a", "tolerance_seconds": -1}):
            with self.subTest(kwargs), self.assertRaises(ValueError):
                WebhookVerifier(**kwargs)

    def test_reads_captured_headers_as_json_or_lines(self):
        self.assertEqual(parse_captured_headers('{"X-A": "1"}'), {"X-A": "1"})
        self.assertEqual(parse_captured_headers("POST /hooks HTTP/1.1\r\nX-A: 1:2\r\nx-a: 3\r\n"), {"x-a": "1:2"})
        with self.assertRaises(ValueError):
            parse_captured_headers("not a header")


class PackagingTest(unittest.TestCase):
    def test_the_package_needs_python_3_11_and_nothing_beyond_the_standard_library(self):
        with open(Path(__file__).parent.parent / "pyproject.toml", "rb") as file:
            project = tomllib.load(file)["project"]
        self.assertEqual((project["requires-python"], project["dependencies"]), (">=3.11", []))


if __name__ == "__main__":
    unittest.main()
