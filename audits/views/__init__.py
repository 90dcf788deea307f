"""Audits pages, one module per page group: rounds (and answering), survey templates, the inbound log and its
rules, and Ask the PM with the inbox."""
