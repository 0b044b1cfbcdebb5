"""The parsed-TOML cache behind the curriculum and the catalogs: never stale, never required."""

import os
import tomllib

from grader import fmt, tomlcache


def test_a_cached_table_is_the_parsed_one_and_an_edit_is_seen_at_once(tmp_path):
    path = tmp_path / "t.toml"
    path.write_text('[a]\nb = "one"\nc = [1, 2.5, true]\n')
    first = tomlcache.load(path)
    assert first == tomllib.loads(path.read_text())
    assert (tmp_path / "__pycache__" / "t.toml.marshal").is_file()
    assert tomlcache.load(path) == first  # from the cache
    stat = path.stat()
    path.write_text('[a]\nb = "two"\nc = [1, 2.5, true]\n')  # same size
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))
    assert tomlcache.load(path)["a"]["b"] == "two"


def test_without_a_writable_cache_folder_the_file_is_parsed(tmp_path):
    path = tmp_path / "t.toml"
    path.write_text("x = 1\n")
    (tmp_path / "__pycache__").write_text("not a folder")
    assert tomlcache.load(path) == {"x": 1}
    assert tomlcache.load(path) == {"x": 1}


def test_a_garbled_cache_is_ignored(tmp_path):
    path = tmp_path / "t.toml"
    path.write_text("x = 1\n")
    tomlcache.load(path)
    (tmp_path / "__pycache__" / "t.toml.marshal").write_bytes(b"\x00garbage")
    assert tomlcache.load(path) == {"x": 1}


def test_dates_are_parsed_every_time_as_marshal_cannot_keep_them(tmp_path):
    path = tmp_path / "t.toml"
    path.write_text("when = 2026-12-01\n")
    assert str(tomlcache.load(path)["when"]) == "2026-12-01"
    assert not (tmp_path / "__pycache__" / "t.toml.marshal").exists()


def test_the_ascii_fast_path_of_display_width_agrees_with_wcwidth():
    import wcwidth

    for text in ["abc", "a\tb", "", "x" * 50, "\x1b[31mred\x1b[0m", "漢字かな", "é", "a b~"]:
        assert fmt.width(text) == wcwidth.width(text), text
        for columns in (0, 2, 5, 100):
            assert fmt.clip(text, columns) == wcwidth.clip(text, 0, columns), (text, columns)
