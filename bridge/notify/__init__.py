"""Telling the store: signed outbound webhooks for the events of the ``webhooks`` setting.

events: ``emit`` queues an event for every endpoint that wants it, in the caller's
transaction (so an event exists exactly when its change does), and ``signature``;
worker: ``WebhookWorker``, the core's job that sends them and retries with backoff.
"""
from .events import EVENTS, emit, signature, verify

__all__ = ["EVENTS", "emit", "signature", "verify"]
