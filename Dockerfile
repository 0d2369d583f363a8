# One image for every service of the catalogue: the gateway (default command) and each partner
# subgraph (docker-compose.yml overrides the command: node dist/subgraphs/<kind>/index.js). Two
# stages: `build` installs everything, generates the Prisma clients and compiles the TypeScript
# (npm run build -> dist/); the runtime image holds production dependencies only (no tsx, esbuild
# or TypeScript) and runs the compiled JavaScript, so what runs is what was type-checked and
# start-up compiles nothing. Nothing is downloaded here but npm packages from the lockfile.

FROM node:22-bookworm-slim AS build
WORKDIR /app
ENV CHECKPOINT_DISABLE=1 \
    PRISMA_HIDE_UPDATE_MESSAGE=1 \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false
# Lifecycle scripts are skipped: the project's postinstall (prisma generate) needs the Prisma
# schemas, copied below, and no dependency's install script is needed to build.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
# `prisma generate` (offline) writes each kind's client to subgraphs/<kind>/generated, then tsc
# compiles it with the rest. Host-generated clients and builds are excluded by .dockerignore.
COPY . .
RUN npm run generate && npm run build

FROM node:22-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    CHECKPOINT_DISABLE=1 \
    PRISMA_HIDE_UPDATE_MESSAGE=1 \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false
# Production dependencies only, in a layer of their own that survives source changes. Optional ones
# are omitted too: the only two are pg-cloudflare (Workers sockets, unused on Node) and TypeScript
# (an optional peer of Prisma). No install script is needed at run time (the WASM schema engine and
# query compiler replace the binaries @prisma/engines' postinstall would download).
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --ignore-scripts && npm cache clean --force
# The compiled services with their run-time assets, and the partner registry, read from the project
# root (REGISTRY_FILE's default; lib/project-root.ts).
COPY --from=build /app/dist ./dist
COPY schema/partners.json ./schema/partners.json
RUN mkdir -p /app/.data && chown node:node /app/.data

# The stock non-root user of the node image; it owns only the embedded-database folder (DATA_DIR).
USER node

EXPOSE 4000
# The gateway with its deployed flags (lib/node-flags.ts; tests/unit/docker-compose.test.ts checks).
CMD ["node", "--max-old-space-size=160", "dist/gateway/index.js"]
