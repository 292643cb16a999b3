"""Documents of orders: drawings, CAD files, specifications, inspection reports and certificates, and attachments
of messages. Bytes live in a content-addressed blob store (blobs.py); who may read them is checked on every download
(access.py)."""
