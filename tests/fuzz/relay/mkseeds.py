#!/usr/bin/env python3
"""Write the seed requests of fuzz_relay (format: the comment at the top of
tests/fuzz/fuzz_relay.c).  The seeds are committed; run again only when the
format or the API changes."""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "seeds")
CORPUS = os.path.join(HERE, "..", "..", "corpus", "webhooks")
GET, POST, PUT, DELETE = 0, 1, 2, 3
TOKEN, SIGN, JSONCT = 8, 16, 32


def req(flags, target, body=b"", headers=()):
    if not isinstance(body, bytes):
        body = json.dumps(body).encode()
    return bytes([flags]) + target.encode() + b"\n" + b"".join(
        h.encode() + b"\n" for h in headers) + b"\n" + body


S = {}
for name in ("001-text.json", "010-image.json", "020-location.json"):
    path = os.path.join(CORPUS, name)
    if os.path.exists(path):
        S["0-webhook-" + name[:-5]] = req(POST | SIGN | JSONCT, "/webhook",
                                        open(path, "rb").read())
S["webhook-unsigned"] = req(POST | JSONCT, "/webhook", {"object": "x"})
S["webhook-bad-sig"] = req(POST, "/webhook", b"{}",
                           ["X-Hub-Signature-256: sha256=00"])
S["webhook-verify"] = req(GET, "/webhook?hub.mode=subscribe&hub.verify_token=vt"
                          "&hub.challenge=1158201444")
S["webhook-verify-wrong"] = req(GET, "/webhook?hub.mode=subscribe&"
                                "hub.verify_token=nope&hub.challenge=x%00y")
S["me"] = req(GET | TOKEN, "/v1/me")
S["me-no-token"] = req(GET, "/v1/me", headers=["Authorization: Bearer x"])
S["sync"] = req(GET | TOKEN, "/v1/sync?after=0&limit=5")
S["sync-bad-args"] = req(GET | TOKEN, "/v1/sync?after=-1&limit=999999999999")
S["message"] = req(POST | TOKEN | JSONCT, "/v1/conversations/c1/messages",
                   {"client_id": "k1", "text": "hello \u202e"})
S["message-template"] = req(POST | TOKEN | JSONCT,
                            "/v1/conversations/c1/messages",
                            {"client_id": "k2", "template": {
                                "name": "order_update", "language": "en_US",
                                "params": ["A1", "https://x"]}})
S["note"] = req(POST | TOKEN | JSONCT, "/v1/conversations/c1/notes",
                {"client_id": "k3", "text": "private"})
S["escalate"] = req(POST | TOKEN | JSONCT, "/v1/conversations/c1/escalate",
                    {"client_id": "k4", "team": "tier2", "priority": "urgent",
                     "reason": "refund"})
S["assign"] = req(POST | TOKEN | JSONCT, "/v1/conversations/c1/assign",
                  {"client_id": "k5", "agent": "alice"})
S["status"] = req(POST | TOKEN | JSONCT, "/v1/conversations/c1/status",
                  {"client_id": "k6", "status": "snoozed", "until": 1})
S["labels"] = req(POST | TOKEN | JSONCT, "/v1/conversations/c1/labels",
                  {"client_id": "k7", "add": ["vip", "a" * 40], "remove": []})
S["presence"] = req(POST | TOKEN | JSONCT, "/v1/conversations/c1/presence",
                    {"activity": "typing"})
S["read"] = req(POST | TOKEN | JSONCT, "/v1/conversations/c1/read",
                {"message": "wamid.X"})
S["media"] = req(GET | TOKEN, "/v1/conversations/c1/media/123456")
S["contact"] = req(GET | TOKEN, "/v1/contacts/16505551234")
S["contact-post"] = req(POST | TOKEN | JSONCT, "/v1/contacts/16505551234",
                        {"client_id": "k8", "note": "n",
                         "attributes": {"plan": "gold"}})
S["contact-history"] = req(GET | TOKEN, "/v1/contacts/16505551234/conversations")
S["bulk"] = req(POST | TOKEN | JSONCT, "/v1/bulk",
                {"client_id": "k9", "conversations": ["c1", "c2"],
                 "action": {"labels": {"add": ["x"]}}})
S["percent-path"] = req(GET | TOKEN, "/v1/contacts/%2e%2e%2F%00x")
S["not-json"] = req(POST | TOKEN | JSONCT, "/v1/conversations/c1/notes",
                    b"{\"client_id\":")
S["unknown-route"] = req(DELETE | TOKEN, "/v1/everything")

os.makedirs(OUT, exist_ok=True)
for name, data in sorted(S.items()):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
print(f"{len(S)} seeds in {OUT}")
