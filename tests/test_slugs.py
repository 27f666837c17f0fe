"""Blogger-style slugs and accent-insensitive folding."""

import pytest

from app.content.slugs import fold, slugify, words


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Vœux pour l'année nouvelle", "voeux-pour-lannee-nouvelle"),
        (
            "Un guitariste, des humains et le numérique",
            "un-guitariste-des-humains-et-le",
        ),
        ("Je m’appelle Élise", "je-mappelle-elise"),
        ("Ça coûte 3 € — vraiment ?!", "ca-coute-3-eur-vraiment"),
        ("  --Hello   World--  ", "hello-world"),
        ("L'été à Noël", "lete-a-noel"),
    ],
)
def test_slug_follows_blogger_rules(title, slug):
    assert slugify(title) == slug


def test_slug_is_cut_at_a_word_boundary_within_39_characters():
    slug = slugify("Les aventures extraordinaires d'un guitariste numérique")
    assert len(slug) <= 39
    assert slug == "les-aventures-extraordinaires-dun"


def test_slug_keeps_a_word_ending_exactly_at_the_limit():
    title = "a" * 39 + " suite"
    assert slugify(title) == "a" * 39


def test_single_overlong_word_is_cut_hard():
    assert slugify("x" * 60) == "x" * 39


@pytest.mark.parametrize("title", ["", "   ", "?!…", "« »"])
def test_empty_slug_becomes_blog_post(title):
    assert slugify(title) == "blog-post"


def test_fold_strips_accents_case_and_ligatures():
    assert fold("NUMÉRIQUE Œuvre") == "numerique oeuvre"
    assert words("L’été, c’est «bien» !") == ["l", "ete", "c", "est", "bien"]
