"""Deliveries signed by the platform's TypeScript signer, and what its validator made of them.

The vectors are generated at test time by sdks/python/python-verifier.spec.ts (run by ``npm test``), which
passes their file in SMART_DAIRY_TEST_VECTORS; there is no checked-in copy that could drift.
"""

import base64
import json
import os
import unittest

from smart_dairy_webhooks import REASONS, WebhookVerificationError, WebhookVerifier

VECTORS = os.environ.get("SMART_DAIRY_TEST_VECTORS")


def outcome(verifier, request):
    body = base64.b64decode(request["body_base64"])
    try:
        webhook = verifier.verify(request["headers"], body)
    except WebhookVerificationError as error:
        return {"valid": False, "reason": error.reason}
    return {
        "valid": True,
        "delivery_id": webhook.delivery_id,
        "event_type": webhook.event_type,
        "timestamp": webhook.timestamp,
    }


@unittest.skipUnless(VECTORS, "run through jest: npx jest sdks/python")
class PlatformVectorsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(VECTORS, encoding="utf-8") as file:
            cls.vectors = json.load(file)

    def test_the_failure_codes_are_the_typescript_ones(self):
        self.assertEqual(list(REASONS), self.vectors["reasons"])

    def test_every_vector_gives_what_the_typescript_validator_gave(self):
        self.assertGreater(len(self.vectors["cases"]), 0)
        for case in self.vectors["cases"]:
            with self.subTest(case["name"]):
                verifier = WebhookVerifier(
                    secrets=case["secrets"],
                    tolerance_seconds=case["tolerance_seconds"],
                    now=lambda now=case["now"]: now,
                )
                outcomes = [outcome(verifier, request) for request in case["requests"]]
                self.assertEqual(outcomes, case["expected"])


if __name__ == "__main__":
    unittest.main()
