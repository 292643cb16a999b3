"""Notifications: what needs someone's action reaches their in-app inbox and, by e-mail in their language, their
address. Made by outbox handlers after the change is committed (handlers.py), never inside a request."""

