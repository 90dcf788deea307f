"""Users for bench/load.py (locust, headless). LOAD_MODE=minimal drives only the minimal login-required view;
LOAD_MODE=mix drives the portal's pages as the roles that use them."""

from __future__ import annotations

import os
import re

import requests
from locust import HttpUser, between, task

MODE = os.environ.get("LOAD_MODE", "mix")
RELEASE_IDS = [int(x) for x in os.environ.get("LOAD_RELEASES", "").split(",") if x]
THEME_ID = os.environ.get("LOAD_THEME", "")


class Portal(HttpUser):
    abstract = True
    username = ""
    wait_time = between(0, 0)  # closed loop: each user sends its next request as soon as the last one answers

    def on_start(self) -> None:
        # Logged in with a plain requests session, which locust does not count (the figures are pages), and the
        # session cookie handed to locust's client.
        login = requests.Session()
        login.trust_env = False
        page = login.get(f"{self.host}/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        login.post(
            f"{self.host}/accounts/login/",
            data={
                "username": self.username,
                "password": "demo",
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            headers={"Referer": f"{self.host}/accounts/login/"},
        )
        self.client.cookies.update(login.cookies)

    def page(self, path: str, name: str) -> None:
        """A page as its user sees it: anything but a 200 (a redirect to the login page, a 403, a 500) is an error."""
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")


if MODE == "minimal":

    class Minimal(Portal):
        username = "pm"

        @task
        def whoami(self) -> None:
            self.page("/accounts/whoami/", "minimal view")

else:

    class ProductManager(Portal):
        username = "pm"
        weight = 3

        @task(3)
        def dashboard(self) -> None:
            self.page("/feedback/", "dashboard")

        @task(2)
        def dashboard_segment(self) -> None:
            self.page("/feedback/?segment=churn_risk&days=90", "dashboard churn 90d")

        @task(1)
        def dashboard_theme(self) -> None:
            self.page(f"/feedback/?segment=churn_risk&theme={THEME_ID}&days=90", "dashboard theme")

    class CustomerSuccess(Portal):
        username = "csm"
        weight = 3

        @task(2)
        def board(self) -> None:
            self.page("/readiness/", "readiness board")

        @task(2)
        def release(self) -> None:
            if RELEASE_IDS:
                self.page(f"/readiness/releases/{RELEASE_IDS[0]}/", "release page")

        @task(1)
        def kit(self) -> None:
            if RELEASE_IDS:
                self.page(f"/readiness/releases/{RELEASE_IDS[0]}/kit/", "kit")

    class Sales(Portal):
        username = "sales"
        weight = 2

        @task
        def digest(self) -> None:
            self.page("/digest/", "digest")

    class ChiefProductOfficer(Portal):
        username = "cpo"
        weight = 2

        @task
        def reports(self) -> None:
            self.page("/reports/", "reports")
