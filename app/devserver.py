"""`make run`: migrate, make sure an admin exists, start the worker and the web app."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
from pathlib import Path

from flask_migrate import upgrade

from app import create_app
from app.auth import service as accounts
from app.extensions import db
from app.judging import runner

ADMIN_EMAIL = "admin@codedev.local"


def _ensure_admin(instance: Path) -> tuple[str, str]:
    """Create the first admin once; its initial password is kept in instance/ for re-printing."""
    login_file = instance / "admin-login.txt"
    if accounts.find_user(ADMIN_EMAIL) is None:
        password = secrets.token_urlsafe(12)
        accounts.create_user(ADMIN_EMAIL, password, role="admin", name="Admin")
        login_file.write_text(password + "\n")
        login_file.chmod(0o600)
    password = (
        login_file.read_text().strip() if login_file.exists() else "(changed since first run)"
    )
    return ADMIN_EMAIL, password


def _judging_hint() -> str:
    """One line on whether this machine can judge: a Docker engine and current images."""
    try:
        missing = runner.stale_images()
    except Exception as error:  # noqa: BLE001  (any failure here only means "cannot judge yet")
        return f"judging:               off - no Docker engine ({type(error).__name__}); pages work"
    if missing:
        return f"judging:               build the sandbox images first: make sandbox-images ({', '.join(missing)})"
    return "judging:               ready (Docker sandbox images are current)"


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> None:
    """Prepare the embedded stores, then run worker + web until Ctrl-C."""
    host = os.environ.get("CODEDEV_HOST", "127.0.0.1")
    port = int(os.environ.get("CODEDEV_PORT", "5000"))
    app = create_app()
    with app.app_context():
        upgrade()
        email, password = _ensure_admin(Path(app.instance_path))
        db.session.remove()
    env = {**os.environ, "REDIS_URL": app.config["REDIS_URL"]}
    worker = subprocess.Popen([sys.executable, "-m", "worker"], env=env)
    print(f"\n  codedev is running at  http://{host}:{port}/")
    print(f"  admin login:           {email}  /  {password}")
    print(f"  {_judging_hint()}\n", flush=True)
    web = subprocess.Popen(
        [sys.executable, "-m", "flask", "run", "--host", host, "--port", str(port), "--no-reload"],
        env=env,
    )
    # make run stops on Ctrl-C (SIGINT) or a plain kill (SIGTERM): take both children down.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        web.wait()
    except KeyboardInterrupt:
        pass
    finally:
        for process in (web, worker):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in (web, worker):
            process.wait(timeout=15)


if __name__ == "__main__":
    main()
