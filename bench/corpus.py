"""Write a synthetic blog of N French posts, for benchmarks."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

WORDS = (
    "randonnée sentier confiture numérique carnet lecture fichier soupe potiron "
    "forêt rivière été hiver automne printemps marché village café tableau code "
    "réseau livre pluie soleil montagne jardin cuisine recette outil script"
).split()
LABELS = ["randonnée", "cuisine", "numérique", "lectures", "code", "jardin", "voyage"]


def paragraph(rng: random.Random, words: int = 60) -> str:
    """Return a paragraph of random words, with a little Markdown."""
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text.capitalize() + " : *fin* du paragraphe ?"


def write_corpus(folder: Path, count: int, seed: int = 7) -> list[Path]:
    """Write ``count`` posts spread over ten years into ``folder``."""
    rng = random.Random(seed)
    start = datetime(2015, 1, 1, 8, 0)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(count):
        when = start + timedelta(minutes=number * 523)
        labels = rng.sample(LABELS, 2)
        body = "\n\n".join(paragraph(rng) for _ in range(6))
        path = folder / f"{when:%Y}" / f"{when:%Y-%m-%d}-billet-{number}.md"
        path.parent.mkdir(exist_ok=True)
        path.write_text(
            "---\n"
            f"title: Billet numéro {number} sur {labels[0]}\n"
            f"date: {when:%Y-%m-%d %H:%M}\n"
            f"labels: [{', '.join(labels)}]\n"
            "---\n"
            f"{body}\n\n<!--more-->\n\n{paragraph(rng)}\n",
            encoding="utf-8",
        )
        paths.append(path)
    return paths
