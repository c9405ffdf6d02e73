"""A TCP proxy the test controls, to make a real server unreachable or hung without touching it."""
import contextlib
import socket
import threading
import time


class TcpProxy:
    """Forwards 127.0.0.1:<port> to `upstream`. `down()` refuses and cuts connections, `hang()` stops
    forwarding (connections are accepted and then answer nothing), `up()` forwards again."""

    def __init__(self, upstream_host, upstream_port):
        self.upstream = (upstream_host, upstream_port)
        self.port = None
        self.state = "up"
        self.listener = None
        self.connections = []
        self.lock = threading.Lock()
        self.serve()

    def serve(self):
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port or 0))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self.listener = listener
        threading.Thread(target=self.accept_loop, args=(listener,), daemon=True).start()

    def accept_loop(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=self.open, args=(client,), daemon=True).start()

    def open(self, client):
        self.remember(client)
        while self.state == "hung":
            time.sleep(0.05)
        if self.state != "up":
            client.close()
            return
        try:
            server = socket.create_connection(self.upstream, timeout=5)
        except OSError:
            client.close()
            return
        server.settimeout(None)
        self.remember(server)
        for source, target in ((client, server), (server, client)):
            threading.Thread(target=self.pump, args=(source, target), daemon=True).start()

    def remember(self, sock):
        with self.lock:
            self.connections.append(sock)

    def pump(self, source, target):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                while self.state == "hung":
                    time.sleep(0.05)
                if self.state != "up":
                    break
                target.sendall(data)
        except OSError:
            pass
        for sock in (source, target):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def down(self):
        self.state = "down"
        self.listener.close()
        with self.lock:
            connections, self.connections = self.connections, []
        for sock in connections:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def hang(self):
        self.state = "hung"

    def up(self):
        if self.state == "down":
            self.state = "up"
            self.serve()
        self.state = "up"

    def close(self):
        self.down()
