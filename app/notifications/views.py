"""The bell's pages: the list, the dropdown's JSON, mark read, settings, and unsubscribe."""

from __future__ import annotations

from typing import Any, cast

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.models import User
from app.notifications import bp, preferences, service
from app.notifications.kinds import EMAIL_CHOICES
from app.notifications.render import shown


def current_account() -> User:
    """The signed-in user as a User (auth imports notifications, so not auth.web's helper)."""
    return cast(User, current_user._get_current_object())


def header_context() -> dict[str, Any]:
    """The header's unread count (the bell), for signed-in pages."""
    if not current_user.is_authenticated:
        return {}
    return {"notification_unread": service.unread_count(current_user.id)}


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


@bp.get("")
@login_required
def index() -> str:
    """Every notification of the user, newest first, with "mark all read"."""
    page = service.page_of(current_account(), request.args.get("page", 1, type=int))
    rows = [shown(row) for row in page.items]
    return render_template("notifications/index.html", page=page, rows=rows)


@bp.get("/latest.json")
@login_required
def latest() -> Response:
    """The dropdown's newest notifications and the unread count."""
    user = current_account()
    items = [shown(row) for row in service.latest(user)]
    return jsonify(
        unread=service.unread_count(user.id),
        items=[
            {
                "id": i.id,
                "title": i.title,
                "link": i.link,
                "unread": i.unread,
                "available": i.available,
            }
            for i in items
        ],  # fmt: skip
    )


@bp.post("/<int:notification_id>/read")
@login_required
def read(notification_id: int) -> Response:
    """Mark one read; then open its page (?open=1), answer JSON, or go back to the list."""
    row = service.mark_read(current_account(), notification_id)
    if _wants_json():
        return jsonify(unread=service.unread_count(row.user_id))
    link = shown(row).link
    if request.values.get("open") and link:
        return redirect(link)
    return redirect(url_for("notifications.index"))


@bp.post("/read-all")
@login_required
def read_all() -> Response:
    """Mark every notification read."""
    changed = service.mark_all_read(current_account())
    if _wants_json():
        return jsonify(unread=0, changed=changed)
    flash(f"Marked {changed} notification{'s' if changed != 1 else ''} read.", "success")
    return redirect(url_for("notifications.index"))


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings() -> str | Response:
    """Per kind: in the app or not, and mail now, in the digest or off; the digest's rhythm."""
    user = current_account()
    if request.method == "POST":  # CSRF is checked by CSRFProtect for every POST
        chosen = {
            choice.kind.name: (
                request.form.get(f"{choice.kind.name}.in_app") == "on",
                request.form.get(f"{choice.kind.name}.email", choice.email),
            )
            for choice in preferences.choices(user)
            if not choice.kind.is_security
        }
        preferences.save_choices(user, chosen, request.form.get("digest"))
        flash("Saved your notification settings.", "success")
        return redirect(url_for("notifications.settings"))
    return render_template(
        "notifications/settings.html",
        choices=preferences.choices(user),
        email_choices=EMAIL_CHOICES,
        digest=preferences.digest_of(user.id).digest,
        digest_choices=preferences.DIGEST_CHOICES,
    )


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str) -> str:
    """One-click unsubscribe (RFC 8058): POST acts at once, without login or CSRF; GET asks
    first, so a mail scanner following links changes nothing."""
    if request.method == "POST":
        done = preferences.unsubscribe(token)
        return render_template("notifications/unsubscribed.html", found=done)
    found = preferences.read_token(token)
    return render_template("notifications/unsubscribe.html", found=found, token=token)
