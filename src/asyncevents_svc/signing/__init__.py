"""The service's Ed25519 signing keys (Standard Webhooks ``v1a``) and their public JWKS."""
