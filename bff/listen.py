"""Binding the listening socket ourselves, so a busy port is a clear one-line error."""

from __future__ import annotations

import errno
import socket


class ListenError(Exception):
    pass


def listen(host: str, port: int) -> socket.socket:
    # IPPROTO_TCP explicitly: asyncio then sets TCP_NODELAY on accepted connections (with
    # protocol 0 it does not, and Nagle + delayed ACKs stall keep-alive requests ~40 ms).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        reason = "the port is in use" if exc.errno == errno.EADDRINUSE else exc.strerror
        raise ListenError(f"cannot listen on {host}:{port}: {reason}") from None
    sock.listen(2048)
    sock.setblocking(False)
    return sock
