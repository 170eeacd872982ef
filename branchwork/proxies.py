"""The address a request came from, for login lockout (django-axes).

Behind the README's reverse proxy every connection comes from the proxy, so the connecting
address alone would lock an account out for everyone at once, and anyone could keep a known
account (a reviewer's) locked. The proxy appends the address it saw to ``X-Forwarded-For``; that
entry is trusted only when ``TRUSTED_PROXY_COUNT`` says how many proxies of our own stand in
front (1 for one nginx). Entries further left were written by the client and are never believed:
with the default 0 the header is ignored, so a client cannot dodge its lockout by inventing one.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    """The client's address: the one the outermost trusted proxy saw, else the connecting one."""
    remote = request.META.get("REMOTE_ADDR", "")
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:  # not (all) set by our proxies: a request that bypassed them
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
