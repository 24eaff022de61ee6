"""A passkey authenticator in software: an EC P-256 key that answers WebAuthn options as a
device would, so the tests run the real verification of the ``webauthn`` library.

``create(options)`` makes the credential (authenticatorData with the attested credential and its
COSE key, a "none" attestation object in CBOR, clientDataJSON) and ``get(options)`` signs an
assertion over authenticatorData and the hash of clientDataJSON. What a test bends (the origin,
user verification, the sign count, the user handle) is an argument or an attribute.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url

ORIGIN = "http://localhost"
"""Where the test client's requests come from (its host is ``localhost``)."""

USER_PRESENT = 0x01
USER_VERIFIED = 0x04
ATTESTED = 0x40


@dataclass
class Authenticator:
    rp_id: str = "localhost"
    origin: str = ORIGIN
    user_verified: bool = True
    sign_count: int = 0
    counts_up: bool = True
    """Whether each signature moves the count on (many passkeys keep it at 0)."""
    credential_id: bytes = field(default_factory=lambda: os.urandom(32))
    key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    user_handle: bytes | None = None

    @property
    def id(self) -> str:
        return bytes_to_base64url(self.credential_id)

    def _cose_key(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        return cbor2.dumps(
            {
                1: 2,
                3: -7,
                -1: 1,
                -2: numbers.x.to_bytes(32, "big"),
                -3: numbers.y.to_bytes(32, "big"),
            }
        )

    def _flags(self, extra: int = 0) -> bytes:
        return bytes([USER_PRESENT | (USER_VERIFIED if self.user_verified else 0) | extra])

    def _authenticator_data(self, rp_id: str, attested: bool) -> bytes:
        data = hashlib.sha256(rp_id.encode()).digest()
        data += self._flags(ATTESTED if attested else 0) + self.sign_count.to_bytes(4, "big")
        if attested:
            data += bytes(16)  # AAGUID: none
            data += len(self.credential_id).to_bytes(2, "big") + self.credential_id
            data += self._cose_key()
        return data

    def _client_data(self, kind: str, challenge: str, origin: str | None) -> bytes:
        return json.dumps(
            {"type": kind, "challenge": challenge, "origin": origin or self.origin}
        ).encode()

    def create(self, options: dict, *, origin: str | None = None) -> dict:
        """The answer of ``navigator.credentials.create()`` to registration ``options``."""
        rp_id = options["rp"].get("id", self.rp_id)
        self.user_handle = base64url_to_bytes(options["user"]["id"])
        attestation = cbor2.dumps(
            {"fmt": "none", "attStmt": {}, "authData": self._authenticator_data(rp_id, True)}
        )
        client_data = self._client_data("webauthn.create", options["challenge"], origin)
        return {
            "id": self.id,
            "rawId": self.id,
            "type": "public-key",
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
            "response": {
                "clientDataJSON": bytes_to_base64url(client_data),
                "attestationObject": bytes_to_base64url(attestation),
                "transports": ["internal", "hybrid"],
            },
        }

    def get(self, options: dict, *, origin: str | None = None) -> dict:
        """The answer of ``navigator.credentials.get()`` to sign-in ``options``."""
        if self.counts_up:
            self.sign_count += 1
        data = self._authenticator_data(options.get("rpId", self.rp_id), False)
        client_data = self._client_data("webauthn.get", options["challenge"], origin)
        signed = data + hashlib.sha256(client_data).digest()
        signature = self.key.sign(signed, ec.ECDSA(hashes.SHA256()))
        return {
            "id": self.id,
            "rawId": self.id,
            "type": "public-key",
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
            "response": {
                "clientDataJSON": bytes_to_base64url(client_data),
                "authenticatorData": bytes_to_base64url(data),
                "signature": bytes_to_base64url(signature),
                "userHandle": bytes_to_base64url(self.user_handle) if self.user_handle else None,
            },
        }
