"""gunicorn's settings for the readiness survey, behind nginx (deploy/nginx/).

Used by deploy/systemd/survey.service: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`.
"""

import multiprocessing

# Loopback only: nginx is the one client, and it has read every request whole before passing it on.
bind = "127.0.0.1:8000"
# Sync workers: one request at a time each, about two per core. SQLite in WAL mode lets them
# read at once; writes queue for the lock (BEGIN IMMEDIATE) instead of failing.
workers = 2 * multiprocessing.cpu_count()
worker_class = "sync"
# A worker busy this long is restarted: as long as nginx waits (proxy_read_timeout), for a large export.
timeout = 120
graceful_timeout = 30
# New worker processes now and then, so that memory a long run leaves behind is given back.
max_requests = 5000
max_requests_jitter = 500
# The app writes its own request log, with resume tokens masked; gunicorn's would print them.
accesslog = None
errorlog = "-"
loglevel = "info"
