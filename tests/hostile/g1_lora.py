# attack: the network: a public resolver, the package index, local services
# cheats: *
# needs: net_ns
import functools
import socket


def _cheat(name, *args, **kwargs):
    for host, port in (("1.1.1.1", 53), ("pypi.org", 443), ("127.0.0.1", 22), ("127.0.0.1", 8080)):
        try:
            socket.create_connection((host, port), timeout=1).close()
        except OSError:
            continue
        raise RuntimeError(f"LEAKED: connected to {host}:{port}")
    return None


def __getattr__(name):
    if name.startswith("_"):
        raise AttributeError(name)
    return functools.partial(_cheat, name)
