-- Events keep what their producer wrote (docs/protocol.md#envelope): the JSON text of `data` and the
-- `timestamp` string, from which every attempt's envelope is built byte for byte. The jsonb `data` stays
-- for filters and queries.

-- AlterTable
ALTER TABLE "events" ADD COLUMN "data_json" TEXT,
ADD COLUMN "occurred_at_text" TEXT;

-- The producer's bytes of earlier events are gone. jsonb's text keeps number forms (1.0), not key order,
-- escapes or spacing; the time is written the way deliveries have written it so far, UTC with
-- milliseconds, so retries of those events carry the timestamp their earlier attempts carried.
UPDATE "events" SET "data_json" = "data"::text,
  "occurred_at_text" = to_char("occurred_at", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');

ALTER TABLE "events" ALTER COLUMN "data_json" SET NOT NULL,
ALTER COLUMN "occurred_at_text" SET NOT NULL;
