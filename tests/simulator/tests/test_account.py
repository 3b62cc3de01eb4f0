"""cpu, default Python versions, system image, students, MySQL databases."""

from __future__ import annotations

import datetime


def test_cpu(alice, bob):
    cpu = alice.get("cpu/").json()
    assert cpu["daily_cpu_limit_seconds"] == 4000 and cpu["daily_cpu_total_usage_seconds"] == 0.0
    reset = datetime.datetime.fromisoformat(cpu["next_reset_time"])
    assert reset.tzinfo is None
    assert bob.get("cpu/").json()["daily_cpu_limit_seconds"] == 100


def test_default_python_versions(alice):
    got = alice.get("default_python_version/").json()
    assert got == {"default_python_version": "3.10", "available_python_versions": ["3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13"]}
    assert alice.patch("default_python_version/", data={"default_python_version": "3.12"}).json()["default_python_version"] == "3.12"
    assert alice.patch("default_python_version/", data={"default_python_version": "2.7"}).json() == {
        "default_python_version": ['"2.7" is not a valid choice.']}
    three = alice.get("default_python3_version/").json()
    assert set(three) == {"default_python3_version", "available_python3_versions"}
    assert alice.patch("default_python3_version/", json={"default_python3_version": "3.11"}).status_code == 200
    sar = alice.patch("default_save_and_run_python_version/", json={"default_save_and_run_python_version": "3.13"}).json()
    assert sar["default_save_and_run_python_version"] == "3.13" and "available_python_versions" in sar
    state = alice.state()
    assert (state["default_python_version"], state["default_python3_version"]) == ("3.12", "3.11")


def test_system_image(alice, new_account):
    assert alice.get("system_image/").json() == {"system_image": "innit", "available_system_images": ["innit"]}
    assert alice.patch("system_image/", data={"system_image": "haggis"}).status_code == 400
    old = new_account("erin", system_image="glastonbury")
    assert old.get("system_image/").json()["available_system_images"] == ["glastonbury", "haggis", "innit"]
    assert old.get("default_python_version/").json()["default_python_version"] == "2.7"
    switched = old.patch("system_image/", json={"system_image": "innit"})
    assert switched.json() == {"system_image": "innit", "available_system_images": ["glastonbury", "haggis", "innit"]}
    assert old.get("default_python_version/").json()["default_python_version"] == "3.10"
    assert old.state()["system_image"] == "innit"


def test_students(alice):
    assert alice.get("students/").json() == {"students": [{"username": "student1"}, {"username": "student2"}]}
    assert alice.delete("students/student1").status_code == 204  # without the slash, as pythonanywhere-core sends it
    assert alice.delete("students/student1/").status_code == 404
    assert alice.get("students/").json() == {"students": [{"username": "student2"}]}
    assert alice.state()["students"] == ["student2"]


def test_mysql(alice, bob):
    assert alice.get("databases/mysql/").json() == []
    refused = bob.get("databases/mysql/")
    assert refused.status_code == 403 and "not available" in refused.json()["detail"]
