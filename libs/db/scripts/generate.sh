#!/bin/sh
# Runs `prisma generate` offline. Prisma tries to download the schema engine before generating unless
# PRISMA_SCHEMA_ENGINE_BINARY names an existing file; generate never executes it, so any file will do.
set -eu
cd "$(dirname "$0")/../../.."
export PRISMA_SCHEMA_ENGINE_BINARY="${PRISMA_SCHEMA_ENGINE_BINARY:-$PWD/libs/db/scripts/generate.sh}"
export CHECKPOINT_DISABLE=1
exec npx --no-install prisma generate "$@"
