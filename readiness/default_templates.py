"""The checklist templates that ship with the app, written from the framework's readiness system.

Loaded by a data migration; Product Ops edits them afterwards on /readiness/templates/.
(title, description, category, owner role, days before launch, needs evidence)
"""

from __future__ import annotations

MAJOR = [
    (
        "Describe how this changes a CSM's daily workflow",
        "Internal impact: which CSM tasks, reports or customer conversations change, and how.",
        "internal_impact",
        "PM",
        49,
        True,
    ),
    (
        "Review the workflow change with CS leadership",
        "Walk CS leads through the impact and agree on what their teams need.",
        "internal_impact",
        "Product Ops",
        42,
        False,
    ),
    (
        "Validate the qualitative feedback against usage data",
        "Check that the accounts asking for this actually use the area it touches (feedback beside usage metrics).",
        "validation",
        "Product Ops",
        35,
        True,
    ),
    (
        "User research sign-off",
        "Research confirms the design solves the pain customers described.",
        "validation",
        "PM",
        35,
        False,
    ),
    (
        "Sales positioning one-pager",
        "How to position it, for whom, and what it does not do.",
        "enablement",
        "Product Ops",
        21,
        True,
    ),
    (
        "Record the video walkthrough",
        "A short walkthrough CSMs can send to customers.",
        "enablement",
        "PM",
        14,
        True,
    ),
    (
        "Publish the Zendesk help-center write-up",
        "The article support links to from day one.",
        "communications",
        "Product Ops",
        14,
        True,
    ),
    (
        "Write the FAQ for high-risk accounts",
        "Answers for churn-risk and high-ARR accounts that asked for this.",
        "enablement",
        "CSM",
        10,
        False,
    ),
    (
        "Hold the CSM training session",
        "Teach CSMs how the feature solves the pain and how to guide a customer through it.",
        "enablement",
        "CSM",
        10,
        True,  # the recording or slides: training is done when others can take it too
    ),
    (
        "Draft the customer announcement",
        "Email and release note, reviewed by the PM.",
        "communications",
        "Product Ops",
        10,
        False,
    ),
    (
        "In-app guide ready for day one",
        "A Pendo guide that triggers for users who have not discovered the change.",
        "communications",
        "PM",
        7,
        True,
    ),
    (
        "Documentation updated",
        "Product documentation reflects the change.",
        "definition_of_done",
        "PM",
        3,
        True,
    ),
    (
        "Training material published",
        "Slides and recording in the enablement library.",
        "definition_of_done",
        "Product Ops",
        3,
        True,
    ),
    (
        "In-app guide live and targeted",
        "The guide is live for the right segment on launch day.",
        "definition_of_done",
        "PM",
        0,
        True,
    ),
]

MINOR = [
    (
        "Describe how this changes a CSM's workflow",
        "Internal impact in a paragraph.",
        "internal_impact",
        "PM",
        21,
        False,
    ),
    (
        "Publish the Zendesk help-center write-up",
        "The article support links to.",
        "communications",
        "Product Ops",
        7,
        True,
    ),
    ("Brief the CSM team", "Five minutes in the weekly CS meeting.", "enablement", "CSM", 5, False),
    (
        "Documentation updated",
        "Product documentation reflects the change.",
        "definition_of_done",
        "PM",
        0,
        True,
    ),
]

PATCH = [
    ("Release note written", "One line in the changelog.", "communications", "PM", 0, False),
    ("Documentation updated", "If behaviour changed.", "definition_of_done", "PM", 0, False),
]

TEMPLATES = {
    "major": ("Major release readiness", MAJOR),
    "minor": ("Minor release readiness", MINOR),
    "patch": ("Patch release readiness", PATCH),
}
