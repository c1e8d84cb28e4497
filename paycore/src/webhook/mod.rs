//! Webhook verification and signing: Standard Webhooks (and its Svix-branded
//! headers), Stripe, GitHub, Shopify and Razorpay.
