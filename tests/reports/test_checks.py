"""System checks of the export: CJK fonts and HarfBuzz-Subset."""

import pytest
from django.core.management import call_command

from reports import checks, fonts


def ids(messages) -> list[str]:
    return [message.id for message in messages]


@pytest.fixture
def no_fonts(monkeypatch):
    monkeypatch.setattr(fonts, "font_setup", lambda: fonts.FontSetup(faces={}, extra_fallbacks=(), problems=()))


def test_warns_when_no_cjk_font_is_found(no_fonts):
    messages = checks.check_report_fonts()
    assert ids(messages) == ["reports.W001"]
    assert "apt-get install fonts-noto-cjk" in messages[0].hint
    assert "REPORT_FONT_FILES" in messages[0].hint


def test_warns_when_harfbuzz_subset_is_missing(monkeypatch):
    monkeypatch.setattr(checks, "harfbuzz_subset_available", lambda: False)
    messages = checks.check_harfbuzz_subset()
    assert ids(messages) == ["reports.W002"]
    assert "libharfbuzz-subset0" in messages[0].hint


def test_harfbuzz_subset_is_not_found_when_no_library_loads(monkeypatch):
    monkeypatch.setattr(checks, "HARFBUZZ_SUBSET_NAMES", ("libdoes-not-exist.so.0",))
    monkeypatch.setattr(checks.ctypes.util, "find_library", lambda name: None)
    assert checks.harfbuzz_subset_available() is False


def test_warns_about_configured_font_files_that_cannot_be_used(settings, tmp_path):
    not_a_font = tmp_path / "fangsong.ttf"
    not_a_font.write_bytes(b"this is not a font")
    settings.REPORT_FONT_FILES = [str(tmp_path / "missing.ttf"), str(not_a_font)]
    messages = checks.check_report_fonts()
    assert ids(messages) == ["reports.W003", "reports.W003"]
    assert "missing.ttf" in messages[0].msg and "fangsong.ttf" in messages[1].msg


def test_warns_about_a_role_without_a_font(monkeypatch):
    setup = fonts.discover()
    faces = {code: face for code, face in setup.faces.items() if code != "kaiti"}
    if not faces:
        pytest.skip("no CJK font installed")
    monkeypatch.setattr(fonts, "font_setup", lambda: fonts.FontSetup(faces=faces, extra_fallbacks=(), problems=()))
    messages = checks.check_report_fonts()
    assert ids(messages) == ["reports.W004"]
    assert "楷体" in messages[0].msg


def test_silent_when_fonts_and_harfbuzz_are_present(monkeypatch):
    if not checks.harfbuzz_subset_available() or len(fonts.discover().faces) < len(fonts.ROLES):
        pytest.skip("this machine lacks fonts-noto-cjk, fonts-lxgw-wenkai or libharfbuzz-subset0")
    assert checks.check_report_fonts() == []
    assert checks.check_harfbuzz_subset() == []


def test_checks_run_under_the_reports_tag(no_fonts, capsys):
    call_command("check", "--tag", "reports")
    assert "reports.W001" in capsys.readouterr().err
