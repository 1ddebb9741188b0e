#!/usr/bin/env python3
"""Independent check of quire's HTTP signatures: not our Rust code on both sides.

Reads one JSON object on stdin:
    {"method": "POST", "url": "https://host/path?q", "headers": [["Name", "value"], ...],
     "body": "text or null", "public_key_pem": "-----BEGIN PUBLIC KEY-----..."}
Rebuilds the draft-cavage-http-signatures-12 signing string (from `Signature`) or the RFC 9421
signature base (from `Signature-Input` + `Signature`) on its own, verifies it with
RSASSA-PKCS1-v1_5 / SHA-256 using the `cryptography` package, and, when there is a body, checks
that the digest header is signed and matches it.

Exit status: 0 verified, 1 refused (reason on stderr), 2 bad input, 3 `cryptography` missing.
"""

import base64
import hashlib
import json
import re
import sys
from urllib.parse import urlsplit

try:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding
except ImportError:
    print("the Python package 'cryptography' is missing: pip install cryptography", file=sys.stderr)
    sys.exit(3)


def refuse(why):
    print(f"refused: {why}", file=sys.stderr)
    sys.exit(1)


def header(headers, name):
    values = [v.strip() for (n, v) in headers if n.lower() == name]
    return ", ".join(values) if values else None


def check_rsa(pem, message, signature):
    key = serialization.load_pem_public_key(pem.encode())
    try:
        key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        refuse("RSA signature does not verify")


def cavage(req, headers, url):
    value = header(headers, "signature")
    params = dict(re.findall(r'(\w+)="([^"]*)"', value))
    names = params.get("headers", "date").lower().split()
    lines = []
    for name in names:
        if name == "(request-target)":
            target = url.path or "/"
            if url.query:
                target += "?" + url.query
            lines.append(f"(request-target): {req['method'].lower()} {target}")
        else:
            v = header(headers, name)
            if v is None:
                refuse(f"signed header {name} missing")
            lines.append(f"{name}: {v}")
    check_rsa(req["public_key_pem"], "\n".join(lines).encode(), base64.b64decode(params["signature"]))
    if req.get("body") is not None:
        if "digest" not in names:
            refuse("Digest not signed")
        algo, _, b64 = header(headers, "digest").partition("=")
        if algo.lower() != "sha-256":
            refuse("Digest is not SHA-256")
        if base64.b64decode(b64) != hashlib.sha256(req["body"].encode()).digest():
            refuse("Digest does not match the body")


def rfc9421(req, headers, url):
    match = re.fullmatch(r'([a-z*][a-z0-9_.*-]*)=\(([^)]*)\)(.*)', header(headers, "signature-input"))
    if not match:
        refuse("cannot read Signature-Input")
    label, inner, params = match.groups()
    sig = re.search(re.escape(label) + r"=:([A-Za-z0-9+/=]+):", header(headers, "signature"))
    if not sig:
        refuse("no signature for label " + label)
    components = re.findall(r'"([^"]*)"', inner)
    lines = []
    for name in components:
        if name == "@method":
            v = req["method"].upper()
        elif name == "@target-uri":
            v = req["url"]
        elif name == "@authority":
            v = url.netloc.lower()
        elif name == "@path":
            v = url.path or "/"
        elif name == "@query":
            v = "?" + url.query
        else:
            v = header(headers, name)
            if v is None:
                refuse(f"covered header {name} missing")
        lines.append(f'"{name}": {v}')
    lines.append(f'"@signature-params": ({inner}){params}')
    check_rsa(req["public_key_pem"], "\n".join(lines).encode(), base64.b64decode(sig.group(1)))
    if "keyid=" not in params or "created=" not in params:
        refuse("keyid or created missing")
    if req.get("body") is not None:
        if "content-digest" not in components:
            refuse("Content-Digest not signed")
        m = re.fullmatch(r"sha-256=:([A-Za-z0-9+/=]+):", header(headers, "content-digest"))
        if not m or base64.b64decode(m.group(1)) != hashlib.sha256(req["body"].encode()).digest():
            refuse("Content-Digest does not match the body")


def main():
    try:
        req = json.load(sys.stdin)
        headers = [(n, v) for (n, v) in req["headers"]]
        url = urlsplit(req["url"])
    except (ValueError, KeyError, TypeError) as err:
        print(f"bad input: {err}", file=sys.stderr)
        sys.exit(2)
    if header(headers, "signature-input") is not None:
        rfc9421(req, headers, url)
    elif header(headers, "signature") is not None:
        cavage(req, headers, url)
    else:
        refuse("no signature")
    print("verified")


if __name__ == "__main__":
    main()
