"""`flask users create` and `flask users token`."""

from __future__ import annotations

from app.auth import service
from tests.factories import make_user


def test_create_with_password(runner, client, auth):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "Teach@Example.org",
            "--role",
            "teacher",
            "--password",
            "pw-123456789",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Created teacher teach@example.org" in result.output
    assert "Password:" not in result.output
    user = service.find_user("teach@example.org")
    assert user is not None and user.role == "teacher"
    assert auth.login("teach@example.org", "pw-123456789").status_code == 302


def test_create_generates_and_prints_password(runner, auth):
    result = runner.invoke(args=["users", "create", "root@example.org", "--role", "admin"])
    assert result.exit_code == 0, result.output
    password = result.output.split("Password: ", 1)[1].strip()
    assert len(password) >= 12
    assert service.find_user("root@example.org").role == "admin"
    assert auth.login("root@example.org", password).status_code == 302


def test_create_refuses_bad_input(runner):
    make_user(email="taken@example.org")
    duplicate = runner.invoke(args=["users", "create", "taken@example.org", "--password", "x" * 10])
    assert duplicate.exit_code == 1
    assert "already exists" in duplicate.output
    bad_role = runner.invoke(args=["users", "create", "x@example.org", "--role", "king"])
    assert bad_role.exit_code == 2
    assert service.find_user("x@example.org") is None
    short = runner.invoke(args=["users", "create", "y@example.org", "--password", "short"])
    assert short.exit_code == 1
    assert "at least 8 characters" in short.output
    bad_email = runner.invoke(args=["users", "create", "nope", "--password", "x" * 10])
    assert bad_email.exit_code == 1
    assert "valid email" in bad_email.output


def test_token_prints_only_a_working_token(runner, app):
    user = make_user(email="bot@example.org")
    result = runner.invoke(args=["users", "token", "bot@example.org"])
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    assert "\n" not in token and token.startswith("cd_")
    assert service.user_for_token(token).id == user.id
    response = app.test_client().get("/auth/account", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


def test_token_for_unknown_or_inactive_user_fails(runner):
    assert runner.invoke(args=["users", "token", "ghost@example.org"]).exit_code == 1
    make_user(email="gone@example.org", active=False)
    result = runner.invoke(args=["users", "token", "gone@example.org"])
    assert result.exit_code == 1
    assert "No active account" in result.output
