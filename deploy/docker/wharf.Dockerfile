# syntax=docker/dockerfile:1
#
# Wharf's services in one image; the command chooses which one runs:
#   node dist/apps/core/src/main.js        core: /api/v2.0 and the token service (the default)
#   node dist/apps/registry/src/main.js    the registry's /v2/ data plane
#   node dist/apps/jobservice/src/main.js  background jobs (no port: turn the HEALTHCHECK off)
# Build from the repository root:
#   docker build -f deploy/docker/wharf.Dockerfile -t wharf/wharf:<version> .
# Configuration comes only from the environment (see apps/core/src/config.ts,
# apps/registry/src/config.ts and apps/jobservice/src/config.ts); docker-compose.yml and
# deploy/kubernetes/ set it.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
# The lockfile alone decides this layer, so source edits reuse the installed dependencies.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json ./
COPY tools/build.mjs tools/build.mjs
COPY apps apps
COPY libs libs
COPY migrations migrations
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE}
# A fixed id, so that volumes prepared on the host (and Kubernetes' fsGroup) can match it.
RUN groupadd --system --gid 10001 wharf \
 && useradd --system --uid 10001 --gid wharf --home-dir /opt/wharf --no-create-home --shell /usr/sbin/nologin wharf \
 && mkdir -p /data/core /data/registry \
 && chown -R wharf:wharf /data
WORKDIR /opt/wharf
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules node_modules
COPY --from=build /src/dist dist
# libs/db finds the SQL migrations by walking up from dist/libs/db/src.
COPY --from=build /src/migrations migrations
COPY deploy/docker/healthcheck.mjs healthcheck.mjs
USER wharf:wharf
EXPOSE 8080 5000
# Core's default port; the registry's service definitions replace this with its /healthz.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "/opt/wharf/healthcheck.mjs", "http://127.0.0.1:8080/api/v2.0/ping"]
CMD ["node", "dist/apps/core/src/main.js"]
