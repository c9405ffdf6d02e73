"""Where uploaded bytes live. Local directory by default; the interface fits an object store."""
import abc
import contextlib
import hashlib
import os
import secrets
import tempfile

KEY_ALPHABET = set("0123456789abcdef")


class StorageError(Exception):
    pass


class TooLarge(StorageError):
    pass


class StorageBackend(abc.ABC):
    @abc.abstractmethod
    def save(self, stream, max_bytes):
        """Store the stream under a new random key; return (key, size, sha256, head bytes)."""

    @abc.abstractmethod
    def open(self, key):
        """A readable binary file object for `key`."""

    @abc.abstractmethod
    def delete(self, key):
        pass


class LocalStorage(StorageBackend):
    HEAD_BYTES = 8192
    CHUNK = 64 * 1024

    def __init__(self, root):
        self.root = os.path.realpath(root)
        os.makedirs(self.root, exist_ok=True)

    def path_for(self, key):
        # Keys are ours (random hex), but check anyway: nothing may resolve outside the root.
        if not key or set(key) - KEY_ALPHABET or len(key) != 32:
            raise StorageError("invalid storage key")
        path = os.path.realpath(os.path.join(self.root, key[:2], key))
        if os.path.commonpath([path, self.root]) != self.root:
            raise StorageError("path escapes the storage root")
        return path

    def save(self, stream, max_bytes):
        key = secrets.token_hex(16)
        path = self.path_for(key)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        digest, size, head = hashlib.sha256(), 0, b""
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(self.CHUNK):
                    size += len(chunk)
                    if size > max_bytes:
                        raise TooLarge(max_bytes)
                    if len(head) < self.HEAD_BYTES:
                        head += chunk[: self.HEAD_BYTES - len(head)]
                    digest.update(chunk)
                    out.write(chunk)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
        return key, size, digest.hexdigest(), head

    def open(self, key):
        return open(self.path_for(key), "rb")  # noqa: SIM115 - the caller streams and closes it

    def delete(self, key):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path_for(key))
