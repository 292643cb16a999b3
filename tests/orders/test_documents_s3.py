"""Documents in an S3-compatible object store: moto's server mode on loopback stands in for MinIO, OSS or S3."""

from __future__ import annotations

import io

import pytest

from marketplace.documents.blobs import BlobMissing, S3BlobStore, digest

PDF = b"%PDF-1.7\n% drawing\n%%EOF\n"


@pytest.fixture
def s3_endpoint(monkeypatch):
    from moto.server import ThreadedMotoServer

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint):
    import boto3

    client = boto3.client("s3", endpoint_url=s3_endpoint)
    client.create_bucket(Bucket="smp-documents")
    return client


def test_put_get_has_over_http(s3_endpoint, bucket):
    store = S3BlobStore("smp-documents", endpoint_url=s3_endpoint)
    sha = store.put(PDF)
    assert sha == digest(PDF) and store.has(sha) and store.get(sha) == PDF
    assert store.put(PDF) == sha                                       # stored once
    keys = [o["Key"] for o in bucket.list_objects_v2(Bucket="smp-documents")["Contents"]]
    assert keys == [f"blobs/{sha}"]
    missing = digest(b"never stored")
    assert not store.has(missing)
    with pytest.raises(BlobMissing):
        store.get(missing)
    with pytest.raises(ValueError):
        store.get("../../etc/passwd")


def test_documents_of_an_order_live_in_the_bucket_when_configured(app, api_as, planned_order, buyer_user, shops,
                                                                  outsider_user, s3_endpoint, bucket):
    app.config.update(S3_BUCKET="smp-documents", S3_ENDPOINT_URL=s3_endpoint)
    app.extensions.pop("blob_store", None)
    r = api_as(buyer_user).post(f"/api/v1/orders/{planned_order['id']}/documents",
                                data={"kind": "drawing", "file": (io.BytesIO(PDF), "图纸.pdf")},
                                content_type="multipart/form-data")
    assert r.status_code == 201, r.json
    body = bucket.get_object(Bucket="smp-documents", Key=f"blobs/{r.json['sha256']}")["Body"].read()
    assert body == PDF
    assert api_as(shops["mill_user"]).get(f"/api/v1/documents/{r.json['id']}").data == PDF
    assert api_as(outsider_user).get(f"/api/v1/documents/{r.json['id']}").status_code == 404
    app.extensions.pop("blob_store", None)
