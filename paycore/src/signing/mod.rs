//! Request signing and verification: the paycore profile of RFC 9421 (HTTP
//! Message Signatures).
