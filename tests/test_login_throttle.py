"""Logins are throttled per account as well as per address (issue 11, finding 5).

The attack run found 16 wrong passwords in 2 s before the first 429, and
none at all from many addresses. After three wrong passwords in a row an
account waits, twice as long after each further failure; the wait is kept
with the rate limits (tests/test_ratelimit_redis.py: across processes).
The first wait is made long here, so that no test depends on the clock.
"""

from __future__ import annotations

import pytest
from helpers import free_port, text

from app.moderation import throttle

pytestmark = pytest.mark.databases("sqlite", "postgresql")


@pytest.fixture
def guarded(make_app, moderator):
    """Return a client of an app with rate limits and a 5-minute first wait."""
    app = make_app(RATELIMIT_ENABLED=True, CARNET_LOGIN_FIRST_WAIT=300)
    return app.test_client()


def attempt(client, password: str, username: str = "marie", address: str = "1"):
    """Send the login form from the address 198.51.100.<address>."""
    return client.post(
        "/login",
        data={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": f"198.51.100.{address}"},
    )


def test_the_wait_doubles_after_each_failure_up_to_a_ceiling():
    waits = [throttle.wait_after(n) for n in range(1, 8)]
    assert waits == [0, 0, 1, 2, 4, 8, 16]
    assert throttle.wait_after(40) == throttle.MAX_WAIT == 900
    assert throttle.wait_after(5000) == 900


def test_after_three_wrong_passwords_the_account_waits_even_for_the_right_one(
    guarded, moderator
):
    codes = [attempt(guarded, "faux", address=str(n)).status_code for n in range(3)]
    assert codes == [401, 401, 401]
    # From a fourth address, with the right password: the account waits.
    response = attempt(guarded, moderator.password, address="4")
    assert response.status_code == 429
    assert 280 <= int(response.headers["Retry-After"]) <= 300
    page = text(response).replace("&#39;", "'")
    assert "Trop d'essais pour cet identifiant" in page
    assert 'value="marie"' in page  # the name stays in the form
    assert guarded.get("/moderation/").status_code == 302


def test_an_unknown_name_waits_too_so_that_waits_reveal_no_account(guarded):
    for n in range(3):
        answer = attempt(guarded, "x", username="personne", address=str(n))
        assert answer.status_code == 401
    response = attempt(guarded, "x", username="personne", address="9")
    assert response.status_code == 429


def test_one_account_waiting_leaves_the_others_alone(guarded, moderator):
    for n in range(3):
        attempt(guarded, "faux", username="paul", address=str(n))
    assert attempt(guarded, "faux", username="paul").status_code == 429
    assert attempt(guarded, moderator.password).status_code == 303


def test_a_good_password_starts_the_count_again(guarded, moderator):
    for _ in range(2):
        assert attempt(guarded, "faux").status_code == 401
    assert attempt(guarded, moderator.password).status_code == 303
    guarded.post("/logout")
    for _ in range(2):
        assert attempt(guarded, "faux", address="2").status_code == 401
    assert attempt(guarded, moderator.password, address="2").status_code == 303


def test_without_rate_limits_logins_are_not_throttled(client, moderator):
    # The test apps turn rate limits off, and the throttle with them.
    for _ in range(5):
        assert attempt(client, "faux").status_code == 401
    assert attempt(client, moderator.password).status_code == 303


def test_without_redis_the_account_waits_in_this_process(make_app, moderator):
    # Nothing listens there: the counts stay in this process, as the limits do.
    app = make_app(
        RATELIMIT_ENABLED=True,
        CARNET_LOGIN_FIRST_WAIT=300,
        BLOG_RATELIMIT_STORAGE_URL=f"redis://127.0.0.1:{free_port()}/0",
    )
    client = app.test_client()
    codes = [attempt(client, "faux", address=str(n)).status_code for n in range(3)]
    assert codes == [401, 401, 401]
    assert attempt(client, moderator.password, address="4").status_code == 429
