"""Settings the app checks at start, and the secret key it keeps in the instance folder."""

from __future__ import annotations

import multiprocessing
import os

import pytest

from survey import create_app
from survey.settings import SECRET_KEY_FILE, secret_key
from survey.web.app import SettingsError


def app_with(tmp_path, **settings):
    """Build an app on a temporary database with these settings."""
    return create_app({"TESTING": True, "DATABASE": str(tmp_path / "db.sqlite3"), "SECRET_KEY": "t", **settings})


def key_in(folder: str, queue) -> None:
    queue.put(secret_key(folder))


def test_workers_starting_at_once_agree_on_one_secret_key(tmp_path):
    """Eight processes making the key at the same moment all end up with the same one, and leave no stray file."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    workers = [context.Process(target=key_in, args=(str(tmp_path), queue)) for _ in range(8)]
    for worker in workers:
        worker.start()
    keys = [queue.get(timeout=30) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
    assert len(set(keys)) == 1 and len(keys[0]) >= 32
    assert (tmp_path / SECRET_KEY_FILE).read_text().strip() == keys[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == [SECRET_KEY_FILE]


def test_an_empty_secret_key_file_stops_the_start_with_a_clear_message(tmp_path):
    """A key file left empty is refused, saying how to fix it, rather than signing with an empty key."""
    (tmp_path / SECRET_KEY_FILE).write_text("")
    with pytest.raises(RuntimeError, match="delete it to make a new one"):
        secret_key(str(tmp_path))


def test_an_instance_folder_where_no_key_can_be_written_says_what_to_do(tmp_path):
    """Without a key and with nowhere to write one, the error names the file and the settings to use."""
    (tmp_path / "not-a-folder").write_text("")
    folder = str(tmp_path / "not-a-folder")
    with pytest.raises(RuntimeError, match="SURVEY_SECRET_KEY") as refused:
        secret_key(folder)
    assert os.path.join(folder, SECRET_KEY_FILE) in str(refused.value)


@pytest.mark.parametrize(
    "base_url",
    ["encuesta.example.org", "ftp://encuesta.example.org", "https://", "https://encuesta.example.org/encuesta",
     "https://encuesta.example.org/?x=1"],
)  # fmt: skip
def test_a_base_url_that_is_not_a_site_address_stops_the_start(tmp_path, base_url):
    """BASE_URL must be a scheme and a host: anything else would give every visitor an error or a broken link."""
    with pytest.raises(SettingsError, match="BASE_URL"):
        app_with(tmp_path, BASE_URL=base_url)


@pytest.mark.parametrize("base_url", ["https://encuesta.example.org", "http://127.0.0.1:8000/"])
def test_a_base_url_with_a_scheme_and_host_is_accepted(tmp_path, base_url):
    """A site address, with a port or a trailing slash, is accepted and its host becomes the trusted one."""
    app = app_with(tmp_path, BASE_URL=base_url)
    assert app.config["TRUSTED_HOSTS"] == [base_url.split("//")[1].split(":")[0].split("/")[0]]


def test_a_default_language_that_is_not_offered_stops_the_start(tmp_path):
    """BABEL_DEFAULT_LOCALE outside LANGUAGES is refused at start, not on every request."""
    with pytest.raises(SettingsError, match="BABEL_DEFAULT_LOCALE"):
        app_with(tmp_path, BABEL_DEFAULT_LOCALE="fr")


def test_apps_do_not_share_their_lists_of_settings(tmp_path):
    """Changing one app's list of regions leaves the next app's defaults alone."""
    first = app_with(tmp_path)
    first.config["REGIONS"].append("Atlántida")
    assert "Atlántida" not in app_with(tmp_path).config["REGIONS"]


def test_a_mail_server_without_a_sender_stops_the_start(tmp_path):
    """MAIL_SERVER without MAIL_FROM is refused at start, not at the first invitation."""
    with pytest.raises(SettingsError, match="MAIL_FROM"):
        app_with(tmp_path, MAIL_SERVER="smtp.example.org", BASE_URL="https://encuesta.example.org")
    # Nor without the site's address: the e-mailed link would be built from a request's Host header.
    with pytest.raises(SettingsError, match="BASE_URL"):
        app_with(tmp_path, MAIL_SERVER="smtp.example.org", MAIL_FROM="encuesta@example.org")
    assert app_with(
        tmp_path, MAIL_SERVER="smtp.example.org", MAIL_FROM="encuesta@example.org", BASE_URL="https://x.example.org"
    )
