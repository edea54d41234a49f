"""Absolute addresses in what the portal answers (issue 13).

url_for(_external=True) takes the host from the request's Host (or, behind TRUSTED_PROXIES, X-Forwarded-Host)
header: whoever sends the request chooses it, and a cached public answer (/posyandu.json, max-age 300) would carry an
attacker's host to everyone after them. An absolute address is built from the configured PUBLIC_URL instead; without
it the address stays relative to the portal.
"""
from flask import current_app, url_for


def mutlak(endpoint: str, **values) -> str:
    """PUBLIC_URL (scheme and host, e.g. https://posyandu.kalselprov.go.id) and the path of endpoint."""
    return (current_app.config.get("PUBLIC_URL") or "").rstrip("/") + url_for(endpoint, **values)


def cetak(endpoint: str, **values) -> str:
    """An address printed in a QR code: it must be absolute. PUBLIC_URL when configured; else the host the organiser
    is using (a staff page, never cached for others)."""
    if current_app.config.get("PUBLIC_URL"):
        return mutlak(endpoint, **values)
    return url_for(endpoint, _external=True, **values)
