"""Word search over posts: postings that only ever grow, compacted now and then.

Each *version* of a post file gets a new number, larger than every number
before it. Adding a version appends its number to the postings of its words
(appending keeps them sorted); the numbers of older versions stay behind,
dead: searches ignore numbers that no current post holds. So a post's old
words need not be known to forget them, and the index keeps no post bodies.
When dead numbers pass a quarter of all numbers, the postings are compacted.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterable

from app.content.slugs import raw_words, words

# word -> sorted numbers of the post versions holding it, 4 bytes each.
Postings = dict[str, array]

# Terms this short match whole words only: as prefixes they would match
# most of the vocabulary and make a query slow for nothing.
_SHORT_TERM = 2
_MAX_TERMS = 8
_TYPECODE = "I"


class WordFolder:
    """Fold each piece of text once: a blog's vocabulary is small, its texts long.

    A text is cut at whitespace (``str.split``, far faster than the word
    pattern over a whole text); whitespace is never part of a word, so the
    pieces hold the same words. Each distinct piece ("été," or "l'été") is
    folded once and remembered.
    """

    def __init__(self) -> None:
        """Start with an empty memo."""
        self._memo: dict[str, tuple[str, ...]] = {}

    def tokens(self, text: str) -> set[str]:
        """Return the distinct folded words of ``text``."""
        memo = self._memo
        found: set[str] = set()
        for piece in set(text.split()):
            folded = memo.get(piece)
            if folded is None:
                # Folding may split a word ("½" becomes "1⁄2"): as words() does.
                folded = memo[piece] = tuple(
                    word for raw in raw_words(piece) for word in words(raw)
                )
            found.update(folded)
        return found


def add_versions(
    postings: Postings, additions: Iterable[tuple[int, Iterable[str]]]
) -> Postings:
    """Return postings with each ``(number, tokens)`` added (copy on write).

    Numbers come in increasing order, larger than every number already
    there, so appending keeps each list sorted. The lists of untouched words
    are shared with ``postings``, never copied; each touched list is copied
    once however many numbers join it.
    """
    grown: dict[str, array] = {}
    for number, tokens in additions:
        for token in tokens:
            numbers = grown.get(token)
            if numbers is None:
                current = postings.get(token)
                numbers = array(_TYPECODE, current or ())
                grown[token] = numbers
            numbers.append(number)
    if not grown:
        return postings
    updated = dict(postings)
    updated.update(grown)
    return updated


def postings_from_bytes(raw: bytes) -> array:
    """Return a list of numbers saved with ``array.tobytes``."""
    numbers = array(_TYPECODE)
    numbers.frombytes(raw)
    return numbers


def compact(postings: Postings, live: set[int]) -> Postings:
    """Return postings holding only the ``live`` numbers."""
    result: Postings = {}
    for token, numbers in postings.items():
        kept = array(_TYPECODE, (n for n in numbers if n in live))
        if kept:
            result[token] = kept
    return result


def matching_numbers(postings: Postings, tokens: list[str], q: str) -> set[int]:
    """Return the numbers of the post versions holding every word of q (prefixes).

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
