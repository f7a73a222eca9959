# One image for every service of the graph; docker-compose picks the entry
# point (`node subgraphs/<name>/dist/main.js` or `node gateway/dist/main.js`).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json turbo.json tsconfig.base.json ./
COPY core/package.json core/
COPY scripts/lib/services/package.json scripts/lib/services/
COPY subgraphs/kit/package.json subgraphs/kit/
COPY subgraphs/identity/package.json subgraphs/identity/
COPY subgraphs/hiring/package.json subgraphs/hiring/
COPY subgraphs/consent/package.json subgraphs/consent/
COPY subgraphs/calls/package.json subgraphs/calls/
COPY gateway/package.json gateway/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx turbo run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app /app
# Least privilege: the services never need root.
USER node
CMD ["node", "gateway/dist/main.js"]
