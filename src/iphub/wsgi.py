"""WSGI entry point (gunicorn: ``iphub.wsgi:application``).

Django imports the URL configuration lazily, on the first request. Here that
import pulls in every app's views and API routers (ninja builds its schemas at
import, navigation brings DuckDB): seconds of CPU that the first request of
each worker process would wait for, while holding a client's request. The URL
configuration is therefore imported here, when the worker (or, with gunicorn's
``--preload``, the master before it forks) loads the application.
"""

import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iphub.settings")
application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018 - the import is the point
