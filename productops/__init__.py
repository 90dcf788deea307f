"""The project package: settings, URLs, roles, the Celery app, and the local stack (embedded servers, launcher).

Importing it has no side effects: the Celery app is loaded by ProductOpsConfig.ready() in Django processes and by
`celery -A productops` (which finds productops.celery) in workers, so `python -m productops.stack` can start the
servers before any setting is chosen.
"""
