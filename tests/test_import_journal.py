"""Never half-done, for real: SIGTERM undoes, SIGKILL is finished or undone later.

The import runs in a child process that pauses at a chosen step (after two
files are moved in, or after the commit); the test then sends the signal.
Every wait is bounded.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from importing import TAKEOUT, by_blogger_id, comments, run_import, snapshot

from app.importers.journal import import_lock

ROOT = Path(__file__).resolve().parent.parent
# Runs the real command after making it pause where the test says.
CHILD = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from app.importers import journal

    marker, step = Path(os.environ["PAUSE_MARKER"]), os.environ["PAUSE_AT"]

    def pause():
        marker.write_text("paused")
        time.sleep(60)

    if step == "moving":
        real_replace, moved = os.replace, []

        def replace(src, dst):
            real_replace(src, dst)
            if f"{os.sep}{journal.FILES}{os.sep}" in str(src):
                moved.append(dst)
                if len(moved) == 2:
                    pause()

        os.replace = replace
    else:
        real_discard = journal.Journal.discard

        def discard(self):
            if self.state == "committed":
                pause()
            real_discard(self)

        journal.Journal.discard = discard

    from flask.cli import main
    sys.argv = ["flask", "--app", "wsgi", "import-blogger", sys.argv[1]]
    main()
    """
)


def start_paused(app, tmp_path: Path, step: str) -> subprocess.Popen:
    """Start the import in a child process and wait until it pauses at ``step``."""
    marker = tmp_path / "paused"
    script = tmp_path / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    settings = app.config["CARNET"]
    env = dict(
        os.environ,
        BLOG_POSTS_DIR=str(settings.posts_dir),
        BLOG_DATABASE_URL=settings.database_url,
        BLOG_SECRET_KEY="test-secret",
        BLOG_SETTINGS=str(tmp_path / "absent.toml"),
        PAUSE_MARKER=str(marker),
        PAUSE_AT=step,
    )
    (tmp_path / "absent.toml").write_text("", encoding="utf-8")
    child = subprocess.Popen(
        [sys.executable, str(script), str(TAKEOUT)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not marker.exists():
        if child.poll() is not None or time.monotonic() > deadline:
            child.kill()
            out, err = child.communicate(timeout=30)
            pytest.fail(f"the import never paused at {step}: {out}{err}")
        time.sleep(0.05)
    return child


def stop(child: subprocess.Popen, sig: signal.Signals) -> tuple[int, str]:
    """Send ``sig`` to the paused child; return its exit status and its output."""
    child.send_signal(sig)
    try:
        out, err = child.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        child.kill()
        out, err = child.communicate(timeout=30)
    return child.returncode, out + err


@pytest.mark.slow
def test_sigterm_while_moving_files_in_undoes_everything(app, posts_dir, tmp_path):
    """Two files moved in, then SIGTERM: no post, no comment, no staging folder."""
    before = snapshot(posts_dir)
    child = start_paused(app, tmp_path, "moving")
    half_done = {p for p in snapshot(posts_dir) if not p.startswith(".")} - set(before)
    assert any(p.endswith(".md") for p in half_done)  # the pause was mid-move
    status, output = stop(child, signal.SIGTERM)
    assert status == 128 + signal.SIGTERM, output
    assert "Import interrompu (SIGTERM) : rien n'a été importé." in output
    assert snapshot(posts_dir) == before
    assert comments(app) == []
    assert not list(posts_dir.glob(".carnet-import-*"))


@pytest.mark.slow
def test_sigkill_while_moving_is_reported_by_check_and_undone_by_next_run(
    app, posts_dir, tmp_path
):
    """SIGKILL leaves a journal: check names it; the next run undoes, then imports."""
    child = start_paused(app, tmp_path, "moving")
    status, _ = stop(child, signal.SIGKILL)
    assert status == -signal.SIGKILL
    [left] = posts_dir.glob(".carnet-import-*")
    assert comments(app) == []  # never committed
    check = app.test_cli_runner().invoke(args=["check"])
    assert check.exit_code == 1
    assert f"posts/{left.name} : import Blogger interrompu (processus tué)" in (
        check.output
    )
    result = run_import(app, TAKEOUT)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        "Import interrompu annulé : 6 fichier(s) retiré(s)."
    )
    assert "Importés : 5 article(s) et 1 page(s)" in result.output
    assert set(by_blogger_id(app)) == {"3001", "3002", "3003", "3005", "3006"}
    assert not list(posts_dir.glob(".carnet-import-*"))
    assert app.test_cli_runner().invoke(args=["check"]).exit_code == 0


@pytest.mark.slow
def test_sigkill_after_the_commit_is_finished_by_next_run(app, posts_dir, tmp_path):
    """Killed once comments were stored: the next run finishes, adds nothing twice."""
    child = start_paused(app, tmp_path, "committed")
    stop(child, signal.SIGKILL)
    assert list(posts_dir.glob(".carnet-import-*"))
    assert len(comments(app)) == 5
    result = run_import(app, TAKEOUT)
    assert result.output.startswith("Import interrompu terminé : 6 fichier(s).")
    assert "Importés : 0 article(s)" in result.output
    assert len(comments(app)) == 5
    assert (posts_dir / "2011" / "10" / "nach-suzhou.md").exists()
    assert not list(posts_dir.glob(".carnet-import-*"))


def test_check_reports_a_left_folder_but_not_a_running_import(app, posts_dir):
    """A staging folder is a problem, unless an import holds the folder right now."""
    (posts_dir / ".carnet-import-abc123").mkdir()
    runner = app.test_cli_runner()
    with import_lock(posts_dir):
        assert runner.invoke(args=["check"]).exit_code == 0
    result = runner.invoke(args=["check"])
    assert result.exit_code == 1
    assert "posts/.carnet-import-abc123 : import Blogger interrompu" in result.output


def test_second_import_at_once_is_refused(app, posts_dir):
    """Two imports into one posts folder: the second says so and writes nothing."""
    before = snapshot(posts_dir)
    with import_lock(posts_dir):
        result = run_import(app, TAKEOUT)
    assert result.exit_code != 0
    assert "un autre import est en cours" in result.output
    assert snapshot(posts_dir) == before
