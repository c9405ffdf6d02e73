"""The mini-program opens in WeChat DevTools as it is: its project files, and every page and component whole.

Runs with Python alone; the journeys that drive the pages need Node (miniprogram_stubs/run-tests.sh).
"""
import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "miniprogram_stubs"
FOUR = (".json", ".wxml", ".wxss", ".js")


def read_json(path):
    return json.loads(path.read_text(encoding="utf-8"))


def app():
    return read_json(ROOT / "app.json")


def pages():
    return app()["pages"]


def components_used():
    """(who uses it, tag, its path without extension) for every usingComponents entry, app.json included."""
    owners = [("app.json", ROOT / "app.json")]
    owners += [(page, ROOT / f"{page}.json") for page in pages()]
    owners += [(str(p.relative_to(ROOT)), p) for p in (ROOT / "components").rglob("*.json")]
    used = []
    for owner, path in owners:
        for tag, target in read_json(path).get("usingComponents", {}).items():
            base = ROOT / target.lstrip("/") if target.startswith("/") else (path.parent / target).resolve()
            used.append((owner, tag, base))
    return used


@pytest.mark.parametrize("name", ["project.config.json", "sitemap.json", "app.json"])
def test_project_files_are_present_and_valid_json(name):
    assert isinstance(read_json(ROOT / name), dict)


def test_project_config_names_a_mini_program_rooted_here():
    config = read_json(ROOT / "project.config.json")
    assert config["compileType"] == "miniprogram"
    assert config["appid"]
    assert config.get("miniprogramRoot", "./") in ("", "./", ".")


def test_app_has_its_entry_files_and_lists_pages():
    for name in ("app.js", "app.wxss"):
        assert (ROOT / name).is_file(), name
    assert pages(), "app.json lists no pages"
    assert len(pages()) == len(set(pages()))


@pytest.mark.parametrize("page", pages())
def test_every_page_has_its_four_files(page):
    missing = [ext for ext in FOUR if not (ROOT / f"{page}{ext}").is_file()]
    assert not missing, f"{page} lacks {missing}"


@pytest.mark.parametrize("page", pages())
def test_every_page_is_written_with_component(page):
    source = (ROOT / f"{page}.js").read_text(encoding="utf-8")
    assert re.search(r"^Component\(", source, re.M), f"{page}.js does not call Component()"
    assert not re.search(r"^Page\(", source, re.M)
    assert "usingComponents" in read_json(ROOT / f"{page}.json"), "a Component() page needs usingComponents"


def test_every_component_used_exists_whole():
    problems = []
    for owner, tag, base in components_used():
        missing = [ext for ext in FOUR if not base.with_suffix(ext).is_file()]
        if missing:
            problems.append(f"{owner}: <{tag}> → {base.relative_to(ROOT)} lacks {missing}")
        elif read_json(base.with_suffix(".json")).get("component") is not True:
            problems.append(f"{owner}: <{tag}> → {base.relative_to(ROOT)}.json is not a component")
    assert not problems, problems


def test_tab_bar_and_sitemap_name_only_listed_pages():
    listed = set(pages())
    tabs = [item["pagePath"] for item in app().get("tabBar", {}).get("list", [])]
    assert set(tabs) <= listed
    sitemap_pages = [rule["page"] for rule in read_json(ROOT / "sitemap.json")["rules"] if rule["page"] != "*"]
    assert set(sitemap_pages) <= listed
    assert app().get("sitemapLocation") == "sitemap.json"


def test_the_checks_above_see_a_broken_project(tmp_path, monkeypatch):
    """A page without its .wxml and a component that is not there are both reported."""
    broken = tmp_path / "mp"
    (broken / "pages/a").mkdir(parents=True)
    (broken / "app.json").write_text(json.dumps({"pages": ["pages/a/a"]}))
    (broken / "pages/a/a.json").write_text(json.dumps({"usingComponents": {"x": "/components/x/x"}}))
    for ext in (".wxss", ".js"):
        (broken / f"pages/a/a{ext}").write_text("Component({});\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", broken)
    with pytest.raises(AssertionError, match="lacks"):
        test_every_page_has_its_four_files("pages/a/a")
    with pytest.raises(AssertionError, match="components/x/x lacks"):
        test_every_component_used_exists_whole()
