"""Atomic, durable writes: the old complete file or the new one, never a partial one."""

import os
import stat

import pytest

from optireport.store import atomic


def test_replacing_keeps_the_old_file_when_the_writer_fails(tmp_path):
    path = tmp_path / "out" / "figure.svg"
    atomic.write_text(path, "old")
    with pytest.raises(RuntimeError), atomic.replacing(path) as temporary:
        temporary.write_text("half")
        raise RuntimeError("killed")
    assert path.read_text() == "old"
    assert [p.name for p in path.parent.iterdir()] == ["figure.svg"]


def test_temporary_names_are_unique_and_keep_the_extension(tmp_path):
    path = tmp_path / "epoch-0001.weights.h5"
    with atomic.replacing(path) as first, atomic.replacing(path) as second:
        assert first != second
        assert first.name.endswith(".weights.h5") and first.name.startswith(".epoch-0001")
        first.write_text("a")
        second.write_text("b")
    assert path.read_text() == "a"  # the outer writer finished last


def test_write_json_refuses_nan_unless_allowed(tmp_path):
    with pytest.raises(ValueError):
        atomic.write_json(tmp_path / "x.json", {"x": float("nan")})
    assert not list(tmp_path.iterdir())
    atomic.write_json(tmp_path / "x.json", {"x": float("nan")}, allow_nan=True)
    assert atomic.read_json(tmp_path / "x.json") != {}  # NaN read back: NaN != NaN
    assert "NaN" in (tmp_path / "x.json").read_text()


@pytest.mark.parametrize("umask", [0o022, 0o077])
def test_outputs_get_the_mode_a_plain_open_gives(tmp_path, umask):
    """Not mkstemp's owner-only 0o600: a published report must stay readable by others."""
    previous = os.umask(umask)
    try:
        atomic.write_text(tmp_path / "informe.html", "<html></html>")
        with atomic.replacing(tmp_path / "informe.pdf") as temporary:
            temporary.write_bytes(b"%PDF")
        assert os.umask(umask) == umask  # the umask is left as it was
    finally:
        os.umask(previous)
    for name in ("informe.html", "informe.pdf"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o666 & ~umask
