# Tandem in a container: compose.yaml runs one on SQLite (the database in the /data
# volume), compose.postgres.yaml several shards on PostgreSQL. Nothing else needs Docker:
# scripts/run and scripts/test run Tandem and its tests directly.
#
# The base image is pinned by digest: the multi-platform index of python:3.11-slim
# (Python 3.11.15 on Debian trixie, built 2026-08-05, as docker-library's repo-info
# records the tag). Re-pin to the tag's newest build with the digest that
#   docker buildx imagetools inspect python:3.11-slim
# prints on its "Digest:" line, and name the change in CHANGELOG.md.
FROM python:3.11-slim@sha256:90744cff8f32887f075c47d747a173ff333e9e98801667af93c357fa9f5e28ff

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# The dependencies from the hashed lock (scripts/lock updates it), in their own layer so
# that a change to the code alone reuses it.
COPY requirements/run.txt /tmp/run.txt
RUN python -m pip install --require-hashes -r /tmp/run.txt && rm /tmp/run.txt

# The project itself, built with the locked setuptools; its sources are not kept.
COPY pyproject.toml README.md LICENSE /tmp/tandem/
COPY bot /tmp/tandem/bot
COPY cogs /tmp/tandem/cogs
RUN python -m pip install --no-deps --no-build-isolation /tmp/tandem && rm -rf /tmp/tandem

# The compose files' entrypoint: after exit status 2 (a rejected token) no restart loop.
COPY deploy/no-restart-on-exit-2 /usr/local/bin/no-restart-on-exit-2

# A user without privileges (uid 10001: chown a bind-mounted folder to it) owns the one
# writable place, the database's folder.
RUN chmod 0755 /usr/local/bin/no-restart-on-exit-2 \
    && useradd --system --uid 10001 --user-group --home-dir /data --no-create-home \
        --shell /usr/sbin/nologin tandem \
    && mkdir /data \
    && chown tandem:tandem /data
ENV TANDEM_DATABASE_PATH=/data/tandem.db \
    TANDEM_METRICS_PORT=9108
VOLUME /data
WORKDIR /data
USER tandem

# /healthz answers 200 while the bot's event loop answers (slim has no curl). The server
# listens on 127.0.0.1 unless TANDEM_METRICS_HOST says otherwise (0.0.0.0 for a
# Prometheus in another container).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:${TANDEM_METRICS_PORT}/healthz', timeout=4)"

# `docker run IMAGE` starts the bot; `docker run IMAGE --check` (or `backup`, ...) runs
# one command, with the environment's TANDEM_* settings.
ENTRYPOINT ["python", "-m", "bot"]
