"""Helpers for the apps' routes: a store manager making keys, and an app's server using one."""
from __future__ import annotations

import json

from bridge.routes import NAMESPACE

ADMIN_TOKEN = "test-admin-token"


class Manager:
    """A store manager, standalone: the admin token as a Bearer header."""

    def __init__(self, client, token: str = ADMIN_TOKEN):
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}

    def create(self, scopes=("chat", "conversations:read"), mode="live", name="My app",
               **extra) -> dict:
        response = self.post("/admin/api-keys", {"name": name, "mode": mode,
                                                 "scopes": list(scopes), **extra})
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def post(self, path: str, body):
        return self.client.post(NAMESPACE + path, data=json.dumps(body), headers=self.headers,
                                content_type="application/json")

    def get(self, path: str):
        return self.client.get(NAMESPACE + path, headers=self.headers)


class AppServer:
    """An app's server: its key and, per call, its user's id."""

    def __init__(self, client, key: str, user: str | None = "user-1"):
        self.client = client
        self.key = key
        self.user = user

    def headers(self, extra=None, user="default") -> dict:
        user = self.user if user == "default" else user
        headers = {"Authorization": f"Bearer {self.key}"}
        if user is not None:
            headers["X-App-User"] = user
        return {**headers, **(extra or {})}

    def post(self, path: str, body=None, *, raw: bytes | None = None, headers=None,
             user="default"):
        data = raw if raw is not None else json.dumps(body)
        return self.client.post(NAMESPACE + path, data=data, content_type="application/json",
                                headers=self.headers(headers, user))

    def get(self, path: str, query: str = "", *, headers=None, user="default"):
        url = NAMESPACE + path + (f"?{query}" if query else "")
        return self.client.get(url, headers=self.headers(headers, user))

    def say(self, text: str, conversation_ref: str | None = None, **kwargs):
        body = {"messages": [{"role": "user", "content": text}]}
        if conversation_ref:
            body["conversation_ref"] = conversation_ref
        return self.post("/app/message", body, **kwargs)
