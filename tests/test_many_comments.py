"""A post with thousands of comments: each is sanitised and rendered once, then kept."""

from __future__ import annotations

import sqlalchemy as sa
from helpers import GUITARISTE

from app.comments import sanitize
from app.comments.models import Comment, CommentStatus
from app.content.bounded import BoundedCache
from app.extensions import db
from app.pagecache import ALL

# More than the 4,096 entries the caches used to hold: a page showing more
# evicted its own first comments before it was done.
COMMENTS = 4500


def test_thousands_of_comments_are_not_sanitised_again_at_each_render(
    app, client, monkeypatch
):
    with app.app_context():
        db.session.execute(
            sa.insert(Comment),
            [
                {
                    "post_url": GUITARISTE,
                    "author": f"Lecteur {number}",
                    "body": f"Merci pour ce billet, n° {number} !",
                    "status": CommentStatus.APPROVED,
                }
                for number in range(COMMENTS)
            ],
        )
        db.session.commit()
    cleaned: list[str] = []
    real = sanitize._cleaner.clean
    monkeypatch.setattr(
        sanitize._cleaner, "clean", lambda text: cleaned.append(text) or real(text)
    )

    first = client.get(GUITARISTE)
    assert first.status_code == 200
    assert f"{COMMENTS} commentaires" in first.text
    assert "Merci pour ce billet, n° 4499 !" in first.text
    assert len(cleaned) >= COMMENTS

    cleaned.clear()
    app.extensions["carnet_pages"].invalidate({ALL})  # as a new post would
    again = client.get(GUITARISTE)
    assert again.data == first.data
    assert cleaned == []


def test_the_cache_keeps_what_fits_its_characters_and_drops_the_least_used():
    cache = BoundedCache(max_chars=30)
    cache.put("a", "x" * 10)
    cache.put("b", "y" * 10)
    assert cache.get("a") == "x" * 10  # now the most recently used
    cache.put("c", "z" * 5, key_chars=10)  # 15 more: "b" must go
    assert cache.get("b") is None
    assert (cache.get("a"), cache.get("c")) == ("x" * 10, "z" * 5)
    cache.put("huge", "w" * 31)  # larger than the whole budget: not kept
    assert cache.get("huge") is None
    assert len(cache) == 2
