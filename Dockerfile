# framefleet on CPU: Debian's ffmpeg (x264, x265, SVT-AV1, VAAPI/QSV through /dev/dri when mapped),
# Node 20, a non-root user. One image for the server, workers and one-shot commands:
#   docker run --rm -v "$PWD:/work" -w /work framefleet transcode in.mp4 -o out.mp4
# Built and run by nobody on this project's CI (no Docker daemon there): tests parse it and check
# that every framefleet command it runs exists.

FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
# tini reaps ffmpeg children and forwards SIGTERM, so a stopping worker drains (see --grace-seconds).
RUN apt-get update \
  && apt-get install -y --no-install-recommends ffmpeg tini ca-certificates \
  && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10001 --create-home --home-dir /home/framefleet framefleet \
  && mkdir -p /data /etc/framefleet && chown framefleet /data
WORKDIR /app
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY web ./web
RUN ln -s /app/dist/cli/index.js /usr/local/bin/framefleet && chmod +x /app/dist/cli/index.js
ENV NODE_ENV=production \
  FRAMEFLEET_DATA_DIR=/data \
  FRAMEFLEET_HEALTH_PORT=8080
USER 10001
VOLUME ["/data"]
EXPOSE 8080
# The server and `worker --port 8080` both answer /healthz; one-shot commands ignore it.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.FRAMEFLEET_HEALTH_PORT+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["tini", "--", "framefleet"]
CMD ["server", "--host", "0.0.0.0", "--port", "8080"]
