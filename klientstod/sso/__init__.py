"""Sign-in through an organisation's own identity provider (OpenID Connect).

See docs/sso.md. The pieces: ``models`` (the providers the administrator sets up and
the links between a provider's subjects and the app's accounts), ``client`` (Authlib's
OpenID Connect client per provider), ``accounts`` (which account a sign-in is),
``views`` (the login page, the sign-in and its callback, logout) and ``events`` (what
the audit log records of it).
"""
