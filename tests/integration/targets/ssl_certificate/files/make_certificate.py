# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Write a certificate chain (the domain's certificate, then a stand-in intermediate) and its key as PEM files.

Usage: make_certificate.py DOMAIN DAYS CHAIN_PATH KEY_PATH. Prints the expiry (ISO 8601, UTC) and the
SHA-256 of the leaf certificate's DER as JSON, for the test to compare with the simulator's state.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def build(subject, issuer, public_key, signing_key, not_after, sans=()):
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(public_key)
               .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
               .not_valid_after(not_after))
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(name) for name in sans]), critical=False)
    return builder.sign(signing_key, hashes.SHA256())


def main():
    domain, days, chain_path, key_path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    ca_key = ec.generate_private_key(ec.SECP256R1())
    key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, 'Integration Test CA')])
    not_after = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=days, hours=1)).replace(microsecond=0)
    leaf = build(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, domain)]), ca_name, key.public_key(), ca_key,
                 not_after, sans=[domain, domain.split('.', 1)[1]])
    ca = build(ca_name, ca_name, ca_key.public_key(), ca_key, not_after + datetime.timedelta(days=365))
    with open(chain_path, 'wb') as stream:
        stream.write(leaf.public_bytes(serialization.Encoding.PEM) + ca.public_bytes(serialization.Encoding.PEM))
    with open(key_path, 'wb') as stream:
        stream.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    print(json.dumps({'not_after': not_after.isoformat(),
                      'sha256': hashlib.sha256(leaf.public_bytes(serialization.Encoding.DER)).hexdigest()}))


if __name__ == '__main__':
    main()
