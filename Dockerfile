# The blog in one image: gunicorn on $PORT (default 8000), migrations run at start.
#   docker build -t blog .
#   docker run -e SECRET_KEY=... -e DATABASE_URL=postgres://... -p 8000:8000 blog
# See docs/deploy.md; docker-compose.yml adds PostgreSQL and Redis.

FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /build
COPY requirements.txt .
# Wheels first, then a virtualenv from them alone: the final stage copies only the virtualenv,
# so no pip cache, wheel files or build tools reach the image.
RUN pip wheel --wheel-dir /wheels -r requirements.txt \
 && python -m venv /opt/venv \
 && /opt/venv/bin/pip install --no-index --find-links /wheels -r requirements.txt

FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    BLOG_ENV=production \
    PORT=8000
# A fixed uid so volume permissions and Kubernetes runAsUser stay predictable.
RUN useradd --system --uid 10001 --user-group --no-create-home --home-dir /app \
        --shell /usr/sbin/nologin blog
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
# The code stays root-owned, so the app can't rewrite itself; only instance/ (the SQLite
# fallback and instance/config.py) is the app user's.
COPY wsgi.py gunicorn.conf.py ./
COPY migrations/ migrations/
COPY blog/ blog/
COPY deploy/docker-entrypoint.sh deploy/docker-entrypoint.sh
RUN python -m compileall -q blog migrations wsgi.py \
 && mkdir instance && chown blog:blog instance
USER blog
EXPOSE 8000
# /healthz touches no database: it says the process answers; slim images have no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=4)"
CMD ["/app/deploy/docker-entrypoint.sh"]
