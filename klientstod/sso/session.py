"""What a provider's sign-in keeps in the session (read by the middleware and twofactor)."""

#: The identity provider (its id) the user signed in through; absent after a local login.
PROVIDER_SESSION_KEY = "ks_sso_provider"
#: Whether that provider asserted multi-factor authentication (the app's code is skipped).
PROVIDER_MFA_SESSION_KEY = "ks_sso_mfa"
#: The ID token, sent back to the provider as ``id_token_hint`` at logout.
ID_TOKEN_SESSION_KEY = "ks_sso_id_token"
#: Where to go after the sign-in, kept while the user is at the provider.
NEXT_SESSION_KEY = "ks_sso_next"
