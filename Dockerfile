# One image for every service of the catalogue: the gateway (default command) and each partner
# subgraph (docker-compose.yml overrides the command: node --import tsx subgraphs/<kind>/index.ts).
# tsx runs the TypeScript sources directly: there is no build step. Nothing is downloaded here but
# npm packages from the lockfile.
FROM node:20-bookworm-slim

WORKDIR /app

ENV NODE_ENV=production \
    CHECKPOINT_DISABLE=1 \
    PRISMA_HIDE_UPDATE_MESSAGE=1 \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false

# Dependencies first, in a layer of their own that survives source changes. Lifecycle scripts are
# skipped here: none is needed at run time (tsx finds esbuild's platform package without esbuild's
# install check; the WASM schema engine replaces the binary @prisma/engines' postinstall would
# download), and the project's own postinstall needs the Prisma schemas, copied below.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force

# The source, then the project's postinstall: `prisma generate` (offline) writes each kind's client
# to subgraphs/<kind>/generated. Host-generated clients are excluded by .dockerignore.
COPY . .
RUN npm run postinstall \
    && mkdir -p /app/.data \
    && chown node:node /app/.data

# The stock non-root user of the node image; it owns only the embedded-database folder (DATA_DIR).
USER node

EXPOSE 4000
CMD ["node", "--import", "tsx", "gateway/index.ts"]
