-- The oldest pending or retrying delivery of each subscription in one index probe per status, however many
-- delivered rows the subscription has (the dispatcher's backlog age gauges, docs/monitoring.md).
-- CreateIndex
CREATE INDEX "deliveries_subscription_id_status_created_at_idx" ON "deliveries"("subscription_id", "status", "created_at");
