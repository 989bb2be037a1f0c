-- A retention sweep walks its table in key order, (time, then what makes the row unique), a batch at a time.
-- With an index on the time alone, rows that share a time (every row of one insert, or a bulk load) must all be
-- read and sorted before the first batch of them can be taken: a million such deliveries cost a full scan per
-- batch. Each time index now carries the whole key, so every batch is one index range read.
-- DropIndex
DROP INDEX "deliveries_created_at_idx";
-- CreateIndex
CREATE INDEX "deliveries_created_at_id_idx" ON "deliveries"("created_at", "id");
-- DropIndex
DROP INDEX "events_received_at_idx";
-- CreateIndex
CREATE INDEX "events_received_at_category_id_idx" ON "events"("received_at", "category", "id");
-- DropIndex
DROP INDEX "audit_log_created_at_idx";
-- CreateIndex
CREATE INDEX "audit_log_created_at_id_idx" ON "audit_log"("created_at", "id");
-- DropIndex
DROP INDEX "idempotency_records_created_at_idx";
-- CreateIndex
CREATE INDEX "idempotency_records_created_at_scope_key_id_key_idx" ON "idempotency_records"("created_at", "scope_key_id", "key");
