-- How each subscription's deliveries are signed, and its own headers (values encrypted by the services).

-- AlterTable
ALTER TABLE "subscriptions" ADD COLUMN "signature_scheme" TEXT NOT NULL DEFAULT 'smart-dairy',
ADD COLUMN "custom_headers" JSONB NOT NULL DEFAULT '[]';

-- Only the schemes the dispatcher can sign with.
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_signature_scheme_check"
  CHECK ("signature_scheme" IN ('smart-dairy', 'standard-webhooks'));
