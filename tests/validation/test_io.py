"""``validation.io``: atomic writes, full disks, permissions, the folder lock and the writability check."""

import errno
import os
import stat
import subprocess
import sys

import cloudpickle
import pytest

from lejepa_verify.validation import io as vio
from lejepa_verify.validation.sweep import store


def test_an_enospc_write_raises_out_of_space_and_leaves_the_old_file(tmp_path):
    target = tmp_path / "record.json"
    vio.atomic_write_text(target, "old\n")

    def full(fh, *a):
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(vio.OutOfSpace) as err:
        vio._atomic(target, full, size=1234)
    assert err.value.errno == errno.ENOSPC and err.value.needed == 1234
    assert str(tmp_path) in str(err.value) and "1.2 kB needed" in str(err.value)
    assert target.read_text() == "old\n" and [p.name for p in tmp_path.iterdir()] == ["record.json"]
    # the exception crosses process boundaries (worker -> sweep) with its fields
    back = cloudpickle.loads(cloudpickle.dumps(err.value))
    assert (back.folder, back.needed) == (str(tmp_path), 1234)
    # negative control: another OSError stays what it was
    with pytest.raises(PermissionError):
        vio._atomic(target, lambda fh: (_ for _ in ()).throw(PermissionError(errno.EACCES, "denied")))


def test_written_files_get_the_permissions_of_a_normally_created_file(tmp_path):
    old = os.umask(0o027)
    try:
        p = vio.atomic_write_text(tmp_path / "a.txt", "x")
        plain = tmp_path / "plain.txt"
        plain.write_text("x")
        assert stat.S_IMODE(p.stat().st_mode) == stat.S_IMODE(plain.stat().st_mode) == 0o640
    finally:
        os.umask(old)
    old = os.umask(0o022)
    try:
        rec = store.write_record(tmp_path / "s", {"run_id": "0123456789abcdef", "status": "ok"})
        assert stat.S_IMODE(rec.stat().st_mode) == 0o644
    finally:
        os.umask(old)


def test_the_lock_is_released_when_its_holder_is_killed(tmp_path):
    lock = tmp_path / "lock"
    # the holder keeps the lock until its stdin closes: an event, not a sleep that could run out
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys\n"
        "from lejepa_verify.validation.io import folder_lock\n"
        f"with folder_lock({str(lock)!r}, 'sweep', 'x'):\n"
        "    print('held', flush=True)\n"
        "    sys.stdin.read()\n")], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(vio.FolderBusy, match=f"pid {holder.pid}"):
            with vio.folder_lock(lock, "sweep", "x"):
                pass
    finally:
        holder.kill()
        holder.wait()
    with vio.folder_lock(lock, "sweep", "x"):
        pass


@pytest.mark.parametrize("inside", [False, True])
def test_an_out_folder_that_is_a_file_is_named_as_a_file(tmp_path, inside):
    blocker = tmp_path / "results.csv"
    blocker.write_text("x")
    target = blocker / "sub" if inside else blocker
    with pytest.raises(ValueError) as err:
        vio.ensure_writable_dir(target, "out")
    text = str(err.value)
    assert str(target) in text
    assert (f"lies inside {str(blocker)!r}, which is a file" if inside else "is a file") in text
    assert "File exists" not in text and "Not a directory" not in text
    assert blocker.read_text() == "x"
    # the control: a folder beside it is created and proved writable
    assert vio.ensure_writable_dir(tmp_path / "fine" / "sub", "out").is_dir()
