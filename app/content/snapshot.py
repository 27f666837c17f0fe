"""Snapshot: the lookup tables readers query, built at once from the posts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from operator import attrgetter
from pathlib import Path
from typing import Any

from app.content.post import Post
from app.content.problems import N_, PostError
from app.content.search import Postings
from app.content.slugs import fold


@dataclass(frozen=True)
class Snapshot:
    """What readers see at one version: built once, never modified."""

    version: int
    next_publish: datetime | None  # when the next scheduled post goes live
    problems: tuple[PostError, ...]
    collisions: tuple[PostError, ...]
    all_posts: tuple[Post, ...]
    visible: tuple[Post, ...]
    position: dict[str, int]  # url -> index in visible
    id_position: dict[int, int]  # search number -> index in visible
    by_ymd: dict[tuple[int, int, str], Post]
    by_url: dict[str, Post]
    by_alias: dict[str, Post]
    by_post_id: dict[str, Post]
    by_year: dict[int, tuple[Post, ...]]
    by_month: dict[tuple[int, int], tuple[Post, ...]]
    by_label: dict[str, tuple[Post, ...]]
    by_label_casefold: dict[str, tuple[Post, ...]]
    by_label_fold: dict[str, tuple[Post, ...]]
    labels: tuple[tuple[str, int], ...]
    archive: tuple[tuple[int, int, tuple[tuple[int, int], ...]], ...]
    pages: tuple[Post, ...]
    page_by_slug: dict[str, Post]
    postings: Postings = field(default_factory=dict)


def _claim_urls(
    posts: dict[str, Post], root: Path | None
) -> tuple[dict[str, Post], dict[str, Post], list[PostError]]:
    """Resolve URL and alias owners; the file whose path sorts first wins."""
    owners: dict[str, Post] = {}
    errors: list[PostError] = []

    def clash(post: Post, reason: str, **args: Any) -> None:
        errors.append(PostError(post.source, None, reason, args, root=root))

    def shown(post: Post) -> str:
        return PostError(post.source, None, "", root=root).where

    for path in sorted(posts):
        post = posts[path]
        first = owners.setdefault(post.url, post)
        if first is not post:
            clash(
                first,
                N_("adresse en double %(url)s (aussi %(other)s ; celui-ci est servi)"),
                url=post.url,
                other=shown(post),
            )
            clash(
                post,
                N_("adresse en double %(url)s (aussi %(other)s, qui est servi)"),
                url=post.url,
                other=shown(first),
            )
    aliases: dict[str, Post] = {}
    for path in sorted(posts):
        post = posts[path]
        if owners.get(post.url) is not post:
            continue
        for alias in post.aliases:
            if alias in owners:
                clash(
                    post,
                    N_("l’alias %(alias)s est l’adresse de %(other)s"),
                    alias=alias,
                    other=shown(owners[alias]),
                )
                continue
            first = aliases.setdefault(alias, post)
            if first is not post:
                for claimant, other in ((first, post), (post, first)):
                    clash(
                        claimant,
                        N_("l’alias %(alias)s est aussi revendiqué par %(other)s"),
                        alias=alias,
                        other=shown(other),
                    )
    return owners, aliases, errors


def _merge_labels(
    by_label: dict[str, tuple[Post, ...]],
    key: Callable[[str], str],
    position: dict[str, int],
) -> dict[str, tuple[Post, ...]]:
    """Merge label groups whose names are equal under key, newest first."""
    groups: dict[str, list[tuple[Post, ...]]] = {}
    for label, found in by_label.items():
        groups.setdefault(key(label), []).append(found)
    merged: dict[str, tuple[Post, ...]] = {}
    for name, lists in groups.items():
        if len(lists) == 1:
            merged[name] = lists[0]
        else:
            unique = {post.url: post for found in lists for post in found}
            merged[name] = tuple(sorted(unique.values(), key=lambda p: position[p.url]))
    return merged


def _archive(
    by_year: dict[int, tuple[Post, ...]], by_month: dict[tuple[int, int], tuple]
) -> tuple:
    """Return ((year, count, ((month, count), ...)), ...), newest first."""
    return tuple(
        (
            year,
            len(by_year[year]),
            tuple(
                (m, len(by_month[(year, m)]))
                for m in sorted({p.month for p in by_year[year]}, reverse=True)
            ),
        )
        for year in sorted(by_year, reverse=True)
    )


def build_snapshot(
    posts: dict[str, Post],
    ids: dict[str, int],
    errors: list[PostError],
    now: datetime,
    version: int,
    root: Path | None = None,
    postings: Postings | None = None,
) -> Snapshot:
    """Build every lookup table readers need from the readable posts."""
    owners, aliases, collisions = _claim_urls(posts, root)
    # Two stable C-level sorts (URL, then date) instead of a Python key tuple:
    # this runs on every change of a 10,000-post blog.
    everything = sorted(posts.values(), key=attrgetter("url"), reverse=True)
    everything.sort(key=attrgetter("date"), reverse=True)
    served = {id(p) for p in owners.values() if not p.draft}
    live = [p for p in everything if id(p) in served]
    articles = [p for p in live if not p.is_page]
    # Scheduled posts sort first; only they are compared with the clock.
    if articles:
        now = now.astimezone(articles[0].date.tzinfo)  # same tz: fast compare
    first = 0
    while first < len(articles) and articles[first].date > now:
        first += 1
    visible = tuple(articles[first:])
    pages = tuple(sorted((p for p in live if p.is_page), key=lambda p: fold(p.title)))
    position = {p.url: i for i, p in enumerate(visible)}
    number = {id(p): ids[path] for path, p in posts.items() if path in ids}
    by_label: dict[str, list[Post]] = {}
    by_year: dict[int, list[Post]] = {}
    by_month: dict[tuple[int, int], list[Post]] = {}
    by_post_id: dict[str, Post] = {p.post_id: p for p in pages}
    for post in visible:
        for label in post.labels:
            by_label.setdefault(label, []).append(post)
        by_year.setdefault(post.date.year, []).append(post)
        by_month.setdefault((post.date.year, post.date.month), []).append(post)
        by_post_id[post.post_id] = post
    for post in (*pages, *visible):
        # Old Blogger links name posts by the number in their Blogger id.
        tail = (post.blogger_id or "").rpartition("-")[2]
        if tail.isdigit():
            by_post_id.setdefault(tail, post)
    labels = {k: tuple(v) for k, v in by_label.items()}
    years = {k: tuple(v) for k, v in by_year.items()}
    months = {k: tuple(v) for k, v in by_month.items()}
    shown = {id(p) for p in (*visible, *pages)}
    return Snapshot(
        version=version,
        next_publish=articles[first - 1].date if first else None,
        problems=tuple(
            sorted((*errors, *collisions), key=lambda e: (str(e.path), e.line or 0))
        ),
        collisions=tuple(collisions),
        all_posts=tuple(everything),
        visible=visible,
        position=position,
        id_position={
            number[id(p)]: i for i, p in enumerate(visible) if id(p) in number
        },
        by_ymd={(p.date.year, p.date.month, p.slug): p for p in visible},
        by_url={p.url: p for p in (*pages, *visible)},
        by_alias={a: p for a, p in aliases.items() if id(p) in shown},
        by_post_id=by_post_id,
        by_year=years,
        by_month=months,
        by_label=labels,
        by_label_casefold=_merge_labels(labels, str.casefold, position),
        by_label_fold=_merge_labels(labels, fold, position),
        labels=tuple(
            sorted(
                ((lb, len(ps)) for lb, ps in labels.items()),
                key=lambda x: (fold(x[0]), x[0]),
            )
        ),
        archive=_archive(years, months),
        pages=pages,
        page_by_slug={p.slug: p for p in pages},
        postings=postings if postings is not None else {},
    )
