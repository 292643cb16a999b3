"""Content-addressed blob storage behind one interface: `put(data) -> sha256`, `get(sha256)`, `has(sha256)`.

A local directory by default (`<instance>/blobs/<aa>/<sha256>`); any S3-compatible object store when `S3_BUCKET` is
set (boto3; `S3_ENDPOINT_URL` for MinIO, Ceph, OSS or moto, credentials from the usual AWS variables). The same
bytes are stored once, whichever order, line or message refers to them; a write is complete or absent (temp file and
rename locally, a single PUT on S3).
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from pathlib import Path
from typing import Protocol

from flask import current_app

SHA256 = re.compile(r"^[0-9a-f]{64}$")


class BlobStore(Protocol):
    def put(self, data: bytes) -> str: ...

    def get(self, sha256: str) -> bytes: ...

    def has(self, sha256: str) -> bool: ...


class BlobMissing(LookupError):
    pass


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _checked(sha256: str) -> str:
    if not SHA256.match(sha256):
        raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
    return sha256


class LocalBlobStore:
    def __init__(self, root: str | Path):
        self.root = Path(root)

    def _path(self, sha256: str) -> Path:
        sha256 = _checked(sha256)
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes) -> str:
        sha256 = digest(data)
        path = self._path(sha256)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{sha256}.{secrets.token_hex(4)}.tmp")
            tmp.write_bytes(data)
            os.replace(tmp, path)
        return sha256

    def get(self, sha256: str) -> bytes:
        try:
            return self._path(sha256).read_bytes()
        except FileNotFoundError:
            raise BlobMissing(sha256) from None

    def has(self, sha256: str) -> bool:
        return self._path(sha256).exists()


class S3BlobStore:
    def __init__(self, bucket: str, *, endpoint_url: str | None = None, prefix: str = "blobs/", client=None):
        if client is None:
            import boto3  # the `s3` extra

            client = boto3.client("s3", endpoint_url=endpoint_url)
        self.client, self.bucket, self.prefix = client, bucket, prefix

    def _key(self, sha256: str) -> str:
        return f"{self.prefix}{_checked(sha256)}"

    def put(self, data: bytes) -> str:
        sha256 = digest(data)
        if not self.has(sha256):
            self.client.put_object(Bucket=self.bucket, Key=self._key(sha256), Body=data,
                                   ContentType="application/octet-stream")
        return sha256

    def get(self, sha256: str) -> bytes:
        from botocore.exceptions import ClientError

        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(sha256))["Body"].read()
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise BlobMissing(sha256) from None
            raise

    def has(self, sha256: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(sha256))
            return True
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
                return False
            raise


def store() -> BlobStore:
    """The app's blob store (made once per app)."""
    ext = current_app.extensions
    if "blob_store" not in ext:
        config = current_app.config
        if config.get("S3_BUCKET"):
            ext["blob_store"] = S3BlobStore(config["S3_BUCKET"], endpoint_url=config.get("S3_ENDPOINT_URL"),
                                            prefix=config.get("S3_PREFIX", "blobs/"))
        else:
            ext["blob_store"] = LocalBlobStore(config.get("BLOB_DIR") or Path(current_app.instance_path) / "blobs")
    return ext["blob_store"]
