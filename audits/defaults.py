"""The shipped defaults, written from the framework's step 1 ("Audit the noise"). Product Ops edits them in the portal;
these are only loaded when missing (a fresh or flushed database)."""

from __future__ import annotations

from typing import Any

INTERNAL = "Internal status updates and firefighting internal questions"

PM_SURVEY: dict[str, Any] = {
    "key": "pm-time-audit",
    "name": "PM time audit",
    "audience": "pm",
    "default_roles": ["PM"],
    "description": (
        "How much time is spent firefighting internal questions vs. talking to customers? "
        "If PMs spend more than 20% of their time on internal status updates, the company needs Product Ops."
    ),
    "questions": [
        {
            "kind": "percent_split",
            "prompt": "In a typical week, how is your time split?",
            "help_text": "Rough percentages are fine; they must add up to 100.",
            "choices": [
                INTERNAL,
                "Talking to customers (calls, visits, research)",
                "Discovery and strategy (analysis, specs, design)",
                "Delivery with engineering",
                "Other",
            ],
            "internal_choice": INTERNAL,
            "metric": "pm_time_split",
        },
        {
            "kind": "count_per_week",
            "prompt": "How many internal questions about status or how something works do you answer in a week?",
        },
        {"kind": "count_per_week", "prompt": "How many customer conversations did you have last week?"},
        {
            "kind": "scale",
            "prompt": "How often do internal questions interrupt focused work?",
            "help_text": "1 = rarely, 5 = constantly.",
        },
        {
            "kind": "free_text",
            "prompt": "Which internal question do you answer most often?",
            "required": False,
        },
    ],
}

REVENUE_SURVEY: dict[str, Any] = {
    "key": "revenue-time-audit",
    "name": "Revenue-team time audit",
    "audience": "revenue",
    "default_roles": ["Sales", "CSM"],
    "description": (
        "How many times a week do you ask a PM for status or technical clarification? "
        "If the questions are mostly \u201chow do I do X?\u201d rather than \u201cwhat is the strategy for Y?\u201d, "
        "the company needs Product Ops."
    ),
    "questions": [
        {
            "kind": "count_per_week",
            "prompt": "How many times a week do you ask a PM for status or technical clarification?",
            "metric": "status_asks",
        },
        {
            "kind": "percent_split",
            "prompt": "Of the questions you ask PMs, roughly what share is of each kind?",
            "help_text": "Must add up to 100.",
            "choices": [
                "How do I do X? (how-to)",
                "When does X ship? (status)",
                "What is the strategy for Y? (strategy)",
            ],
        },
        {
            "kind": "scale",
            "prompt": "How easy is it to find what ships soon, and how to position it, without asking a PM?",
            "help_text": "1 = very hard, 5 = very easy.",
        },
        {"kind": "free_text", "prompt": "What do you most often need from a PM?", "required": False},
    ],
}

DEFAULT_TEMPLATES = [PM_SURVEY, REVENUE_SURVEY]

# (category, kind, pattern). Strategy first: "how does this fit our strategy?" is a strategy question, and the
# first rule that matches wins. Then status, then how-to.
DEFAULT_RULES: list[tuple[str, str, str]] = [
    ("strategy", "phrase", "strategy"),
    ("strategy", "phrase", "strategic"),
    ("strategy", "phrase", "roadmap"),
    ("strategy", "phrase", "long-term"),
    ("strategy", "phrase", "long term"),
    ("strategy", "phrase", "vision"),
    ("strategy", "phrase", "direction"),
    ("strategy", "regex", r"\bwhy (are|do|did|is|would) we\b"),
    ("strategy", "regex", r"\bshould we\b"),
    ("strategy", "regex", r"\bpriorit(y|ies|ise|ize|ising|izing)\b"),
    ("strategy", "regex", r"\b(position|positioning|differentiat\w*)\b"),
    ("strategy", "regex", r"\bcompetit(or|ors|ion|ive)\b"),
    ("strategy", "regex", r"\b(invest|investing|investment)\b"),
    ("strategy", "regex", r"\b(pricing|packaging)\b"),
    ("strategy", "regex", r"\b(segment|market)s?\b"),
    ("status", "regex", r"\bwhen (will|does|is|are|do|can)\b"),
    ("status", "regex", r"\beta\b"),
    ("status", "phrase", "status of"),
    ("status", "phrase", "on track"),
    ("status", "phrase", "timeline"),
    ("status", "phrase", "release date"),
    ("status", "phrase", "any update"),
    ("status", "regex", r"\b(delayed|slipp(ed|ing)|shipped|is it live|go live|launch date)\b"),
    ("status", "regex", r"\b(which|what) (release|version|sprint|quarter)\b"),
    ("status", "regex", r"\bstill (planned|happening|coming)\b"),
    (
        "how_to",
        "regex",
        r"\bhow (do|can|should|does|would) (i|we|you|they|a customer|the customer|customers)\b",
    ),
    ("how_to", "phrase", "how to"),
    ("how_to", "regex", r"\bis there a way\b"),
    ("how_to", "regex", r"\bwhere (do|can) (i|we|they)\b"),
    ("how_to", "regex", r"\b(set up|setup|configure|enable|turn on|turn off|export|import)\b"),
    ("how_to", "regex", r"\b(walk me through|steps to|workaround)\b"),
    ("how_to", "regex", r"\bcan (a|the) (customer|user|admin)s?\b"),
    ("how_to", "regex", r"\bdoes (it|the product|our product) support\b"),
]
