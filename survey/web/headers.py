"""Headers every response needs, and the ones that keep private pages out of caches."""

from __future__ import annotations

from flask import Flask, Response, request, session


def security_headers(response: Response) -> Response:
    """Add the headers every response needs: no framing, no sniffing, no leaking resume links."""
    headers = response.headers
    # Resume links carry the token in the URL: never send it to another site as a referrer.
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    # Scripts only from this site (figures travel as inert JSON); plotly sets inline styles.
    headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    )
    if request.view_args and "token" in request.view_args:
        # A firm's answers and results: no browser, proxy or shared computer may keep a copy.
        headers["Cache-Control"] = "no-store"
        # Nor any search engine, should a link ever be posted somewhere public.
        headers["X-Robots-Tag"] = "noindex, nofollow"
    elif "_user_id" in session:
        # Every page a logged-in account sees may show firms, notes or accounts: kept nowhere either.
        headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    """Add the headers to every response."""
    app.after_request(security_headers)
