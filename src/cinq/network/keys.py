"""Page keys held outside the database, and burning a page by destroying its key
(crypto-shredding).

PostgreSQL cannot forget: an updated or deleted row stays in the table file as a dead
tuple until a vacuum reuses the space, every change is written to the WAL first, and
backups and dumps keep what they saw. So a station on PostgreSQL never stores a pad
page's digits there in clear. Each page is sealed with AES-256-GCM under a key of its
own, and the keys live in a *key file* beside the station, not in the database. To burn
a page, its key is overwritten with zeros in place and the file is flushed to disk
(``fsync``): every copy of the sealed page the database, its WAL or a dump still holds
is then noise nobody can open.

The construction. A key file is a 16-byte header (``cinq-page-keys\\n`` and a version
byte) followed by 32-byte slots; slot ``k`` is the key of the page whose key slot is
``k``. A page's digits ``d`` (one byte a digit) are sealed as ``n || AESGCM(K_k).encrypt(
n, d, aad)`` with a fresh 96-bit nonce ``n`` and ``aad`` naming the station, the agent,
the book and the page: a sealed page copied to another row does not open there. AES-GCM
keys used once each (one page) never meet its nonce-reuse limit.

What it protects: the database's files, its WAL and archives, replicas, ``pg_dump``
output and backups taken before or after the burn. None of them holds a burned page in
a form anyone can read, and an administrator of the database alone, without the key
file, cannot read unused pages either.

What it does not protect:

* **the key file itself**. Whoever copies it before a burn can open that page from any
  old copy of the database. Keep it on one host, readable by the station's operators
  only (it is created 0600), outside every backup; a copy on a second machine is a
  second key that the burn does not reach;
* **the disk under the key file**. Overwriting in place works on a plain file system
  (ext4, XFS) on a disk that writes in place. A copy-on-write file system (btrfs, ZFS),
  a snapshot, or an SSD's wear levelling may keep the old block; put the key file on a
  file system that overwrites, or on an encrypted volume whose key you can destroy;
* **memory**: an operator's process holds the digits while it enciphers;
* **the other end**: the agent's copy of the pad is the agent's to burn.
"""

from __future__ import annotations

import errno
import fcntl
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .. import files
from ..errors import BadInput, KeyManagementError

KEY_BYTES = 32
NONCE_BYTES = 12
_MAGIC = b"cinq-page-keys\n"
_VERSION = b"\x01"
HEADER = _MAGIC + _VERSION
_ZERO = bytes(KEY_BYTES)


class PageBurned(KeyManagementError):
    """The page's key was destroyed: the page was burned."""


class KeyFile:
    """A station's page keys: ``allocate`` new ones, ``seal``/``open`` a page's digits,
    ``shred`` a page's key. Safe for many processes at once: slots are written with
    ``pwrite`` at fixed offsets and new slots are appended under an exclusive lock.

    Its ``repr`` names the file, never a key.
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    def __repr__(self) -> str:
        return f"KeyFile({str(self.path)!r})"

    @classmethod
    def create(cls, path: str | Path) -> KeyFile:
        """A new, empty key file (mode 0600); refused if ``path`` exists."""
        p = Path(path)
        try:
            files.write_new(p, HEADER, mode=0o600)  # whole or not at all, never over a file
        except FileExistsError:
            raise BadInput(f"{p} exists: a key file is never overwritten") from None
        except OSError as exc:
            raise BadInput(f"cannot create key file {p}: {exc.strerror}") from None
        return cls(p)

    @classmethod
    def open_existing(cls, path: str | Path) -> KeyFile:
        """The key file at ``path``, after checking its header."""
        p = Path(path)
        try:
            with p.open("rb") as f:
                head = f.read(len(HEADER))
        except OSError as exc:
            raise BadInput(f"cannot read key file {p}: {exc.strerror}") from None
        if head != HEADER:
            raise BadInput(f"{p} is not a cinq page-key file")
        return cls(p)

    @contextmanager
    def _fd(self, flags: int) -> Iterator[int]:
        try:
            fd = os.open(self.path, flags)
        except OSError as exc:
            raise KeyManagementError(f"cannot open key file {self.path}: {exc.strerror}") from None
        try:
            yield fd
        finally:
            os.close(fd)

    def allocate(self, count: int) -> range:
        """Append ``count`` fresh random keys; the slots they are in. Flushed to disk
        before returning, so no page is ever sealed under a key that is not kept."""
        with self._fd(os.O_RDWR) as fd, self._writing("add keys to"):
            fcntl.flock(fd, fcntl.LOCK_EX)
            end = os.lseek(fd, 0, os.SEEK_END)
            first = (end - len(HEADER)) // KEY_BYTES  # a short slot a full disk left is reused
            keys = secrets.token_bytes(KEY_BYTES * count)
            if os.pwrite(fd, keys, len(HEADER) + first * KEY_BYTES) != len(keys):
                raise OSError(errno.ENOSPC, "the keys were written only in part")
            os.fsync(fd)
        return range(first, first + count)

    @contextmanager
    def _writing(self, what: str) -> Iterator[None]:
        """An OSError while writing keys (a full disk) as a clear refusal."""
        try:
            yield
        except OSError as exc:
            raise KeyManagementError(
                f"cannot {what} key file {self.path}: {exc.strerror or exc}"
            ) from None

    def _key(self, slot: int) -> bytes:
        with self._fd(os.O_RDONLY) as fd:
            key = os.pread(fd, KEY_BYTES, len(HEADER) + slot * KEY_BYTES)
        if len(key) != KEY_BYTES:
            raise KeyManagementError(f"key file {self.path} has no key slot {slot}")
        if key == _ZERO:
            raise PageBurned(f"the page of key slot {slot} was burned: its key is destroyed")
        return key

    def seal(self, slot: int, digits: bytes, aad: bytes) -> bytes:
        """``digits`` sealed under slot ``slot``'s key (nonce first)."""
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        nonce = secrets.token_bytes(NONCE_BYTES)
        return nonce + AESGCM(self._key(slot)).encrypt(nonce, digits, aad)

    def open(self, slot: int, sealed: bytes, aad: bytes) -> bytes:
        """The digits sealed by :meth:`seal`; :class:`KeyManagementError` if the key
        is gone (:class:`PageBurned`) or the sealed bytes or their label were altered."""
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        key = self._key(slot)
        try:
            return AESGCM(key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], aad)
        except InvalidTag:
            raise KeyManagementError(
                f"the sealed page of key slot {slot} does not open: altered, or not this "
                "station's key file"
            ) from None

    def shred(self, slots: list[int]) -> None:
        """Overwrite the keys of ``slots`` with zeros in place and flush to disk."""
        if not slots:
            return
        with self._fd(os.O_RDWR) as fd, self._writing("destroy keys in"):
            for slot in slots:
                os.pwrite(fd, _ZERO, len(HEADER) + slot * KEY_BYTES)  # in place: never short
            os.fsync(fd)
