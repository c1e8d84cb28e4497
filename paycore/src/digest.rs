//! RFC 9530 `Content-Digest`: produce and check `sha-256` / `sha-512` digests.
