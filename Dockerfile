# Tandem as a container: documentation of a production set-up (see compose.yaml).
# The tests never need Docker: `scripts/test` runs them directly.
FROM python:3.11-slim

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY cogs ./cogs
RUN pip install --no-cache-dir . && useradd --create-home tandem
USER tandem

# Settings come from the environment (TANDEM_DISCORD_TOKEN, TANDEM_DATABASE_URL, ...).
CMD ["python", "-m", "bot"]
