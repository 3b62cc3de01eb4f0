"""Files: path GET/POST/DELETE, tree, sharing."""

from __future__ import annotations

import hashlib


def test_upload_creates_then_overwrites(alice):
    created = alice.upload("/home/alice/deep/er/file.txt", b"one")
    assert created.status_code == 201 and created.content == b""
    overwritten = alice.upload("/home/alice/deep/er/file.txt", b"two")
    assert overwritten.status_code == 200
    got = alice.get("files/path/home/alice/deep/er/file.txt")
    assert got.status_code == 200 and got.content == b"two"
    assert got.headers["Content-Type"].startswith("application/octet-stream")
    info = alice.server.admin("GET", "accounts/alice/files", params={"path": "/home/alice/deep"}).json()
    assert info == {"type": "directory", "entries": {
        "er": {"type": "directory"},
        "er/file.txt": {"type": "file", "sha256": hashlib.sha256(b"two").hexdigest(), "size": 3}}}


def test_trailing_slash_and_quoted_paths(alice):
    assert alice.post("files/path/home/alice/my_file.txt/", files={"content": b"x"}).status_code == 201
    assert alice.get("files/path/home/alice/my_file.txt").content == b"x"
    assert alice.upload("/home/alice/with space.txt", b"s").status_code == 201
    assert alice.get("files/path/home/alice/with%20space.txt").content == b"s"
    listing = alice.get("files/path/home/alice/").json()
    assert listing["with space.txt"]["url"].endswith("/files/path/home/alice/with%20space.txt")


def test_directory_listing_shape(alice):
    alice.upload("/home/alice/site/app.py", b"print()")
    listing = alice.get("files/path/home/alice")
    assert listing.status_code == 200
    body = listing.json()
    assert ".bashrc" in body and "README.txt" in body  # dotfiles listed
    assert body["site"] == {"type": "directory", "url": f"{alice.server.url}/api/v0/user/alice/files/path/home/alice/site"}
    assert all(set(entry) == {"type", "url"} for entry in body.values())
    root = alice.get("files/path/").json()
    assert set(root) == {"home", "tmp", "var"}


def test_errors(alice):
    missing = alice.get("files/path/home/alice/nope.txt")
    assert missing.status_code == 404 and missing.json() == {"detail": "No such file or directory: /home/alice/nope.txt"}
    no_content = alice.post("files/path/home/alice/x.txt", files={"other": b"x"})
    assert no_content.status_code == 400
    assert no_content.json() == {"detail": "You must provide a file with the name 'content'."}
    outside = alice.upload("/etc/x", b"x")
    assert outside.status_code == 403
    assert outside.json() == {"detail": "You do not have permission to perform this action."}
    assert alice.upload("/home/bob/x", b"x").status_code == 403
    assert alice.upload("/home/alice/../bob/x", b"x").status_code == 403
    alice.upload("/home/alice/f", b"x")
    assert alice.upload("/home/alice/f/child", b"x").json() == {"detail": "/home/alice/f is not a directory"}
    assert alice.upload("/var/log/x.log", b"x").status_code == 201
    assert alice.upload("/tmp/x", b"x").status_code == 201


def test_delete(alice):
    alice.upload("/home/alice/d/a/b.txt", b"x")
    assert alice.delete("files/path/home/alice/d").status_code == 204  # recursive
    assert alice.get("files/path/home/alice/d").status_code == 404
    gone = alice.delete("files/path/home/alice/d")
    assert gone.status_code == 404 and gone.json() == {"message": "File does not exist", "code": "not_found"}
    home = alice.delete("files/path/home/alice/")
    assert home.status_code == 403 and home.json() == {"message": "You do not have permission to delete this", "code": "forbidden"}
    alice.upload("/var/log/site.access.log", b"log")
    assert alice.delete("files/path/var/log/site.access.log/").status_code == 204


def test_tree(alice):
    alice.upload("/home/alice/proj/b.py", b"")
    alice.upload("/home/alice/proj/a/c.py", b"")
    alice.upload("/home/alice/proj/.git/config", b"")
    alice.upload("/home/alice/proj/.env", b"")
    tree = alice.get("files/tree/", params={"path": "/home/alice/proj"})
    assert tree.json() == ["/home/alice/proj/a/", "/home/alice/proj/a/c.py", "/home/alice/proj/b.py"]
    assert alice.get("files/tree/", params={"path": "/home/alice/nope"}).json() == {"detail": "/home/alice/nope does not exist"}
    assert alice.get("files/tree/", params={"path": "/home/alice/proj/b.py"}).json() == {
        "detail": "/home/alice/proj/b.py is not a directory"}
    assert alice.get("files/tree/").status_code == 400
    assert "/home/alice/" in alice.get("files/tree/", params={"path": "/"}).json()


def test_tree_is_capped_at_1000(alice):
    root = alice.server.state_dir / "files" / "alice" / "home" / "alice" / "many"
    root.mkdir(parents=True)
    for i in range(1100):
        (root / f"f{i:04d}").write_bytes(b"")
    tree = alice.get("files/tree/", params={"path": "/home/alice/many/"}).json()
    assert len(tree) == 1000 and tree[0] == "/home/alice/many/f0000"


def test_sharing(alice):
    alice.upload("/home/alice/share.txt", b"x")
    first = alice.post("files/sharing/", json={"path": "/home/alice/share.txt"})
    assert first.status_code == 201
    url = first.json()["url"]
    assert url.startswith("/user/alice/shares/") and url.endswith("/")
    again = alice.post("files/sharing/", data={"path": "/home/alice/share.txt"})
    assert again.status_code == 200 and again.json() == {"url": url}
    assert alice.get("files/sharing/", params={"path": "/home/alice/share.txt"}).json() == {"url": url}
    assert alice.delete("files/sharing/", params={"path": "/home/alice/share.txt"}).status_code == 204
    assert alice.get("files/sharing/", params={"path": "/home/alice/share.txt"}).status_code == 404
    assert alice.post("files/sharing/", json={"path": "/home/alice/none"}).status_code == 404
    assert alice.post("files/sharing/", json={}).json() == {"path": ["This field is required."]}


def test_large_upload_is_streamed(alice):
    chunk = b"0123456789abcdef" * 65536  # 1 MiB

    def body():
        for _attempt in range(24):
            yield chunk

    # a multipart body generated on the fly (chunked transfer), like a streaming client
    boundary = "simboundary"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"content\"; filename=\"big.bin\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode()
    tail = f"\r\n--{boundary}--\r\n".encode()

    def multipart():
        yield head
        yield from body()
        yield tail

    response = alice.post("files/path/home/alice/big.bin", data=multipart(),
                          headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert response.status_code == 201, response.text
    info = alice.server.admin("GET", "accounts/alice/files", params={"path": "/home/alice/big.bin"}).json()
    assert info["size"] == 24 * len(chunk)
    assert info["sha256"] == hashlib.sha256(chunk * 24).hexdigest()
    assert not list((alice.server.state_dir / "uploads").iterdir())  # no temp file left behind
