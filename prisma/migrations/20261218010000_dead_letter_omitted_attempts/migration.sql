-- A dead letter carries its latest attempts only: how many earlier ones its entry's history leaves out.

-- AlterTable
ALTER TABLE "dead_letter_entries" ADD COLUMN "omitted_attempts" INTEGER NOT NULL DEFAULT 0;
