"""Two Carnet instances behind nginx, sharing PostgreSQL and Redis.

As the README deploys several machines: each instance is gunicorn (2
workers) started with gunicorn.conf.py, with its own copy of the posts, its
own blog.toml and instance folder, and the same BLOG_SECRET_KEY; nginx runs
deploy/nginx.conf with both in its upstream and serves the folder
collect-static filled; comments live in a throwaway PostgreSQL schema and
rate limits in a throwaway Redis database. Skipped, saying why, without
nginx, PostgreSQL or Redis. Every wait is bounded; nothing asserts on speed.
"""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from cluster import (
    REDIS_HOST,
    REDIS_PORT,
    TIMEOUT,
    Instance,
    Load,
    claim_redis_db,
    finish,
    flask,
    host_env,
    loopback_addresses_work,
    reader_at,
    send,
    start_instance,
    stored_comments,
)
from databases import fresh_schema, schema_url
from helpers import GUITARISTE, MODERATOR, csrf_token_of, form_token_of
from lxml import html
from servers import NGINX, ROOT, nginx

from app.freshness import POLL_INTERVAL

requests = pytest.importorskip("requests")
pytestmark = pytest.mark.slow

SETTINGS = """
[comments]
rate_limit = "3/minute"

[cache]
max_age = 1
stale_while_revalidate = 1
"""
# nginx leaves a failed server out for this long (deploy/nginx.conf).
FAIL_TIMEOUT = int(
    re.search(r"fail_timeout=(\d+)s", (ROOT / "deploy" / "nginx.conf").read_text())[1]
)


@dataclass
class Cluster:
    """nginx's address, the instances behind it, and what they share."""

    base: str
    instances: list[Instance]
    database: str
    redis: Any = field(repr=False)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """Yield a running cluster: two instances behind nginx, PostgreSQL, Redis."""
    if not Path(NGINX).exists():
        pytest.skip("nginx is not installed (apt-get install nginx)")
    if not loopback_addresses_work():
        pytest.skip("this machine only answers on 127.0.0.1, not all of 127.0.0.0/8")
    redis = pytest.importorskip("redis")
    number, redis_db = claim_redis_db(redis)
    root = tmp_path_factory.mktemp("cluster")
    try:
        with fresh_schema() as schema:
            common = {
                "BLOG_SECRET_KEY": "the same key on every host",
                "BLOG_DATABASE_URL": schema_url(schema),
                "BLOG_RATELIMIT_STORAGE_URL": (
                    f"redis://{REDIS_HOST}:{REDIS_PORT}/{number}"
                ),
                "BLOG_TRUSTED_PROXIES": "1",
            }
            envs = {h: host_env(root / h, SETTINGS, common) for h in ("a", "b")}
            # Every host's deploy runs it: one migrates, the other waits.
            finish(*(flask(env, "db", "upgrade") for env in envs.values()))
            finish(
                flask(
                    envs["a"],
                    "moderator",
                    "create",
                    MODERATOR.username,
                    "--password-stdin",
                    stdin=MODERATOR.password,
                ),
                flask(envs["b"], "collect-static", str(root / "static")),
            )
            instances = [start_instance(h, env, root / h) for h, env in envs.items()]
            try:
                for instance in instances:
                    instance.wait_until_ready()
                ports = [instance.port for instance in instances]
                with nginx(ports, root / "nginx", root / "static") as port:
                    yield Cluster(
                        f"http://127.0.0.1:{port}",
                        instances,
                        common["BLOG_DATABASE_URL"],
                        redis_db,
                    )
            finally:
                # Their connections must be closed before the schema goes.
                for instance in instances:
                    if instance.process.poll() is None:
                        instance.stop(grace=TIMEOUT)
    finally:
        redis_db.flushdb()
        redis_db.close()


def eventually(check, what: str, seconds: float = 30.0):
    """Poll ``check()`` until it returns something true; return it, or fail."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.1)
    pytest.fail(f"{what}: still not after {seconds:.0f} s")


def log_in(instance: Instance, address: str):
    """Log the moderator in on one instance; return the session."""
    moderator = reader_at(address)
    page = moderator.get(instance.base + "/login", timeout=TIMEOUT).text
    answer = moderator.post(
        instance.base + "/login",
        data={
            "username": MODERATOR.username,
            "password": MODERATOR.password,
            "csrf_token": csrf_token_of(page),
        },
        headers={"Origin": instance.base},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert answer.status_code == 303, answer.text
    return moderator


def queue_items(page: str) -> dict[int, str]:
    """Return the moderation queue's comments: id → the item's text."""
    items = html.fromstring(page).xpath('//li[@class="moderation-item"]')
    return {int(item.get("id")[1:]): item.text_content() for item in items}


def test_a_comment_sent_through_nginx_is_moderated_on_the_other_instance(cluster):
    reader = reader_at("127.0.0.11")
    token = form_token_of(reader.get(cluster.base + GUITARISTE, timeout=TIMEOUT).text)
    marker = uuid.uuid4().hex
    body = f"Vu des deux côtés ({marker})"
    agent = f"cluster-test/{marker}"
    sent = send(reader, cluster.base, body, token, **{"User-Agent": agent})
    assert sent.status_code == 303
    took = eventually(
        lambda: next((i for i in cluster.instances if agent in i.access_log()), None),
        "the instance that took the comment",
    )
    [other] = [i for i in cluster.instances if i is not took]

    moderator = log_in(other, "127.0.0.12")
    queue = moderator.get(other.base + "/moderation/", timeout=TIMEOUT).text
    [comment_id] = [i for i, text in queue_items(queue).items() if marker in text]
    approved = moderator.post(
        other.base + "/moderation/",
        data={
            "csrf_token": csrf_token_of(queue),
            "tab": "pending",
            "ids": str(comment_id),
            "action": "approve",
        },
        headers={"Origin": other.base},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert approved.status_code == 303
    # One secret key: the session opened on one instance works on the other.
    elsewhere = moderator.get(took.base + "/moderation/?tab=approved", timeout=TIMEOUT)
    assert comment_id in queue_items(elsewhere.text)

    # Each worker of each instance reads the change log at most this often.
    time.sleep(POLL_INTERVAL + 0.1)
    for instance in cluster.instances:
        for _ in range(3):  # whichever of its two workers answers
            page = reader.get(instance.base + GUITARISTE, timeout=TIMEOUT).text
            assert body in page, f"not shown by instance {instance.name}"
    # nginx keeps the page max_age seconds (1 in this blog.toml), then asks.
    eventually(
        lambda: body in reader.get(cluster.base + GUITARISTE, timeout=TIMEOUT).text,
        "the approved comment through nginx",
    )


def test_the_rate_limit_counts_across_both_instances(cluster):
    address = "127.0.0.21"
    reader = reader_at(address)
    first, second = cluster.instances
    token = form_token_of(reader.get(first.base + GUITARISTE, timeout=TIMEOUT).text)
    marker = uuid.uuid4().hex
    # 3 a minute (blog.toml): one instance, the other, the first again...
    codes = [
        send(reader, instance.base, f"Essai {n} ({marker})", token).status_code
        for n, instance in enumerate([first, second, first, second])
    ]
    assert codes == [303, 303, 303, 429]
    # ...and through nginx, which says who the reader is: the same count.
    assert send(reader, cluster.base, f"Essai 4 ({marker})", token).status_code == 429
    mine = [c for c in stored_comments(cluster.database) if marker in c["body"]]
    assert [c["ip"] for c in mine] == [address] * 3
    assert any(address in key.decode() for key in cluster.redis.scan_iter())


def test_a_forged_forwarded_for_is_ignored_while_nginxs_is_trusted(cluster):
    first, second = cluster.instances
    straight, through = reader_at("127.0.0.31"), reader_at("127.0.0.32")
    forged = {"X-Forwarded-For": "203.0.113.66"}
    token = form_token_of(straight.get(first.base + GUITARISTE, timeout=TIMEOUT).text)
    marker = uuid.uuid4().hex
    direct, proxied = f"Tout droit ({marker})", f"Par nginx ({marker})"
    assert send(straight, first.base, direct, token, **forged).status_code == 303
    # nginx adds the address it saw to what the reader claimed.
    assert send(through, cluster.base, proxied, token, **forged).status_code == 303
    stored = {c["body"]: c["ip"] for c in stored_comments(cluster.database)}
    assert (stored[direct], stored[proxied]) == ("127.0.0.31", "127.0.0.32")

    moderator = log_in(second, "127.0.0.33")
    queue = moderator.get(second.base + "/moderation/", timeout=TIMEOUT).text
    shown = {text for text in queue_items(queue).values() if marker in text}
    assert len(shown) == 2
    assert any("127.0.0.31" in text and direct in text for text in shown)
    assert any("127.0.0.32" in text and proxied in text for text in shown)
    assert "203.0.113.66" not in queue


def test_stopping_an_instance_under_load_loses_no_comment(cluster):
    doomed, survivor = cluster.instances
    page = requests.get(cluster.base + GUITARISTE, timeout=TIMEOUT).text
    load = Load(cluster.base, form_token_of(page))
    load.start(commenters=3, readers=2)
    try:
        eventually(lambda: load.count() >= 30, "answers before the stop", TIMEOUT)
        stopped_at = time.monotonic()
        how = doomed.stop(grace=0.2)
        gone_at = time.monotonic()
        # Let the load run past nginx's health-check interval, and then some.
        eventually(
            lambda: load.count(since=gone_at + FAIL_TIMEOUT) >= 30,
            "answers after the stop",
            TIMEOUT,
        )
    finally:
        load.stop()

    answers = load.answers
    comments = [a for a in answers if a.body]
    accepted = [a.body for a in comments if a.status == 303]
    stored = [c["body"] for c in stored_comments(cluster.database)]
    failed = [a for a in answers if a.status not in (200, 303)]
    print(
        f"{len(answers)} answers ({len(comments)} comments, {len(accepted)} "
        f"accepted); {doomed.name} ended by {how}; {len(failed)} failed, "
        f"statuses {sorted({a.status for a in failed})}"
    )
    # Both instances served the load before the stop (nginx takes turns).
    assert all(load.agent in i.access_log() for i in cluster.instances)
    # Every comment answered 303 is stored, once; none is stored twice.
    assert all(stored.count(body) == 1 for body in accepted)
    assert len(set(stored)) == len(stored)
    # A request may fail only if it was under way when the instance went away,
    # and only as nginx's 502 (the app itself never answers 500)...
    assert all(a.started < gone_at and a.ended > stopped_at for a in failed)
    assert {a.status for a in failed} <= {502}
    # ...and after the health-check interval nginx sends everything to the other.
    late = [a for a in answers if a.started >= gone_at + FAIL_TIMEOUT]
    assert late and all(a.status in (200, 303) for a in late)
    assert survivor.process.poll() is None
