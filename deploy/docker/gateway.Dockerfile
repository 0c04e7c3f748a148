# syntax=docker/dockerfile:1
#
# The gateway: nginx in front of core and the registry, serving registry blobs straight from the
# shared storage (X-Accel-Redirect) and the web console's files, built into the image. Its
# nginx.conf is rendered at start from GATEWAY_* variables by the same renderer the installer uses
# (tools/install/src/gateway/nginx-config.ts), so one configuration is tested and shipped. nginx
# is Debian's nginx-light, the build that renderer targets; the Node.js base supplies the runtime
# for rendering.
# Build from the repository root:
#   docker build -f deploy/docker/gateway.Dockerfile -t wharf/gateway:<version> .

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json ./
COPY tools/build.mjs tools/build.mjs
# Only the renderer: tools/build.mjs compiles whatever TypeScript is present.
COPY tools/install/src/gateway tools/install/src/gateway
RUN npm run build
# The web console: Vite bundles apps/portal into dist/apps/portal (index.html, hashed assets/).
COPY tools/build-portal.mjs tools/build-portal.mjs
COPY apps/portal apps/portal
RUN node tools/build-portal.mjs

FROM ${NODE_IMAGE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends nginx-light \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 wharf \
 && useradd --system --uid 10001 --gid wharf --home-dir /opt/wharf --no-create-home --shell /usr/sbin/nologin wharf \
 && mkdir -p /data/registry
WORKDIR /opt/wharf
COPY --from=build /src/dist/tools/install/src/gateway dist/tools/install/src/gateway
# Read-only at run time: served at / (GATEWAY_PORTAL_ROOT).
COPY --from=build /src/dist/apps/portal portal
COPY deploy/docker/gateway/render-config.mjs gateway/render-config.mjs
COPY deploy/docker/gateway/entrypoint.sh gateway/entrypoint.sh
COPY deploy/docker/healthcheck.mjs healthcheck.mjs
# Same id as the registry's user: blobs it writes must be readable here.
USER wharf:wharf
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "/opt/wharf/healthcheck.mjs", "http://127.0.0.1:8080/api/v2.0/ping"]
# nginx finishes requests in flight on SIGQUIT; SIGTERM would cut them.
STOPSIGNAL SIGQUIT
ENTRYPOINT ["sh", "/opt/wharf/gateway/entrypoint.sh"]
