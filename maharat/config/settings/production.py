"""Production: everything secret comes from the environment and nothing insecure is defaulted."""

from whitenoise.compress import Compressor

from .base import *  # noqa: F403
from .base import MIDDLEWARE, env

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY")  # no default: refuse to start without one
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# TLS ends at the reverse proxy, which must set (overwrite, never pass on) `X-Forwarded-Proto: https` on every
# request it forwards: only then is a request secure here (no redirect loop, secure cookies, CSRF checks against
# https:// origins). Without the header every request is redirected to https:// (docs/deployment.md).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# whitenoise serves var/static (`maharat collectstatic`) from each application process: hashed names, marked
# immutable, gzip and Brotli. Source maps are fetched only by a browser's developer tools: not worth compressing
# (they are most of the bytes; compressing them took most of the time of collectstatic).
WHITENOISE_USE_FINDERS = False
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")
# Pages (HTML, JSON, CSV) gzip-compressed when the browser accepts it: a page is a fifth to a tenth of its size on
# the wire. Right after whitenoise, which answers /static/ with its own Brotli or gzip copies before this runs.
# BREACH (docs/deployment.md, "Compression"): the secret on most pages is the CSRF token, which Django masks afresh
# on every request, and Django's middleware pads each compressed answer with up to 100 random bytes.
MIDDLEWARE = [*MIDDLEWARE]
MIDDLEWARE.insert(MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1, "django.middleware.gzip.GZipMiddleware")
MAHARAT_DEV_SIGNING_KEY = False  # production signs only with the configured key
