#!/bin/sh
# Container start: apply database migrations, then serve with gunicorn.
# Arguments, if any, replace the gunicorn command (after migrating), e.g.
#   docker-compose run --rm web python manage.py createsuperuser
set -eu

python manage.py migrate --noinput

if [ "$#" -gt 0 ]; then
    exec "$@"
fi

# gunicorn's default access-log format records the request line, query string
# included. That is acceptable here because Klientstöd's URLs hold only ids,
# never personal data (names, personnummer); keep it that way.
exec gunicorn klientstod.wsgi:application \
    --bind 0.0.0.0:8000 \
    --workers 3 \
    --access-logfile -
