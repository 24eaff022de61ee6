"""A small HTTP client for the harness's own requests (checking each endpoint, signing in):
http.client, cookies by hand, since production's cookies are Secure and this is plain HTTP on
loopback."""

from __future__ import annotations

import http.client
import json
import re
import time
from dataclasses import dataclass, field

from blog.seed import DEMO_PASSWORD

CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    seconds: float

    def json(self):
        return json.loads(self.body)


@dataclass
class Client:
    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    timeout: float = 120

    def request(self, method: str, path: str, body=None, headers=None) -> Answer:
        sent = dict(headers or {})
        if self.cookies and "Cookie" not in sent:  # a Cookie header given wins
            sent["Cookie"] = self.cookie_header()
        if isinstance(body, dict):
            body, sent["Content-Type"] = json.dumps(body), "application/json"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        seconds = time.perf_counter() - started
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return Answer(response.status, response.headers, content, seconds)

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def sign_in(self, login: str, password: str = DEMO_PASSWORD) -> None:
        """Through the form, as a browser does: the form's CSRF token, then the POST."""
        form = self.request("GET", "/login")
        token = CSRF_FIELD.search(form.body.decode())
        if form.status != 200 or token is None:
            raise RuntimeError(f"GET /login answered {form.status} without a CSRF token")
        fields = f"login={login}&password={password}&csrf_token={token.group(1)}"
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        answer = self.request("POST", "/login", fields, headers)
        if answer.status != 302:
            raise RuntimeError(f"signing in {login} answered {answer.status}, not a redirect")

    def api_token(self, email: str, password: str = DEMO_PASSWORD) -> str:
        answer = self.request(
            "POST", "/api/users/login", {"user": {"email": email, "password": password}}
        )
        if answer.status != 200:
            raise RuntimeError(f"POST /api/users/login for {email} answered {answer.status}")
        return answer.json()["user"]["token"]
