# Image of the web app and the worker for hosts that can pull base images (see docker-compose.yml).
# The browser bundles (CodeMirror 6, KaTeX and its fonts) are built with the exact npm versions of package-lock.json.
FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY assets assets
RUN npm run build

FROM python:3.11-slim-bookworm
WORKDIR /srv/codedev
COPY requirements.lock setup.cfg pyproject.toml README.md ./
RUN pip install --no-cache-dir -r requirements.lock
COPY app app
COPY --from=assets /src/app/static/build app/static/build
COPY worker worker
COPY migrations migrations
COPY sandbox_images sandbox_images
COPY .flaskenv ./
RUN pip install --no-cache-dir --no-deps -e . && useradd --system --home /srv/codedev codedev
ENV CODEDEV_ENV=production FLASK_APP=app
USER codedev
EXPOSE 8000
# gthread holds one thread per open WebSocket: 2 processes x 500 threads serve 1000 live pages.
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--workers", "2", "--threads", "500", "--worker-class", "gthread", "app.wsgi:app"]
