"""Static files sent compressed ahead of time: brotli where the browser accepts it, else gzip.

Each file is compressed once per worker, at its first request, and kept in memory; a file with
`.br` and `.gz` siblings made at build time (the chart bundle: brotli's best level takes seconds
on a megabyte) is read from them instead.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import os
import stat
import threading
from typing import NamedTuple

import brotli
from flask import Response, abort, current_app, request
from werkzeug.security import safe_join

YEAR = 365 * 24 * 3600


class Packed(NamedTuple):
    """A file's bytes as sent: plain, gzipped and brotli-compressed, with its type and ETag."""

    raw: bytes
    gzip: bytes
    brotli: bytes | None
    mimetype: str  # without charset: the response adds it to text types
    etag: str


def pack(raw: bytes, mimetype: str, brotli_quality: int = 11) -> Packed:
    """Compress bytes both ways (brotli_quality 0 leaves brotli out)."""
    packed_br = brotli.compress(raw, quality=brotli_quality) if brotli_quality else None
    packed_gz = gzip.compress(raw, compresslevel=9, mtime=0)
    return Packed(raw, packed_gz, packed_br, mimetype, hashlib.sha256(raw).hexdigest()[:16])


def precompress(path: str) -> None:
    """Write PATH.gz and PATH.br beside a file, for the app to send as they are."""
    with open(path, "rb") as source:
        packed = pack(source.read(), "application/octet-stream")
    for suffix, data in ((".gz", packed.gzip), (".br", packed.brotli)):
        with open(path + suffix, "wb") as out:
            out.write(data)


def read_packed(path: str) -> Packed:
    """Read a file with its precompressed siblings if they are current, else compress it."""
    with open(path, "rb") as source:
        raw = source.read()
    mimetype = mimetypes.guess_type(path)[0] or "application/octet-stream"  # Werkzeug adds the charset
    siblings = [path + ".gz", path + ".br"]
    if all(os.path.exists(s) and os.path.getmtime(s) >= os.path.getmtime(path) for s in siblings):
        with open(siblings[0], "rb") as gz, open(siblings[1], "rb") as br:
            return Packed(raw, gz.read(), br.read(), mimetype, hashlib.sha256(raw).hexdigest()[:16])
    # Small files: brotli's best level costs milliseconds. Large ones unpacked at build time: a
    # quicker level, so that a first request does not wait seconds.
    return pack(raw, mimetype, 11 if len(raw) < 200_000 else 5)


_packed: dict[tuple[str, int], Packed] = {}
_lock = threading.Lock()


def packed_file(path: str, modified_ns: int) -> Packed:
    """Return a file as sent, from this worker's memory while the file is unchanged."""
    key = (path, modified_ns)
    found = _packed.get(key)
    if found is None:
        found = read_packed(path)
        with _lock:
            _packed[key] = found
    return found


def send_packed(packed: Packed, immutable: bool) -> Response:
    """Answer with the smallest form the browser accepts, or 304 when it already has the file."""
    if request.if_none_match.contains(packed.etag):
        response = Response(status=304)
    elif packed.brotli is not None and "br" in request.accept_encodings:
        response = Response(packed.brotli, mimetype=packed.mimetype)
        response.headers["Content-Encoding"] = "br"
    elif "gzip" in request.accept_encodings:
        response = Response(packed.gzip, mimetype=packed.mimetype)
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = Response(packed.raw, mimetype=packed.mimetype)
    response.set_etag(packed.etag)
    response.headers["Vary"] = "Accept-Encoding"
    # URLs with ?v= change with the content (assets.asset_url): browsers may keep them for good.
    response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable" if immutable else "no-cache"
    return response


def serve_static(filename: str) -> Response:
    """Send a file of the static folder, compressed."""
    path = safe_join(current_app.static_folder, filename)
    if path is None or path.endswith((".gz", ".br")):
        abort(404)
    try:
        info = os.stat(path)
    except OSError:
        abort(404)
    if not stat.S_ISREG(info.st_mode):
        abort(404)
    return send_packed(packed_file(path, info.st_mtime_ns), immutable="v" in request.args)
