"""Every bridge on a host has gunicorn's control socket in its own data folder: two at once
never share ~/.gunicorn/gunicorn.ctl, and stopping one leaves the other's in place."""
import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from gunicorn.ctl.client import ControlClient

from bridge.server import CONTROL_SOCKET, control_socket
from served import ServedBridge


def master_pid(path: Path) -> int:
    with ControlClient(str(path), timeout=30) as client:
        return client.send_command("show all")["arbiter"]["pid"]


def test_two_bridges_on_one_host_keep_to_their_own_control_sockets(tmp_path):
    home = tmp_path / "home"  # where gunicorn's default would put one socket for both
    home.mkdir()
    bridges = [ServedBridge(tmp_path / "first", how="serve", home=home),
               ServedBridge(tmp_path / "second", how="conf", home=home)]
    try:
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(ServedBridge.start, bridges))
        sockets = [b.data_dir / CONTROL_SOCKET for b in bridges]
        for path in sockets:
            mode = path.stat().st_mode
            assert stat.S_ISSOCK(mode) and stat.S_IMODE(mode) == 0o600
        assert not (home / ".gunicorn").exists()
        assert [master_pid(p) for p in sockets] == [b.process.pid for b in bridges]

        bridges[0].stop()
        assert not sockets[0].exists()
        assert master_pid(sockets[1]) == bridges[1].process.pid
    finally:
        for bridge in bridges:
            bridge.stop()
    assert not sockets[1].exists()


def test_a_data_folder_too_deep_for_a_unix_socket_turns_the_socket_off(tmp_path):
    assert control_socket(tmp_path) == {
        "control_socket": str((tmp_path / CONTROL_SOCKET).resolve()),
        "control_socket_disable": False}
    assert control_socket(tmp_path / ("d" * 120)) == {"control_socket_disable": True}
