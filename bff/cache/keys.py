"""Cache key names.

    <namespace>:<policy>:{r:<policy>}:<id>        shared: the id in clear (an ISIN, an FSMA number)
    <namespace>:<policy>:{p:<owner digest>}:<id digest>      private

The namespace is `bff:c<version>-<shape digest>`: the configured version (raise it to drop
every entry at once) and a digest of the records' shapes, so that a release that changes a
record starts on fresh keys instead of misreading old ones. The `{...}` part is the Redis
Cluster hash tag: all of one owner's private entries (a party's, a company's, a broker's
view) share a slot, and one policy's shared entries another. Digests are keyed (HMAC), so
a key names no party id, contract number or enterprise number.
"""

from __future__ import annotations

import hashlib

from bff.cache.crypto import CacheCipher
from bff.cache.policies import Policy


def namespace(version: str, shapes: list[str]) -> str:
    digest = hashlib.sha256("\n".join(sorted(shapes)).encode()).hexdigest()[:8]
    return f"bff:c{version}-{digest}"


class KeySpace:
    def __init__(self, prefix: str, cipher: CacheCipher) -> None:
        self.prefix = prefix
        self._cipher = cipher

    def key(self, policy: Policy, owner: str, ident: str) -> str:
        if not policy.private:
            return f"{self.prefix}:{policy.name}:{{r:{policy.name}}}:{ident}"
        tag = self._cipher.name("owner", owner)
        return f"{self.prefix}:{policy.name}:{{p:{tag}}}:{self._cipher.name(policy.name, ident)}"
