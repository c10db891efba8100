# The newsdesk image: the worker, the one-shot migration and the deploy step of docker-compose.yml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    NEWSDESK_HOME=/app \
    NEWSDESK_INBOX=/inbox

WORKDIR /app

COPY pyproject.toml constraints.txt README.md alembic.ini prefect.yaml ./
COPY newsdesk newsdesk
COPY flows flows
COPY models models
COPY migrations migrations
COPY automations automations
RUN pip install -c constraints.txt -e . && newsdesk --help > /dev/null

RUN useradd --create-home --uid 1000 newsdesk && mkdir -p /inbox /archive \
    && chown newsdesk /inbox /archive
USER newsdesk

CMD ["prefect", "worker", "start", "--pool", "newsdesk", "--type", "process"]
