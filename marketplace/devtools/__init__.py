"""Development and test support, never imported by the running app: a Stripe-shaped fake for httpx's MockTransport
(`fake_stripe`), the local payments server the demo and the kill harness start (`localstripe_server`, loopback
only), the Elasticsearch-API bridge to osmem-server for tests and the search benchmark (`osmem_bridge`), and the
security benchmark (`security_bench`).
tests/app/test_demo_and_schema.py checks that `create_app()` imports nothing from here."""
