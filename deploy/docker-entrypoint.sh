#!/bin/sh
# The image's default command: bring the schema to the latest migration, then serve.
# Hosts with a release step of their own (Railway's preDeployCommand) start gunicorn directly.
# Any arguments go to gunicorn: docker run IMAGE /app/deploy/docker-entrypoint.sh --workers 2
set -eu
flask --app blog db upgrade
# exec: gunicorn becomes PID 1 and gets the platform's SIGTERM itself, for a graceful stop.
exec gunicorn wsgi:app "$@"
