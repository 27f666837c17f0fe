"""The reader's address behind a reverse proxy: trusted only when told to."""

from __future__ import annotations

from helpers import send, stored

PROXY = "10.0.0.2"  # the address the app sees: the proxy's, or a reader's own
READER = "203.0.113.7"  # what X-Forwarded-For claims
# The proxy's own address, as BLOG_PROXY_ADDRESSES names it.
BEHIND_PROXY = {"BLOG_TRUSTED_PROXIES": "1", "BLOG_PROXY_ADDRESSES": "10.0.0.0/24"}


def post_comment(app, forwarded_for: str, body: str = "Bonjour", remote=PROXY):
    """Post a comment arriving from ``remote`` with an X-Forwarded-For header."""
    return send(
        app.test_client(),
        body=body,
        headers={"X-Forwarded-For": forwarded_for},
        environ_base={"REMOTE_ADDR": remote},
    )


def stored_ips(app) -> list[str | None]:
    """Return the address stored with each comment, oldest first."""
    return [comment.ip for comment in stored(app)]


def queue_page(app, auth) -> str:
    """Log the moderator into ``app`` and return the pending tab of the queue."""
    client = app.test_client()
    assert auth.login(client).status_code == 303
    return client.get("/moderation/").get_data(as_text=True)


def test_behind_a_trusted_proxy_the_comment_keeps_the_readers_address(make_app, auth):
    app = make_app(**BEHIND_PROXY)
    assert post_comment(app, READER).status_code == 303
    assert stored_ips(app) == [READER]
    assert f"<dd>{READER}</dd>" in queue_page(app, auth)


def test_without_trusted_proxy_a_forged_forwarded_for_is_ignored(make_app, auth):
    app = make_app(BLOG_TRUSTED_PROXIES="0")
    assert post_comment(app, READER).status_code == 303
    assert stored_ips(app) == [PROXY]
    page = queue_page(app, auth)
    assert f"<dd>{PROXY}</dd>" in page and READER not in page


def test_a_forged_forwarded_for_does_not_escape_the_comment_rate_limit(make_app):
    app = make_app(
        RATELIMIT_ENABLED=True, settings={"comments": {"rate_limit": "2/minute"}}
    )
    codes = [
        post_comment(app, f"198.51.100.{n}", body=f"Essai {n}").status_code
        for n in range(3)
    ]
    assert codes == [303, 303, 429]
    assert stored_ips(app) == [PROXY, PROXY]


def test_behind_a_trusted_proxy_each_reader_has_a_rate_limit_of_their_own(make_app):
    app = make_app(
        **BEHIND_PROXY,
        RATELIMIT_ENABLED=True,
        settings={"comments": {"rate_limit": "2/minute"}},
    )
    codes = [
        post_comment(app, f"198.51.100.{n}", body=f"Essai {n}").status_code
        for n in range(3)
    ]
    assert codes == [303, 303, 303]
    assert post_comment(app, "198.51.100.0", body="Encore").status_code == 303
    assert post_comment(app, "198.51.100.0", body="De trop").status_code == 429


def test_a_forwarded_for_sent_straight_to_the_app_is_ignored(make_app, auth):
    # Trusted proxies are counted, but this request does not come from one:
    # a reader reaching gunicorn directly keeps their own address.
    app = make_app(**BEHIND_PROXY)
    assert post_comment(app, READER, remote="198.51.100.20").status_code == 303
    assert stored_ips(app) == ["198.51.100.20"]
    page = queue_page(app, auth)
    assert "<dd>198.51.100.20</dd>" in page and READER not in page


def test_a_proxy_on_the_same_host_is_trusted_without_naming_it(make_app):
    app = make_app(BLOG_TRUSTED_PROXIES="1")
    assert post_comment(app, READER, remote="127.0.0.1").status_code == 303
    # A dual-stack socket shows the same proxy as an IPv4-mapped address.
    assert (
        post_comment(app, READER, "Encore", remote="::ffff:127.0.0.1").status_code
        == 303
    )
    assert post_comment(app, READER, "Et toi", remote=PROXY).status_code == 303
    assert stored_ips(app) == [READER, READER, PROXY]
