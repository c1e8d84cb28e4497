//! Runnable merchant integrations with `paycore-sdk`; see `src/bin/`.
