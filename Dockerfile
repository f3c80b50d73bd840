# The lnsweep image that scripts/k8s/*.yaml run (lnsweep:0.1.0):
#
#   docker build -t lnsweep:0.1.0 .
#   docker run --rm -v "$PWD/out:/out" lnsweep:0.1.0 run sweeps/smoke.yaml --out /out/smoke
#
# Two stages: `build` installs every dependency and compiles TypeScript and the WebAssembly step loops into dist/;
# the final stage installs the runtime dependencies only (--omit=dev) and takes dist/ from `build`, so neither the
# compilers nor the sources ship. It runs as the image's unprivileged `node` user; results go to the /out volume.
# test/cluster/container.test.ts checks this file's stages, user, volume and copies (no Docker engine needed).

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# the lockfile alone first, so a change to the sources does not reinstall the dependencies
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# the build's own steps: the bundler (CLI, pool thread, the YAML parser with its code cache, made by parsing
# sweeps/), the bin's open-file-limit launcher and the help text it renders once
COPY scripts/bundle.mjs scripts/bin-launcher.mjs scripts/help-text.mjs ./scripts/
COPY sweeps ./sweeps
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# runtime dependencies only; @tensorflow/tfjs-node is optional (its install downloads libtensorflow): where that
# fails, npm leaves it out and the tfjs engine uses its WebAssembly backend
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
# dist/ holds the compiled CLI and dist/core/wasm/steps.wasm, the WebAssembly step loops
COPY --from=build /app/dist ./dist
COPY sweeps ./sweeps
# the output folder, writable by the node user when nothing is mounted there
RUN mkdir /out && chown node:node /out
VOLUME ["/out"]
USER node
# node itself is PID 1, so lnsweep receives SIGTERM (a pod deleted, a node drained) and finishes its runs in progress
ENTRYPOINT ["node", "/app/dist/cli/main.js"]
CMD ["--help"]
