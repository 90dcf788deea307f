"""Vendor simulators: fake Salesforce, Zendesk, Gong, Delighted and Pendo servers on 127.0.0.1 that speak each vendor's
documented wire format (pagination, cursors, 429 + Retry-After, 5xx, expired sessions).

The tests drive them with queued faults; `make run` serves three of them (`python -m simulators.serve`) filled with
records about the demo accounts, so the scheduled pull can be watched. This package is above the apps: it reads the
demo catalogue, and no app imports it.
"""
