FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=alliance.settings.production
WORKDIR /app
COPY pyproject.toml README.md ./
COPY alliance ./alliance
COPY tours ./tours
COPY network_intel ./network_intel
COPY alumni ./alumni
RUN pip install --no-cache-dir .
COPY . .
RUN SECRET_KEY=build DATABASE_URL=postgresql://build@localhost/build REDIS_URL=redis://localhost:6379/0 \
    python manage.py collectstatic --no-input
RUN useradd --system --uid 1000 alliance && mkdir -p /data/files && chown -R alliance /app /data/files
USER alliance
EXPOSE 8000
CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py", "alliance.wsgi"]
