# One image per app: docker build -f deploy/docker/app.Dockerfile --build-arg APP=orchestrator -t agentos/orchestrator .
# APP is one of orchestrator, registry, memory, policy, observability, demo-agent, or cli (the bootstrap job runs
# `node apps/cli/src/main.js bootstrap --replicas 3` in it).
# Written for the per-app deploy; no Docker engine runs on the development machines, so it is not built in CI.
FROM node:20-bookworm-slim AS build
ARG APP
# onnxruntime-node ships its CPU binaries; its install script would fetch optional CUDA ones from nuget.org.
ENV ONNXRUNTIME_NODE_INSTALL=skip
WORKDIR /src
# patches/: fixes to dependencies that npm ci applies (patch-package, postinstall); see patches/README.md.
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json tsconfig.json ./
COPY apps ./apps
COPY libs ./libs
COPY config ./config
COPY scripts ./scripts
RUN node -r @swc-node/register scripts/build-app.ts "$APP"

FROM node:20-bookworm-slim
ARG APP
ENV NODE_ENV=production APP=${APP} AGENTOS_HEALTH_PORT=8080 ONNXRUNTIME_NODE_INSTALL=skip
# /livez and /readyz for the platform's probes (readiness fails while draining after SIGTERM).
EXPOSE 8080
WORKDIR /app
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /src/dist/${APP} ./
USER node
# SIGTERM drains in-flight messages and exits 0; give it time.
STOPSIGNAL SIGTERM
CMD ["sh", "-c", "exec node apps/${APP}/src/main.js"]
