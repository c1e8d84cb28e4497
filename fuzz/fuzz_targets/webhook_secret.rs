//! Secret parsing (`whsec_` / `whsk_` / `whpk_` and opaque secrets) for every
//! scheme, for verifiers and signers: must never panic, and a signer built
//! from the secret must produce headers its verifier accepts.
#![no_main]

use libfuzzer_sys::fuzz_target;
use paycore::webhook::{Options, Scheme, WebhookSigner, WebhookVerifier};

fuzz_target!(|data: &[u8]| {
    let secret = String::from_utf8_lossy(data);
    for scheme in Scheme::ALL {
        let verifier = WebhookVerifier::new(scheme, &[&*secret], Options::default());
        if let Ok(signer) = WebhookSigner::new(scheme, &[&*secret]) {
            let headers = signer.sign("msg_1", 1_700_000_000, data).expect("valid id");
            let verifier = verifier.expect("a secret that signs also verifies");
            assert!(verifier.verify(data, &headers, 1_700_000_000).is_ok());
        }
    }
});
