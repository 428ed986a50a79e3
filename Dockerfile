# syntax=docker/dockerfile:1
# Build stage: install every dependency (better-sqlite3 compiles here) and compile TypeScript.
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY schema ./schema
# The build also copies the dashboard's page and client sources next to the compiled plugin.
COPY scripts/copy-build-assets.ts ./scripts/
RUN npm run build && npm prune --omit=dev

# Runtime stage: compiled JavaScript, production dependencies, the GraphQL schema and constitutions.
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8787 \
    DATABASE_URL=sqlite:/data/verdicts.sqlite \
    GUARD_CONSTITUTIONS_DIR=/app/constitutions
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/schema ./schema
COPY package.json ./
COPY constitutions ./constitutions
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8787
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:8787/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
CMD ["node", "dist/cli/main-entry.js", "serve"]
