"""The mails of notifications, account messages and digests, rendered from templates
(text and HTML; no remote images, no scripts) and stored in the outbox.

Notification and digest mail carries List-Unsubscribe with a signed (user, kind) link and
List-Unsubscribe-Post: List-Unsubscribe=One-Click (RFC 8058); security mail carries neither.
Links are absolute under BASE_URL: a worker renders them with no request to build them from.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import current_app

from app.extensions import db
from app.models import OutgoingMail, User
from app.notifications.kinds import DIGEST, Kind
from app.notifications.outbox import queue_mail
from app.notifications.preferences import unsubscribe_token
from app.notifications.render import Shown, link_of, title_of


def absolute(path: str) -> str:
    """A site path as a link that works from a mail."""
    return f"{current_app.config['BASE_URL'].rstrip('/')}{path}"


def _render(name: str, **context: Any) -> str:
    # Straight from the environment: a worker has no request for context processors.
    return current_app.jinja_env.get_template(name).render(**context)


def _unsubscribe_headers(user_id: int, kind: str) -> tuple[str, dict[str, str]]:
    url = absolute(f"/notifications/unsubscribe/{unsubscribe_token(user_id, kind)}")
    return url, {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def queue_notification_mail(
    user_id: int, kind: Kind, payload: dict[str, Any]
) -> OutgoingMail | None:
    """The mail of one notification (None for an inactive account)."""
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        return None
    title = title_of(kind, payload)
    link = link_of(kind, payload)
    context: dict[str, Any] = {
        "user": user,
        "title": title,
        "link": absolute(link) if link else None,
        "payload": payload,
        "kind": kind,
        "settings_url": absolute("/notifications/settings"),
        "unsubscribe_url": None,
    }
    headers: dict[str, str] = {}
    if not kind.is_security:
        context["unsubscribe_url"], headers = _unsubscribe_headers(user_id, kind.name)
    return queue_mail(
        user.email,
        kind.name,
        title,
        _render("notifications/mail/notification.txt", **context),
        _render("notifications/mail/notification.html", **context),
        user_id=user_id,
        headers=headers,
    )


def queue_account_mail(user: User, kind: Kind, subject: str, text: str) -> OutgoingMail:
    """A security or account mail written by its area (reset link, invitation): its text,
    and the same text as HTML paragraphs. Never unsubscribable."""
    paragraphs = [part.strip() for part in text.split("\n\n") if part.strip()]
    html = _render("notifications/mail/plain.html", subject=subject, paragraphs=paragraphs)
    return queue_mail(user.email, kind.name, subject, text, html, user_id=user.id)


def queue_digest(user: User, items: Sequence[Shown], period: str) -> OutgoingMail:
    """The daily or weekly digest of the user's unread notifications set to digest."""
    url, headers = _unsubscribe_headers(user.id, DIGEST)
    context = {
        "user": user,
        "items": [(item, absolute(item.link) if item.link else None) for item in items],
        "period": period,
        "list_url": absolute("/notifications"),
        "settings_url": absolute("/notifications/settings"),
        "unsubscribe_url": url,
    }
    subject = f"Your {period} codedev digest: {len(items)} unread"
    return queue_mail(
        user.email,
        DIGEST,
        subject,
        _render("notifications/mail/digest.txt", **context),
        _render("notifications/mail/digest.html", **context),
        user_id=user.id,
        headers=headers,
    )
