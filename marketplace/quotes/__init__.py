"""Instant quotes in the app: the `quoting` library priced against the cluster's machines and live capacity."""
