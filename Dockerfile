# Klientstöd: production image (gunicorn + whitenoise, PostgreSQL via DATABASE_URL).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

# System libraries WeasyPrint needs to render PDFs (Pango, HarfBuzz subsetting)
# and a font so documents render the same on every host.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
        fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system app \
    && useradd --system --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app

WORKDIR /app

# Every runtime dependency at the version and with the hashes in requirements.lock
# (`make lock`); pip refuses anything else.
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock

COPY pyproject.toml README.md ./
COPY klientstod ./klientstod
COPY referrals ./referrals
COPY interventions ./interventions
COPY reporting ./reporting
COPY messaging ./messaging
COPY reminders ./reminders
COPY devtools ./devtools
COPY templates ./templates
COPY static ./static
COPY locale ./locale
COPY manage.py ./
COPY docker/entrypoint.sh ./docker/entrypoint.sh

# The project itself; its dependencies are already installed from the lockfile.
RUN pip install --no-cache-dir --no-deps . \
    && rm -rf build *.egg-info

# Collect and compress static files at build time. The secret key is a throwaway
# given to this RUN line only; it is not kept in the image's environment.
RUN DJANGO_SECRET_KEY=collectstatic-build-only-not-a-real-key DJANGO_DEBUG=0 \
    KLIENTSTOD_PERSONNUMMER_KEYS=YnVpbGQtb25seS1ub3QtYS1yZWFsLWtleS0wMDAwMDA= \
    KLIENTSTOD_PERSONNUMMER_INDEX_KEY=build-only-not-a-real-key \
    python manage.py collectstatic --noinput

# The app user may write only to var/ (used only if DATABASE_URL is unset);
# code and collected static files stay owned by root.
RUN mkdir -p /app/var && chown app:app /app/var

USER app

EXPOSE 8000

ENTRYPOINT ["/bin/sh", "/app/docker/entrypoint.sh"]
