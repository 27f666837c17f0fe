"""A TCP relay that a test can cut and restore: a database server going away."""

from __future__ import annotations

import socket
import threading


class TcpRelay:
    """Relay 127.0.0.1:<port> to a target address; ``cut()`` drops every link."""

    def __init__(self, target: tuple[str, int]) -> None:
        """Listen on a free port of 127.0.0.1, relaying to ``target``."""
        self.target = target
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self.up = True
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        """Accept clients for as long as the relay lives."""
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()  # the server is "down": refuse at once
                continue
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._open.update((client, server))
            for source, sink in ((client, server), (server, client)):
                threading.Thread(
                    target=self._pipe, args=(source, sink), daemon=True
                ).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        """Copy bytes one way until either side closes."""
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                self._close(sock)

    def _close(self, sock: socket.socket) -> None:
        """Close one end, once."""
        with self._lock:
            self._open.discard(sock)
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        sock.close()

    def cut(self) -> None:
        """Stop relaying: open connections drop, new ones are refused."""
        self.up = False
        with self._lock:
            links = list(self._open)
        for sock in links:
            self._close(sock)

    def restore(self) -> None:
        """Relay again."""
        self.up = True

    def close(self) -> None:
        """Stop listening for good."""
        self.cut()
        self._listener.close()
