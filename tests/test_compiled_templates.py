"""Templates compiled once are kept in the instance folder, for the next start."""

from __future__ import annotations

import logging
import shutil

from app.compiled_templates import FOLDER


def counting_compiles(app) -> list[str]:
    """Record the names of the templates ``app`` compiles from their source."""
    compiled: list[str] = []
    real = app.jinja_env.compile

    def compile_source(source, name=None, filename=None, *args, **kwargs):
        compiled.append(name)
        return real(source, name, filename, *args, **kwargs)

    app.jinja_env.compile = compile_source
    return compiled


def test_a_restarted_site_serves_its_pages_without_compiling_them_again(
    make_app, tmp_path
):
    instance = str(tmp_path / "instance")
    first = make_app(BLOG_INSTANCE_DIR=instance, keep_compiled_templates=True)
    first_compiles = counting_compiles(first)
    home = first.test_client().get("/")
    assert home.status_code == 200
    assert "blog/home.html" in first_compiles
    assert any((tmp_path / "instance" / FOLDER).iterdir())

    again = make_app(BLOG_INSTANCE_DIR=instance, keep_compiled_templates=True)
    again_compiles = counting_compiles(again)
    assert again.test_client().get("/").data == home.data
    assert again_compiles == []


def test_an_edited_template_is_compiled_again(make_app, tmp_path):
    instance = str(tmp_path / "instance")
    first = make_app(BLOG_INSTANCE_DIR=instance, keep_compiled_templates=True)
    templates = tmp_path / "templates"
    shutil.copytree(first.template_folder, templates)
    first.jinja_loader.searchpath = [str(templates)]
    assert first.test_client().get("/").status_code == 200

    home = templates / "blog" / "home.html"
    home.write_text(
        home.read_text(encoding="utf-8").replace(
            "{% block content %}", "{% block content %}<p>Édité.</p>", 1
        ),
        encoding="utf-8",
    )
    again = make_app(BLOG_INSTANCE_DIR=instance, keep_compiled_templates=True)
    again.jinja_loader.searchpath = [str(templates)]
    compiles = counting_compiles(again)
    assert "<p>Édité.</p>" in again.test_client().get("/").text
    assert compiles == ["blog/home.html"]


def test_a_folder_that_cannot_hold_them_costs_time_not_pages(
    make_app, tmp_path, caplog
):
    caplog.set_level(logging.WARNING, logger="carnet.templates")
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / FOLDER).write_text("a file where the folder should be")
    blocked = make_app(BLOG_INSTANCE_DIR=str(instance), keep_compiled_templates=True)
    assert blocked.test_client().get("/").status_code == 200
    assert "compiled templates not kept" in caplog.text

    caplog.clear()
    (instance / FOLDER).unlink()
    vanished = make_app(BLOG_INSTANCE_DIR=str(instance), keep_compiled_templates=True)
    shutil.rmtree(instance / FOLDER)  # removed under the running site
    client = vanished.test_client()
    assert client.get("/").status_code == 200
    assert client.get("/2011/10/").status_code == 200
    assert caplog.text.count("compiled templates not kept") == 1


def test_an_environment_that_compiles_differently_compiles_again(make_app, tmp_path):
    instance = str(tmp_path / "instance")
    first = make_app(BLOG_INSTANCE_DIR=instance, keep_compiled_templates=True)
    assert first.test_client().get("/").status_code == 200

    again = make_app(BLOG_INSTANCE_DIR=instance, keep_compiled_templates=True)
    again.jinja_env.trim_blocks = True  # whitespace control: other code
    compiles = counting_compiles(again)
    assert again.test_client().get("/").status_code == 200
    assert "blog/home.html" in compiles
