# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""TLS certificates of web apps (``webapps/{d}/ssl/``, v0) and websites (``domains/{d}/ssl/``, v1).

The API reports a certificate by four fields only (``subject_name``, ``subject_alternate_names``,
``issuer_name``, ``not_after``) and never returns the PEM, so a certificate is compared by that identity:
the module parses the certificate it is given (with ``cryptography``) into the same four fields.
"""

from __future__ import annotations

import datetime
import math
import re
import traceback

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._resource import (
    SET,
    Field,
    Resource,
    ResourceError,
)

CRYPTOGRAPHY_IMPORT_ERROR = None
try:
    from cryptography import x509
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives import serialization
    from cryptography.x509.oid import NameOID
except ImportError:
    x509 = serialization = NameOID = None
    UnsupportedAlgorithm = ValueError
    CRYPTOGRAPHY_IMPORT_ERROR = traceback.format_exc()

LETSENCRYPT = 'letsencrypt-auto-renew'

#: What the API reports of a certificate.
IDENTITY = ('subject_name', 'subject_alternate_names', 'issuer_name', 'not_after')

#: site_type -> (certificate endpoint, the endpoint of what it belongs to, the name of that)
SITES = {
    'webapp': ('webapps/{domain_name}/ssl/', 'webapps/{domain_name}/', 'web app'),
    'website': ('domains/{domain_name}/ssl/', 'domains/{domain_name}/', 'website domain'),
}

#: Let's Encrypt's issuing CAs are named ``R3``, ``R10``-``R14``, ``E1``, ``E5``-``E9``, ``YR1``...;
#: its organisation is ``Let's Encrypt``.
LETSENCRYPT_ISSUER = re.compile(r"^(?:y?[re]\d{1,2}|.*let'?s ?encrypt.*)$", re.IGNORECASE)

TIMESTAMP = re.compile(
    r'^(\d{4})-?(\d{2})-?(\d{2})'
    r'(?:[T ](\d{2}):?(\d{2})(?::?(\d{2})(?:[.,]\d+)?)?)?'
    r'\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$', re.IGNORECASE)

PEM_CERTIFICATE = re.compile(r'-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----', re.DOTALL)


def parse_time(value):
    """A certificate time as PA has reported it -> an aware UTC datetime, or None when unreadable.

    Accepts ISO 8601 with an offset (``2018-08-24T17:16:23+00:00``) or ``Z``, a naive ISO time (taken as UTC),
    the compact form ``20180824T171623Z``, and datetimes.
    """
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=datetime.timezone.utc) if value.tzinfo is None else value.astimezone(datetime.timezone.utc)
    if not isinstance(value, str):
        return None
    match = TIMESTAMP.match(value.strip())
    if not match:
        return None
    year, month, day, hour, minute, second, zone = match.groups()
    offset = datetime.timedelta(0)
    if zone and zone[0] in '+-':
        digits = zone[1:].replace(':', '')
        offset = datetime.timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
        if zone[0] == '-':
            offset = -offset
    try:
        when = datetime.datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0),
                                 tzinfo=datetime.timezone(offset))
    except ValueError:
        return None
    return when.astimezone(datetime.timezone.utc)


def normalize_time(value):
    """``20180824T171623Z`` -> ``2018-08-24T17:16:23+00:00``; unreadable values are kept as they are."""
    when = parse_time(value)
    return when.isoformat() if when is not None else value


def days_left(value, now=None):
    """Whole days until ``value`` (negative once expired), or None when it cannot be read."""
    when = parse_time(value)
    if when is None:
        return None
    now = now or datetime.datetime.now(datetime.timezone.utc)
    return int(math.floor((when - now).total_seconds() / 86400))


def lower_names(names):
    return [str(name).lower() for name in names or []]


def is_letsencrypt(remote):
    """Whether the server's certificate is PA's Let's Encrypt one: by ``cert_type`` if the API gives it, else by issuer."""
    if remote.get('cert_type'):
        return remote['cert_type'] == LETSENCRYPT
    return bool(LETSENCRYPT_ISSUER.match(str(remote.get('issuer_name') or '').strip()))


def covers(domain, names):
    """Whether a certificate for ``names`` is valid for ``domain`` (``*.example.com`` covers one label)."""
    domain = domain.lower()
    for name in names:
        name = name.lower()
        if name == domain or (name.startswith('*.') and '.' in domain and domain.split('.', 1)[1] == name[2:]):
            return True
    return False


def _names(name):
    """How a distinguished name is shown (its common name, else RFC 4514), and every form PA may report it in."""
    rfc4514 = name.rfc4514_string()
    forms = [str(attribute.value) for oid in (NameOID.COMMON_NAME, NameOID.ORGANIZATION_NAME)
             for attribute in name.get_attributes_for_oid(oid)]
    shown = forms[0] if name.get_attributes_for_oid(NameOID.COMMON_NAME) else rfc4514
    return shown, set(forms + [rfc4514, shown])


def _public_key_bytes(key):
    return key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


class GivenCertificate:
    """The identity of a PEM certificate chain and a check that the private key belongs to it.

    Error messages never quote the key (nor cryptography's exception text, which could).
    """

    def __init__(self, chain_pem, key_pem):
        blocks = PEM_CERTIFICATE.findall(chain_pem or '')
        if not blocks:
            raise ResourceError('certificate must hold PEM certificates (-----BEGIN CERTIFICATE-----), '
                                'the site\'s certificate first, then the intermediates')
        chain = []
        for index, block in enumerate(blocks):
            try:
                chain.append(x509.load_pem_x509_certificate(block.encode('ascii')))
            except (ValueError, UnicodeEncodeError):
                raise ResourceError('certificate: PEM block %d is not a readable X.509 certificate' % (index + 1))
        try:
            key = serialization.load_pem_private_key((key_pem or '').encode('utf-8'), password=None)
        except TypeError:
            raise ResourceError('private_key is encrypted: PythonAnywhere needs the key without a passphrase')
        except (ValueError, UnicodeEncodeError, UnsupportedAlgorithm):
            raise ResourceError('private_key is not a readable PEM private key')
        public = _public_key_bytes(key.public_key())
        if _public_key_bytes(chain[0].public_key()) != public:
            if any(_public_key_bytes(cert.public_key()) == public for cert in chain[1:]):
                raise ResourceError('certificate: the certificate that private_key belongs to must come first in the chain')
            raise ResourceError('private_key does not belong to the certificate (their public keys differ)')
        leaf = chain[0]
        self.subject_name, self.subject_forms = _names(leaf.subject)
        self.issuer_name, self.issuer_forms = _names(leaf.issuer)
        try:
            extension = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName)
            self.subject_alternate_names = extension.value.get_values_for_type(x509.DNSName)
        except x509.ExtensionNotFound:
            self.subject_alternate_names = []
        not_after = getattr(leaf, 'not_valid_after_utc', None) or leaf.not_valid_after
        self.not_after = normalize_time(not_after)

    def identity(self):
        return {
            'subject_name': self.subject_name,
            'subject_alternate_names': lower_names(self.subject_alternate_names),
            'issuer_name': self.issuer_name,
            'not_after': self.not_after,
        }


class Certificate(Resource):
    """The certificate of one domain: present (Let's Encrypt or custom) or absent. POST replaces it."""

    name = 'certificate'
    return_key = 'certificate'
    natural_key = ('domain_name',)
    lookup_by_item = True
    encoding = 'json'
    domain_defaults = False  # a certificate is for a custom domain, always named
    fields = {
        'domain_name': Field(read_only=True),
        'site_type': Field(read_only=True),
        'letsencrypt': Field(),
        'subject_name': Field(),
        'subject_alternate_names': Field(compare=SET, normalize=lower_names),
        'issuer_name': Field(),
        'not_after': Field(normalize=normalize_time),
        'days_left': Field(read_only=True),
    }

    def __init__(self, module, client=None):
        super().__init__(module, client)
        self.site_type = self.params.get('site_type') or 'webapp'
        self.item_path = self.list_path = SITES[self.site_type][0]
        self.given = None

    def item_params(self, remote=None):
        return {'domain_name': self.params['domain_name']}

    # --- the certificate given ----------------------------------------------------------------------
    def validate(self):
        domain = self.params['domain_name']
        if not domain or '/' in domain or any(char.isspace() for char in domain):
            raise ResourceError('domain_name must be a domain name such as www.example.com, got %r' % domain)
        if self.params.get('state', 'present') != 'present':
            return
        certificate, private_key = self.params.get('certificate'), self.params.get('private_key')
        if self.params.get('letsencrypt') and certificate:
            raise ResourceError('letsencrypt=true and certificate are mutually exclusive: PythonAnywhere either gets a '
                                'Let\'s Encrypt certificate or serves the one you give')
        if not self.params.get('letsencrypt') and not certificate:
            raise ResourceError('state=present needs letsencrypt=true, or certificate and private_key')
        if bool(certificate) != bool(private_key):
            raise ResourceError('certificate and private_key must be given together')
        if domain.endswith('.pythonanywhere.com'):
            raise ResourceError('domain_name %s is a PythonAnywhere subdomain, which PythonAnywhere serves with its own '
                                'certificate; certificates are for custom domains' % domain)
        if certificate:
            if CRYPTOGRAPHY_IMPORT_ERROR:
                self.module.fail_json(msg=missing_required_lib('cryptography'), exception=CRYPTOGRAPHY_IMPORT_ERROR)
            self.given = GivenCertificate(certificate, private_key)
            names = [self.given.subject_name] + list(self.given.subject_alternate_names)
            if not covers(domain, names):
                self.module.warn('the certificate is for %s, not for %s: browsers will reject it on this domain'
                                 % (', '.join(sorted(set(names))), domain))

    def validate_target(self, current, desired):
        """Before a certificate is added, check that what it is for exists (a clear error; in check mode a warning,
        since an earlier task of the play may be about to create it)."""
        if current is not None:
            return
        path, parent, parent_name = SITES[self.site_type]
        if self.client.get_json(parent, params=self.item_params(), missing_ok=True) is None:
            create_with = 'webapp' if self.site_type == 'webapp' else 'website'
            if self.check_mode:
                self.module.warn('there is no %s %s yet: a real run needs it created first with pythonanywhere.pythonanywhere.%s'
                                 % (parent_name, self.params['domain_name'], create_with))
                return
            raise ResourceError('there is no %s %s: create it first with pythonanywhere.pythonanywhere.%s'
                                % (parent_name, self.params['domain_name'], create_with))

    def desired(self):
        values = self.given.identity() if self.given is not None else {'letsencrypt': True}
        return dict((param, self.fields[param].norm(value)) for param, value in values.items())

    def changes(self, current, desired):
        """The identity compared; the names PA reports count as equal in any form the certificate holds them."""
        changed = super().changes(current, desired)
        if self.given is not None:
            forms = {'subject_name': self.given.subject_forms, 'issuer_name': self.given.issuer_forms}
            for param, accepted in forms.items():
                if param in changed and current.get(param) in accepted:
                    del changed[param]
        return changed

    # --- the server's certificate -------------------------------------------------------------------
    def enrich(self, remote):
        """The server's certificate with what the module derives from it (domain, kind, days left)."""
        if remote is None:
            return None
        if not isinstance(remote, dict):
            raise ResourceError('the API answered the certificate of %s with %r instead of an object'
                                % (self.params['domain_name'], type(remote).__name__))
        enriched = dict(remote)
        enriched.update(domain_name=self.params['domain_name'], site_type=self.site_type,
                        letsencrypt=is_letsencrypt(remote), days_left=days_left(remote.get('not_after')))
        return enriched

    def find(self):
        remote = super().find()
        if isinstance(remote, dict) and not any(remote.get(key) for key in IDENTITY):
            remote = None  # an answer that names no certificate (an empty object) means there is none
        return self.enrich(remote)

    def predict(self, current, desired):
        predicted = super().predict(current, desired)
        predicted.update(domain_name=self.params['domain_name'], site_type=self.site_type,
                         days_left=days_left(predicted.get('not_after')))
        if 'letsencrypt' in desired:
            for param in ('subject_name', 'subject_alternate_names', 'issuer_name', 'not_after', 'days_left'):
                predicted[param] = None  # PythonAnywhere gets a new certificate: unknown until it is issued
        else:
            predicted['letsencrypt'] = is_letsencrypt(predicted)
        return predicted

    def write(self, remote, current, desired, changes, replace=False):
        """POST the certificate (it replaces any other), then read what the server reports."""
        if self.given is not None:
            body = {'cert': self.params['certificate'], 'private_key': self.params['private_key']}
        else:
            body = {'cert_type': LETSENCRYPT}
        self.send('POST', self.item_path, self.item_params(), body)
        found = self.find()
        # Let's Encrypt certificates may be issued a little later: report the request until then.
        return found if found is not None else self.predict(current, desired)

    def delete(self, remote):
        self.client.request('DELETE', self.item_path, params=self.item_params(), allowed=(404,))

    def expiry_warning(self, shape):
        """A warning when the certificate expires within ``expiry_warning_days`` (None otherwise)."""
        threshold = self.params.get('expiry_warning_days')
        left = (shape or {}).get('days_left')
        if threshold is None or left is None or left >= threshold:
            return None
        when = 'expired %d day%s ago' % (-left, '' if left == -1 else 's') if left < 0 else \
            'expires in %d day%s' % (left, '' if left == 1 else 's')
        renew = (' PythonAnywhere renews Let\'s Encrypt certificates itself; if it has not, check the domain\'s DNS.'
                 if shape.get('letsencrypt') else ' Install a renewed certificate.')
        return 'the certificate of %s %s (not_after %s).%s' % (self.params['domain_name'], when, shape.get('not_after'), renew)
