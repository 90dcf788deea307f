"""Words the demo data is made of: themes with their keyword rules and what customers say about them."""

from __future__ import annotations

# name, keywords, description, [titles], [things customers say]
THEMES: list[tuple[str, list[str], str, list[str], list[str]]] = [
    (
        "Reporting & dashboards",
        ["report", "dashboard", "scheduled report", "export to pdf"],
        "Custom reports, dashboards and scheduled exports for managers.",
        ["Need custom reports", "Dashboard is missing key numbers", "Scheduled report emails"],
        [
            "Our managers need a weekly report they can schedule instead of building it by hand every Monday.",
            "The dashboard doesn't let us filter by region, so leadership asks us for spreadsheets.",
            "We export everything to Excel because the built-in reporting can't group by team.",
            "Can we get an export to PDF of the dashboard for our board pack?",
        ],
    ),
    (
        "SSO & SAML",
        ["sso", "saml", "okta", "single sign-on"],
        "Enterprise single sign-on with SAML identity providers.",
        ["SSO required by security", "SAML login with Okta", "Single sign-on for all users"],
        [
            "Security won't approve the rollout without SAML SSO through Okta.",
            "Users keep forgetting passwords; single sign-on would remove half our tickets.",
            "Our IT team needs SSO enforced for every user, including contractors.",
        ],
    ),
    (
        "Salesforce sync",
        ["salesforce sync", "crm sync", "salesforce integration"],
        "Two-way sync of accounts and activities with Salesforce.",
        ["Salesforce sync drops fields", "CRM sync is one-way", "Salesforce integration errors"],
        [
            "The Salesforce sync overwrote our custom fields again last night.",
            "Reps want the CRM sync to be two-way so they stop double entry.",
            "The Salesforce integration fails silently when a record is locked.",
        ],
    ),
    (
        "Mobile app",
        ["mobile app", "ios", "android"],
        "Native mobile apps for field teams.",
        ["Mobile app for field staff", "Android app crashes", "iOS app missing offline mode"],
        [
            "Our field team needs the mobile app to work offline on job sites.",
            "The Android app crashes when uploading photos.",
            "Half our users are on iOS and the mobile app lacks approvals.",
        ],
    ),
    (
        "Performance",
        ["slow", "timeout", "performance", "loading"],
        "Page speed and timeouts on large workspaces.",
        ["Pages are slow", "Timeouts on large projects", "Performance has degraded"],
        [
            "Everything is slow since we passed 10,000 records; search takes ten seconds.",
            "We hit a timeout every time we open the big project board.",
            "Loading the activity feed takes so long people give up.",
        ],
    ),
    (
        "Bulk export & API",
        ["bulk export", "rate limit", "csv export", "public api"],
        "Bulk data access for customers' own warehouses.",
        ["Need bulk export", "API rate limit too low", "CSV export truncates"],
        [
            "Our data team needs a bulk export into Snowflake every night.",
            "We keep hitting the rate limit on the public API during month-end.",
            "The CSV export stops at 10,000 rows, which is useless for us.",
        ],
    ),
    (
        "Roles & permissions",
        ["permission", "custom roles", "access control", "admin rights"],
        "Granular roles so admins can delegate safely.",
        ["Custom roles needed", "Permissions too coarse", "Access control for contractors"],
        [
            "We need custom roles so team leads can approve without full admin rights.",
            "Permissions are all-or-nothing; contractors see too much.",
            "Access control per project is a must before we add the agency.",
        ],
    ),
    (
        "Audit log",
        ["audit log", "audit trail", "compliance"],
        "A searchable audit trail for compliance reviews.",
        ["Audit log for SOC 2", "Need an audit trail", "Compliance review blocked"],
        [
            "Our SOC 2 auditor asked for an audit log of permission changes.",
            "Without an audit trail we can't prove who changed the pricing table.",
            "Compliance is blocking the renewal until we can export an audit log.",
        ],
    ),
    (
        "Onboarding",
        ["onboarding", "getting started", "setup wizard", "training"],
        "First-week experience for new teams and admins.",
        ["Onboarding is confusing", "Need a setup wizard", "Training for new hires"],
        [
            "New hires struggle with onboarding; there is no getting started checklist.",
            "A setup wizard would have saved our admin two days.",
            "We need training material we can hand to each new team.",
        ],
    ),
    (
        "Billing & invoices",
        ["invoice", "billing", "seat pricing", "pricing"],
        "Invoices, seat counts and plan changes.",
        ["Invoice shows wrong seats", "Billing contact can't log in", "Seat pricing confusing"],
        [
            "The invoice charged us for seats we removed last month.",
            "Our finance team needs billing access without a full licence.",
            "Seat pricing is confusing compared to the other vendors we evaluated.",
        ],
    ),
    (
        "Notifications",
        ["notification", "email alert", "slack"],
        "Notification controls and Slack delivery.",
        ["Too many notifications", "Slack notifications", "Email alerts missing"],
        [
            "People mute everything because there are too many notifications.",
            "We live in Slack; alerts should go there, not email.",
            "The email alert for overdue tasks never arrives.",
        ],
    ),
    (
        "New navigation",
        ["navigation", "new ui", "can't find", "menu"],
        "The navigation redesign and where things moved.",
        ["Can't find settings after redesign", "New UI is confusing", "Navigation feedback"],
        [
            "Since the new UI our users can't find the settings page.",
            "The navigation changed overnight and support tickets doubled.",
            "The new menu hides the reports our managers use daily.",
        ],
    ),
]

COMPANY_FIRST = [
    "Acme",
    "Blue",
    "Cedar",
    "Delta",
    "Ember",
    "Fjord",
    "Granite",
    "Harbor",
    "Iris",
    "Juniper",
    "Kestrel",
    "Lumen",
    "Maple",
    "Nimbus",
    "Orchid",
    "Pioneer",
    "Quartz",
    "Redwood",
    "Summit",
    "Tidal",
    "Umber",
    "Vertex",
    "Willow",
    "Xenon",
    "Yarrow",
    "Zephyr",
    "Atlas",
    "Beacon",
    "Copper",
    "Drift",
]
COMPANY_SECOND = [
    "Logistics",
    "Health",
    "Foods",
    "Analytics",
    "Robotics",
    "Energy",
    "Capital",
    "Retail",
    "Labs",
    "Media",
    "Systems",
    "Freight",
    "Clinics",
    "Builders",
    "Insurance",
    "Travel",
    "Studios",
    "Networks",
    "Foundry",
    "Works",
]
COMPANY_SUFFIX = ["Inc", "Ltd", "GmbH", "Group", "Co", "AG", "LLC", "SA"]
INDUSTRIES = ["Logistics", "Healthcare", "Retail", "Financial services", "Manufacturing", "Media", "Software"]
PLANS = ["Starter", "Team", "Business", "Enterprise"]
STAGES_OPEN = ["Qualification", "Discovery", "Proposal", "Negotiation"]
CONTACTS = [
    "Alex",
    "Sam",
    "Priya",
    "Jonas",
    "Mei",
    "Carlos",
    "Fatima",
    "Noah",
    "Olga",
    "Tunde",
    "Lena",
    "Ravi",
]
CALL_KINDS = ["Discovery call", "QBR", "Renewal check-in", "Technical deep dive", "Expansion review"]
NOTE_KINDS = ["Account review notes", "Deal blocker", "Meeting notes", "Exec sponsor call"]

# The demo users: username, first, last, role. Password for all of them is "demo".
DEMO_USERS = [
    ("productops", "Pat", "Okafor", "Product Ops"),
    ("pm", "Morgan", "Reyes", "PM"),
    ("csm", "Casey", "Lindqvist", "CSM"),
    ("sales", "Sasha", "Ito", "Sales"),
    ("cpo", "Chris", "Adeyemi", "CPO"),
]
# Extra CSMs who own accounts too (no password: they exist so ownership looks like a real team).
EXTRA_CSMS = [("csm.amara", "Amara", "Diallo"), ("csm.diego", "Diego", "Santos"), ("csm.wei", "Wei", "Chen")]
DEMO_PASSWORD = "demo"
