"""Word search over posts: postings kept up to date one file at a time."""

from __future__ import annotations

from bisect import bisect_left

from app.content.post import Post, plain_text
from app.content.slugs import words

# Search postings: word -> sorted numbers of the posts holding it. Tuples,
# not frozensets: a 10,000-post blog has ~2 million postings, and a tuple
# costs 8 bytes per entry where a set costs ~40.
Postings = tuple[int, ...]

# Terms this short match whole words only: as prefixes they would match
# most of the vocabulary and make a query slow for nothing.
_SHORT_TERM = 2
_MAX_TERMS = 8


def post_tokens(post: Post) -> set[str]:
    """Return the distinct folded words of a post's title and body."""
    return set(words(f"{post.title}\n{plain_text(post.body)}"))


def _apply(ids: Postings, gone: set[int], new: set[int]) -> Postings:
    """Return sorted ids without gone and with new (one change: no full sort)."""
    if len(gone) + len(new) == 1:
        (number,) = gone or new
        at = bisect_left(ids, number)
        present = at < len(ids) and ids[at] == number
        if gone and present:
            return ids[:at] + ids[at + 1 :]
        if new and not present:
            return ids[:at] + (number,) + ids[at:]
        return ids
    return tuple(sorted((set(ids) - gone) | new))


def update_postings(
    postings: dict[str, Postings],
    numbers: dict[str, int],
    before: dict[str, object],
    after: dict[str, object],
) -> dict[str, Postings]:
    """Return postings updated for the files that changed (copy on write).

    ``before`` and ``after`` map a file's path to what it held (a Post, or
    anything else for a file that could not be read); ``numbers`` gives each
    file a stable number and is extended for new files.
    """
    # Lists, not sets: a cold build adds ~2 million postings at once.
    removed: dict[str, list[int]] = {}
    added: dict[str, list[int]] = {}
    for changes, values in ((removed, before), (added, after)):
        for path, value in values.items():
            if not isinstance(value, Post) or value.draft or value.is_page:
                continue
            number = numbers.setdefault(path, len(numbers))
            for token in post_tokens(value):
                changes.setdefault(token, []).append(number)
    if not removed and not added:
        return postings
    postings = dict(postings)
    for token in removed.keys() | added.keys():
        gone = set(removed.get(token, ()))
        new = set(added.get(token, ()))
        # An edited post keeps most of its words: nothing to do for them.
        gone, new = gone - new, new - gone
        if gone or new:
            ids = _apply(postings.get(token, ()), gone, new)
            if ids:
                postings[token] = ids
            else:
                postings.pop(token, None)
    return postings


def matching_numbers(
    postings: dict[str, Postings], tokens: list[str], q: str
) -> set[int]:
    """Return the numbers of the posts holding every word of q (as prefixes).

    ``tokens`` is the sorted vocabulary of ``postings``.
    """
    # Long words are rarer: start with them. A bounded number of words
    # keeps a hostile query from costing more than a few unions.
    terms = sorted(set(words(q)), key=len, reverse=True)[:_MAX_TERMS]
    found: set[int] | None = None
    for term in terms:
        if len(term) <= _SHORT_TERM:
            ids = set(postings.get(term, ()))
        else:
            ids = set()
            start = bisect_left(tokens, term)
            for token in tokens[start : bisect_left(tokens, term + "\U0010ffff")]:
                ids.update(postings[token])
        found = ids if found is None else found & ids
        if not found:
            return set()
    return found or set()
