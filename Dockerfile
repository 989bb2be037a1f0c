# syntax=docker/dockerfile:1
# Every image of the platform from one build. Targets:
#   subscriptions, ingestion, dispatcher, dlq-review  the services (dist/apps/<name>/src/main.js)
#   demo-receiver                                     the demo webhook endpoint (docker-compose.yml)
#   migrate                                           `prisma migrate deploy`, for the Kubernetes Job
#                                                     and the compose `migrate` service
# e.g. docker build --target dispatcher -t smart-dairy-webhooks/dispatcher .
# docs/deploy.md explains the choices below.

ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS base
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false
# tini as PID 1 forwards SIGTERM and reaps zombies. Nest's shutdown hook handles SIGTERM, then
# re-raises it to end the process; a PID 1 ignores that, so Node would only exit once nothing
# kept its event loop alive. Under tini it always ends, with 143.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*

# ---- build: all dependencies, `npm run build` (prisma generate, then swc into dist/) ----
FROM base AS build
COPY package.json package-lock.json ./
# No install scripts, whatever this npm makes of allowScripts: none is needed to build, and the
# one package.json allows only fetches the `node` devDependency's Node 24 binary, which the image
# already provides (without it, npm scripts run on the image's node).
RUN npm ci --ignore-scripts
COPY tsconfig.base.json prisma.config.ts ./
COPY prisma prisma
COPY tools/build.mts tools/build.mts
COPY libs libs
COPY apps apps
RUN npm run build

# ---- runtime: production dependencies and dist/, read-only for the user that runs it ----
FROM base AS runtime
ENV NODE_ENV=production
COPY package.json package-lock.json ./
# --omit=optional as well: `prisma` (the CLI) is an optional peer of @prisma/client, so
# --omit=dev alone would keep it. The generated Prisma client is compiled into dist/.
RUN npm ci --omit=dev --omit=optional --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist dist
# Numeric, so Kubernetes' runAsNonRoot can verify it (the image's `node` user).
USER 1000:1000
ENTRYPOINT ["/usr/bin/tini", "--"]
STOPSIGNAL SIGTERM
# Liveness only (/health); compose and Kubernetes ask /ready for readiness themselves.
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

FROM runtime AS subscriptions
ENV PORT=3001
EXPOSE 3001
CMD ["node", "--enable-source-maps", "dist/apps/subscriptions/src/main.js"]

FROM runtime AS ingestion
ENV PORT=3002
EXPOSE 3002
CMD ["node", "--enable-source-maps", "dist/apps/ingestion/src/main.js"]

FROM runtime AS dispatcher
ENV PORT=3003
EXPOSE 3003
CMD ["node", "--enable-source-maps", "dist/apps/dispatcher/src/main.js"]

FROM runtime AS dlq-review
ENV PORT=3004
EXPOSE 3004
CMD ["node", "--enable-source-maps", "dist/apps/dlq-review/src/main.js"]

FROM runtime AS demo-receiver
ENV DEMO_RECEIVER_PORT=4000
EXPOSE 4000
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.DEMO_RECEIVER_PORT + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--enable-source-maps", "dist/apps/demo-receiver/src/main.js"]

# ---- migrate: the prisma CLI and its schema engine, prisma/ and prisma.config.ts ----
FROM base AS migrate
# The schema engine is a native binary that needs OpenSSL to load (and Prisma to detect it).
RUN apt-get update \
 && apt-get install -y --no-install-recommends openssl ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# --omit=dev keeps `prisma`, an optional peer of @prisma/client, at the locked version.
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
# Fetch the schema engine now: the Job's network policy allows Postgres, not the internet.
RUN node_modules/.bin/prisma --version && ls node_modules/@prisma/engines/schema-engine-*
COPY prisma.config.ts ./
COPY prisma prisma
ENV NODE_ENV=production CHECKPOINT_DISABLE=1 HOME=/tmp
USER 1000:1000
ENTRYPOINT ["/usr/bin/tini", "--"]
STOPSIGNAL SIGTERM
CMD ["node_modules/.bin/prisma", "migrate", "deploy"]
