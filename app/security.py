"""Response headers (CSP without inline scripts, cookie-safe defaults) and Sentry."""

from __future__ import annotations

from flask import Flask, Response

# Math in statements is typeset in the browser by the local KaTeX bundle (build/math.js), and it
# needs no relaxing here: katex.render builds DOM nodes and sizes them through element.style
# (CSSOM), which style-src does not govern, while style="" attributes in markup and <style>
# elements stay refused. So there is no style-src-attr 'unsafe-inline', which would let any
# injected markup restyle the page. KaTeX's fonts come from /static/build/fonts (font-src 'self').
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self' ws: wss:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def init_app(app: Flask) -> None:
    """Add the security headers to every response."""

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response


def init_sentry(app: Flask) -> None:
    """Report unhandled errors to Sentry when SENTRY_DSN is set."""
    dsn = app.config.get("SENTRY_DSN")
    if not dsn:
        return
    import sentry_sdk
    from sentry_sdk.integrations.flask import FlaskIntegration

    sentry_sdk.init(
        dsn=dsn,
        integrations=[FlaskIntegration()],
        environment=app.config["ENV_NAME"],
        # No personal data (cookies, user emails, IPs) is sent: that is the SDK's default.
        traces_sample_rate=0.0,
    )
