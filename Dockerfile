# The image docker-compose.yml runs as web, worker and beat.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 KVALITET_ENVIRONMENT=production
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
       libharfbuzz0b libharfbuzz-subset0 libfontconfig1 fonts-dejavu-core gettext nodejs npm \
       postgresql-client \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY pyproject.toml ./
COPY . .
RUN pip install --no-cache-dir . \
    && DJANGO_SECRET_KEY=build python manage.py compilemessages --ignore=node_modules -v0 \
    && DJANGO_SECRET_KEY=build python manage.py collectstatic --noinput -v0
RUN useradd --create-home kvalitet && mkdir -p /app/media /app/backups \
    && chown kvalitet /app/media /app/backups
USER kvalitet
EXPOSE 8000
CMD ["gunicorn", "kvalitet.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--preload"]
