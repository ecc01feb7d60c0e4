"""Going ahead past warnings: the digest of the warnings a page showed, so that an
override covers exactly those and no warning that appeared since."""

import hashlib
from collections.abc import Iterable

# The hidden input that posts the digest of the warnings shown back.
DIGEST_FIELD = "warnings_digest"


def digest_of(messages: Iterable[str]) -> str:
    """A fingerprint of these warning messages, in their order."""
    return hashlib.sha256("\n".join(messages).encode()).hexdigest()
