# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import datetime
import json

import pytest

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils import _ssl
from ansible_collections.pythonanywhere.pythonanywhere.plugins.modules import ssl_certificate, ssl_certificate_info
from ansible_collections.pythonanywhere.pythonanywhere.tests.unit.scripted_api import TOKEN

cryptography = pytest.importorskip('cryptography')

from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from cryptography.x509.oid import NameOID  # noqa: E402

DOMAIN = 'www.example.com'
SSL = 'webapps/%s/ssl/' % DOMAIN
WEBAPP = 'webapps/%s/' % DOMAIN
UTC = datetime.timezone.utc


def make_certificate(days=90, common_name=DOMAIN, sans=(DOMAIN, 'example.com'), issuer='Test CA', issuer_org=None,
                     passphrase=None):
    """A certificate (PEM chain: leaf + a stand-in intermediate), its key (PEM), and its expiry (aware UTC)."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(UTC).replace(microsecond=0)
    not_after = now + datetime.timedelta(days=days, hours=1)
    issuer_attrs = [x509.NameAttribute(NameOID.COMMON_NAME, issuer)]
    if issuer_org:
        issuer_attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, issuer_org))
    builder = (x509.CertificateBuilder()
               .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)]))
               .issuer_name(x509.Name(issuer_attrs))
               .public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(days=1))
               .not_valid_after(not_after))
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in sans]), critical=False)
    cert = builder.sign(key, hashes.SHA256())
    other_key = ec.generate_private_key(ec.SECP256R1())
    intermediate = (x509.CertificateBuilder()
                    .subject_name(x509.Name(issuer_attrs)).issuer_name(x509.Name(issuer_attrs))
                    .public_key(other_key.public_key()).serial_number(x509.random_serial_number())
                    .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=900))
                    .sign(other_key, hashes.SHA256()))
    chain = (cert.public_bytes(serialization.Encoding.PEM) + intermediate.public_bytes(serialization.Encoding.PEM)).decode()
    encryption = (serialization.BestAvailableEncryption(passphrase.encode()) if passphrase
                  else serialization.NoEncryption())
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption).decode()
    return chain, key_pem, not_after


CHAIN, KEY, NOT_AFTER = make_certificate()
ISO = NOT_AFTER.isoformat()


def reported(not_after=ISO, **changes):
    """The certificate as the API reports it."""
    body = {'not_after': not_after, 'issuer_name': 'Test CA', 'subject_name': DOMAIN,
            'subject_alternate_names': [DOMAIN, 'example.com']}
    body.update(changes)
    return body


def args(**extra):
    values = {'domain_name': DOMAIN, 'certificate': CHAIN, 'private_key': KEY}
    values.update(extra)
    return values


def assert_no_key(result):
    dumped = json.dumps(result)
    assert KEY not in dumped
    assert 'PRIVATE KEY' not in dumped and TOKEN not in dumped


# --- custom certificates ------------------------------------------------------------------------------

def test_create_posts_cert_and_key_then_reports_the_identity(api, run_module):
    api.expect('GET', SSL, status=404, json={'detail': 'Not found.'})
    api.expect('GET', WEBAPP, json={'domain_name': DOMAIN})
    api.expect('POST', SSL, json={'status': 'OK'}, body={'cert': CHAIN, 'private_key': KEY})
    api.expect('GET', SSL, json=reported())
    result = run_module(ssl_certificate, args(), diff=True)
    assert result['changed'] is True
    cert = result['certificate']
    assert cert['subject_name'] == DOMAIN and cert['issuer_name'] == 'Test CA'
    assert cert['subject_alternate_names'] == ['example.com', DOMAIN]
    assert cert['not_after'] == ISO and cert['days_left'] == 90 and cert['letsencrypt'] is False
    assert cert['domain_name'] == DOMAIN and cert['site_type'] == 'webapp'
    assert result['diff']['before'] == {} and result['diff']['after']['not_after'] == ISO
    assert not result['warnings']
    assert_no_key(result)


def test_create_in_check_mode_predicts_from_the_certificate(api, run_module):
    api.expect('GET', SSL, status=404, json={'detail': 'Not found.'})
    api.expect('GET', WEBAPP, json={'domain_name': DOMAIN})
    result = run_module(ssl_certificate, args(), check_mode=True, diff=True)
    assert result['changed'] is True and not api.writes
    assert result['certificate']['not_after'] == ISO and result['certificate']['days_left'] == 90
    assert result['diff']['after']['subject_name'] == DOMAIN
    assert_no_key(result)


@pytest.mark.parametrize('server', [
    reported(),
    reported(not_after=NOT_AFTER.strftime('%Y%m%dT%H%M%SZ')),                      # the compact form
    reported(not_after=NOT_AFTER.astimezone(datetime.timezone(datetime.timedelta(hours=2))).isoformat()),
    reported(not_after=NOT_AFTER.replace(tzinfo=None).isoformat()),                # naive: UTC
    reported(issuer_name='CN=Test CA', subject_alternate_names=['EXAMPLE.com', DOMAIN]),
])
def test_unchanged_certificate_sends_nothing(api, run_module, server):
    api.expect('GET', SSL, json=server)
    result = run_module(ssl_certificate, args(), diff=True)
    assert result['changed'] is False, result
    assert len(api.calls) == 1
    assert result['certificate']['not_after'] == ISO
    assert result['diff']['before'] == result['diff']['after']


def test_renewed_certificate_is_installed_and_diffed(api, run_module):
    old = (NOT_AFTER - datetime.timedelta(days=80)).isoformat()
    api.expect('GET', SSL, json=reported(not_after=old))
    api.expect('POST', SSL, json={'status': 'OK'}, body={'cert': CHAIN, 'private_key': KEY})
    api.expect('GET', SSL, json=reported())
    result = run_module(ssl_certificate, args(), diff=True)
    assert result['changed'] is True
    before, after = result['diff']['before'], result['diff']['after']
    assert (before['not_after'], after['not_after']) == (old, ISO)
    assert (before['days_left'], after['days_left']) == (10, 90)
    assert_no_key(result)


def test_update_in_check_mode_sends_nothing(api, run_module):
    api.expect('GET', SSL, json=reported(issuer_name='Other CA'))
    result = run_module(ssl_certificate, args(), check_mode=True, diff=True)
    assert result['changed'] is True and not api.writes
    assert result['diff']['before']['issuer_name'] == 'Other CA' and result['diff']['after']['issuer_name'] == 'Test CA'


def test_issuer_reported_by_organisation_counts_as_the_same(api, run_module):
    chain, key, not_after = make_certificate(issuer='R11', issuer_org="Let's Encrypt")
    api.expect('GET', SSL, json=reported(not_after=not_after.isoformat(), issuer_name="Let's Encrypt"))
    result = run_module(ssl_certificate, args(certificate=chain, private_key=key))
    assert result['changed'] is False


def test_expiry_warning(api, run_module):
    chain, key, not_after = make_certificate(days=10)
    api.expect('GET', SSL, json=reported(not_after=not_after.isoformat()))
    result = run_module(ssl_certificate, args(certificate=chain, private_key=key))
    assert result['changed'] is False and result['certificate']['days_left'] == 10
    assert any('expires in 10 days' in w and 'Install a renewed certificate' in w for w in result['warnings']), result
    api.expect('GET', SSL, json=reported(not_after=not_after.isoformat()))
    result = run_module(ssl_certificate, args(certificate=chain, private_key=key, expiry_warning_days=5))
    assert not result['warnings']


def test_expired_certificate_warns_it_expired(api, run_module):
    api.expect('GET', SSL, json=reported(not_after=(datetime.datetime.now(UTC) - datetime.timedelta(days=3, hours=1)).isoformat()))
    result = run_module(ssl_certificate_info, {'domain_name': DOMAIN})
    assert any('expired 4 days ago' in w for w in result['warnings']), result


def test_certificate_for_another_domain_warns(api, run_module):
    chain, key, not_after = make_certificate(common_name='other.example.org', sans=['other.example.org'])
    api.expect('GET', SSL, json=reported(not_after=not_after.isoformat(), subject_name='other.example.org',
                                         subject_alternate_names=['other.example.org']))
    result = run_module(ssl_certificate, args(certificate=chain, private_key=key))
    assert result['changed'] is False
    assert any('not for www.example.com' in w for w in result['warnings'])


def test_wildcard_covers_one_label():
    assert _ssl.covers('www.example.com', ['*.example.com'])
    assert not _ssl.covers('a.b.example.com', ['*.example.com'])
    assert not _ssl.covers('example.com', ['*.example.com'])


# --- Let's Encrypt ------------------------------------------------------------------------------------

def test_letsencrypt_create(api, run_module):
    api.expect('GET', SSL, status=404, json={'detail': 'Not found.'})
    api.expect('GET', WEBAPP, json={'domain_name': DOMAIN})
    api.expect('POST', SSL, json={'status': 'OK'}, body={'cert_type': 'letsencrypt-auto-renew'})
    api.expect('GET', SSL, json=reported(issuer_name="Let's Encrypt", subject_alternate_names=[DOMAIN]))
    result = run_module(ssl_certificate, {'domain_name': DOMAIN, 'letsencrypt': True}, diff=True)
    assert result['changed'] is True and result['certificate']['letsencrypt'] is True
    assert result['certificate']['issuer_name'] == "Let's Encrypt"


@pytest.mark.parametrize('issuer', ["Let's Encrypt", 'R3', 'R11', 'E6', 'YE1'])
def test_letsencrypt_present_sends_nothing(api, run_module, issuer):
    api.expect('GET', SSL, json=reported(issuer_name=issuer))
    result = run_module(ssl_certificate, {'domain_name': DOMAIN, 'letsencrypt': True})
    assert result['changed'] is False and len(api.calls) == 1


def test_cert_type_wins_over_the_issuer(api, run_module):
    api.expect('GET', SSL, json=reported(issuer_name="Let's Encrypt", cert_type='custom'))
    result = run_module(ssl_certificate, {'domain_name': DOMAIN, 'letsencrypt': True}, check_mode=True)
    assert result['changed'] is True


def test_letsencrypt_replaces_a_custom_certificate_in_check_mode(api, run_module):
    api.expect('GET', SSL, json=reported())
    result = run_module(ssl_certificate, {'domain_name': DOMAIN, 'letsencrypt': True}, check_mode=True, diff=True)
    assert result['changed'] is True and not api.writes
    assert result['diff']['before']['letsencrypt'] is False and result['diff']['after']['letsencrypt'] is True
    assert result['certificate']['not_after'] is None


def test_letsencrypt_not_issued_yet_reports_the_request(api, run_module):
    api.expect('GET', SSL, status=404, json={'detail': 'Not found.'})
    api.expect('GET', WEBAPP, json={'domain_name': DOMAIN})
    api.expect('POST', SSL, json={'status': 'OK'})
    api.expect('GET', SSL, status=404, json={'detail': 'Not found.'})
    result = run_module(ssl_certificate, {'domain_name': DOMAIN, 'letsencrypt': True})
    assert result['changed'] is True and result['certificate']['letsencrypt'] is True
    assert result['certificate']['days_left'] is None and not result['warnings']


def test_website_uses_the_v1_domain_endpoints(api, run_module):
    api.expect('GET', '/api/v1/user/alice/domains/api.example.com/ssl/', status=404, json={'detail': 'Not found.'})
    api.expect('GET', '/api/v1/user/alice/domains/api.example.com/', json={'domain_name': 'api.example.com'})
    api.expect('POST', '/api/v1/user/alice/domains/api.example.com/ssl/', json={'status': 'OK'},
               body={'cert_type': 'letsencrypt-auto-renew'})
    api.expect('GET', '/api/v1/user/alice/domains/api.example.com/ssl/', json=reported(issuer_name='R10', subject_name='api.example.com'))
    result = run_module(ssl_certificate, {'domain_name': 'API.example.com', 'site_type': 'website', 'letsencrypt': True})
    assert result['changed'] is True and result['certificate']['site_type'] == 'website'


# --- absent -------------------------------------------------------------------------------------------

def test_delete_then_delete_again(api, run_module):
    api.expect('GET', SSL, json=reported())
    api.expect('DELETE', SSL, status=204)
    result = run_module(ssl_certificate, {'domain_name': DOMAIN, 'state': 'absent'}, diff=True)
    assert result['changed'] is True and result['certificate'] == {}
    assert result['diff']['before']['subject_name'] == DOMAIN and result['diff']['after'] == {}
    api.expect('GET', SSL, status=404, json={'detail': 'Not found.'})
    assert run_module(ssl_certificate, {'domain_name': DOMAIN, 'state': 'absent'})['changed'] is False


def test_delete_in_check_mode(api, run_module):
    api.expect('GET', SSL, json=reported())
    result = run_module(ssl_certificate, {'domain_name': DOMAIN, 'state': 'absent'}, check_mode=True)
    assert result['changed'] is True and not api.writes


# --- input errors -------------------------------------------------------------------------------------

def test_missing_web_app_fails_before_any_write(api, run_module):
    api.expect('GET', SSL, status=404, json={'detail': 'Not found.'})
    api.expect('GET', WEBAPP, status=404, json={'detail': 'Not found.'})
    result = run_module(ssl_certificate, args())
    assert result['failed'] is True and 'there is no web app www.example.com' in result['msg']
    assert not api.writes


def test_missing_web_app_in_check_mode_warns_and_predicts(api, run_module):
    api.expect('GET', SSL, status=404, json={'detail': 'Not found.'})
    api.expect('GET', WEBAPP, status=404, json={'detail': 'Not found.'})
    result = run_module(ssl_certificate, args(), check_mode=True)
    assert result['changed'] is True
    assert any('there is no web app www.example.com' in warning for warning in result['warnings'])
    assert not api.writes


def test_invalid_input_fails_before_any_request_and_never_shows_the_key(api, run_module):
    other_chain, other_key, dummy = make_certificate()
    leaf, intermediate = CHAIN.split('-----END CERTIFICATE-----\n')[:2]
    reversed_chain = intermediate + '-----END CERTIFICATE-----\n' + leaf + '-----END CERTIFICATE-----\n'
    encrypted = make_certificate(passphrase='s3cret-pass')
    cases = [
        (args(private_key=other_key), 'private_key does not belong to the certificate'),
        (args(certificate=reversed_chain), 'must come first in the chain'),
        (args(certificate=encrypted[0], private_key=encrypted[1]), 'private_key is encrypted'),
        (args(private_key='not a key'), 'private_key is not a readable PEM private key'),
        (args(certificate='garbage'), 'certificate must hold PEM certificates'),
        (args(certificate='-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----'), 'PEM block 1 is not a readable'),
        (args(letsencrypt=True), 'mutually exclusive'),
        ({'domain_name': DOMAIN}, 'needs letsencrypt=true, or certificate and private_key'),
        ({'domain_name': DOMAIN, 'certificate': CHAIN}, 'parameters are required together: certificate, private_key'),
        (args(domain_name='alice.pythonanywhere.com'), 'PythonAnywhere subdomain'),
        (args(domain_name='www.example.com/x'), 'domain_name must be a domain name'),
        ({'letsencrypt': True}, 'domain_name'),
    ]
    for values, message in cases:
        result = run_module(ssl_certificate, values)
        assert result.get('failed') is True, values
        assert message in result['msg'], (message, result['msg'])
        for secret in (KEY, other_key, encrypted[1], 's3cret-pass'):
            assert secret not in json.dumps(result)
    assert not api.calls


def test_cryptography_is_needed_only_for_a_custom_certificate(api, run_module, monkeypatch):
    monkeypatch.setattr(_ssl, 'CRYPTOGRAPHY_IMPORT_ERROR', 'Traceback: No module named cryptography')
    result = run_module(ssl_certificate, args())
    assert result['failed'] is True and 'cryptography' in result['msg'] and not api.calls
    api.expect('GET', SSL, json=reported(issuer_name='R11'))
    assert run_module(ssl_certificate, {'domain_name': DOMAIN, 'letsencrypt': True})['changed'] is False


# --- info ---------------------------------------------------------------------------------------------

def test_info_reports_expiry_and_days_left(api, run_module):
    api.expect('GET', SSL, json=reported(not_after=NOT_AFTER.strftime('%Y%m%dT%H%M%SZ')))
    result = run_module(ssl_certificate_info, {'domain_name': DOMAIN})
    assert result['changed'] is False
    assert result['certificate']['not_after'] == ISO and result['certificate']['days_left'] == 90
    assert not result['warnings']


def test_info_without_certificate_is_empty(api, run_module):
    api.expect('GET', SSL, status=404, json={'detail': 'Not found.'})
    assert run_module(ssl_certificate_info, {'domain_name': DOMAIN})['certificate'] == {}


@pytest.mark.parametrize('body', [{}, {'not_after': None, 'issuer_name': '', 'subject_name': None, 'subject_alternate_names': []}])
def test_an_answer_naming_no_certificate_means_none(api, run_module, body):
    api.expect('GET', SSL, json=body)
    assert run_module(ssl_certificate, {'domain_name': DOMAIN, 'state': 'absent'})['changed'] is False


# --- time parsing -------------------------------------------------------------------------------------

@pytest.mark.parametrize('text, expected', [
    ('2018-08-24T17:16:23+00:00', '2018-08-24T17:16:23+00:00'),
    ('20180824T171623Z', '2018-08-24T17:16:23+00:00'),
    ('2018-08-24T19:16:23+02:00', '2018-08-24T17:16:23+00:00'),
    ('2018-08-24T12:16:23-0500', '2018-08-24T17:16:23+00:00'),
    ('2018-08-24 17:16:23.123456Z', '2018-08-24T17:16:23+00:00'),
    ('2018-08-24T17:16:23', '2018-08-24T17:16:23+00:00'),
    ('2018-08-24', '2018-08-24T00:00:00+00:00'),
    ('next tuesday', 'next tuesday'),
    ('2018-02-30T00:00:00Z', '2018-02-30T00:00:00Z'),
])
def test_normalize_time(text, expected):
    assert _ssl.normalize_time(text) == expected


def test_days_left():
    now = datetime.datetime(2026, 1, 1, tzinfo=UTC)
    assert _ssl.days_left('20260111T000000Z', now=now) == 10
    assert _ssl.days_left('2025-12-31T12:00:00+00:00', now=now) == -1
    assert _ssl.days_left(None, now=now) is None
