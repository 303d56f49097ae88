# syntax=docker/dockerfile:1
# denki-flow images, one per role, from one build (docker-compose.yml builds each target):
#   worker      node dist/worker/main.js            production dependencies only
#   gateway     node dist/client/gateway/main.js    production dependencies only
#   simulators  the OCCTO and たくそう君 simulators, and the dev-secrets one-shot; they need
#               devDependencies (@peculiar/x509 for the dev PKI, tsx) — never for production use
# Debian (glibc), not Alpine: the Temporal SDK's native core ships for glibc.
# The Node.js the local commands run on too (package.json pins it as the `node` devDependency).
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

# ---- all dependencies (the build needs TypeScript, tsx and webpack's loaders) -----------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Exactly the lock. The `node` devDependency also brings its own copy of the same Node here; the
# build stages run the image's.
RUN npm ci --no-audit --no-fund

# ---- build: tsc -> dist/, workflows prebundled -> dist/workflow-bundle.js ---------------------
FROM deps AS build
COPY tsconfig.json tsconfig.build.json ./
COPY domain ./domain
COPY platform ./platform
COPY protocols ./protocols
COPY workflows ./workflows
COPY activities ./activities
COPY worker ./worker
COPY client ./client
COPY simulators ./simulators
COPY systems ./systems
COPY scripts ./scripts
RUN npm run build

# ---- production dependencies only ------------------------------------------------------------
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# ---- runtime: compiled code + production dependencies, non-root -------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/dist ./dist
# Every replica runs the same prebundled workflow code (no webpack at start-up).
ENV DENKI_WORKFLOW_BUNDLE=/app/dist/workflow-bundle.js
USER node

FROM runtime AS worker
CMD ["node", "dist/worker/main.js"]

FROM runtime AS gateway
EXPOSE 8080
CMD ["node", "dist/client/gateway/main.js"]

# ---- simulators (and dev-secrets): stand-ins for OCCTO and たくそう君, with devDependencies ------
FROM build AS simulators
COPY deploy/dev-secrets.ts deploy/make-dev-secrets.ts ./deploy/
# The simulators keep their books here (a volume), so a restart keeps what the workflows wait for.
RUN mkdir -p /var/lib/denki-flow && chown node:node /var/lib/denki-flow
USER node
EXPOSE 8443 8543
CMD ["node", "dist/systems/occto/simulator/main.js"]
