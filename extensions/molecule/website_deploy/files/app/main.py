"""A tiny ASGI application: the code the website_deploy scenario deploys."""

from __future__ import annotations


async def app(scope, receive, send):
    """Answer every HTTP request with a greeting."""
    if scope["type"] != "http":
        return
    body = b"Hello from PythonAnywhere"
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
