-- The W3C trace context of each delivery's task span (docs/architecture.md#tracing): retries sent minutes
-- later join its trace.

-- AlterTable
ALTER TABLE "deliveries" ADD COLUMN "trace_context" JSONB;
