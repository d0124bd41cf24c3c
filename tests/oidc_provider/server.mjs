// An OpenID Provider for the tests of the OpenID Connect login: the certified
// `oidc-provider`, with a login page of its own and a few switches only a test uses.
//
//   PORT=... node server.mjs        (prints "listening <issuer>" once it serves)
//
// The login page (/interaction/<uid>) takes the subject and the claims the ID token is
// to carry: e-mail, whether it is verified, UPN, the `amr` values, the `acr`. The test
// switches, under /__test/:
//   POST /__test/clients   {client_id, client_secret, redirect_uris, post_logout_redirect_uris}
//   POST /__test/tamper    {mode}: the next ID token from the token endpoint is issued with
//                          a wrong signature, issuer, audience, nonce or expiry, or signed
//                          with a key the provider does not publish
//   POST /__test/rotate    a new signing key; the old one is still published, or not
//                          ({"keep_old": false})
//   GET  /__test/stats     how many times the key set (JWKS) was fetched
// The provider object is made anew for a new client or key; its sessions, codes and
// grants are kept in the memory adapter's store, which is the module's, so they survive.

import http from 'node:http';
import { randomUUID } from 'node:crypto';

import * as jose from 'jose';
import Provider from 'oidc-provider';

const port = Number(process.env.PORT || 0);
const issuer = process.env.ISSUER || `http://127.0.0.1:${port}`;

const clients = [];
const accounts = new Map();
const stats = { jwks: 0 };
let tamper = null;
let keys = [await newKey()];
let provider = build();

async function newKey() {
  const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
  const jwk = await jose.exportJWK(privateKey);
  return { ...jwk, kid: randomUUID(), alg: 'RS256', use: 'sig' };
}

function build() {
  const built = new Provider(issuer, {
    clients,
    jwks: { keys },
    cookies: { keys: ['test-only-cookie-key'] },
    claims: {
      // acr and amr come with the openid scope, as Entra ID sends them in every ID token.
      openid: ['sub', 'acr', 'amr'],
      email: ['email', 'email_verified'],
      profile: ['name', 'preferred_username', 'upn', 'groups'],
    },
    // The claims the scopes ask for go into the ID token, as Entra ID puts them there.
    conformIdTokenClaims: false,
    acrValues: ['urn:test:loa:1', 'urn:test:loa:2'],
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: true },
    },
    pkce: { required: () => true },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(ctx, sub) {
      return {
        accountId: sub,
        async claims() {
          return { sub, ...(accounts.get(sub) || {}) };
        },
      };
    },
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId
        || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
    },
  });
  built.proxy = false;
  built.use(async (ctx, next) => {
    if (ctx.path === '/jwks') stats.jwks += 1;
    await next();
    if (ctx.path === '/token' && tamper && ctx.body && ctx.body.id_token) {
      ctx.body = { ...ctx.body, id_token: await tampered(ctx.body.id_token, tamper) };
      tamper = null;
    }
  });
  return built;
}

async function tampered(idToken, mode) {
  const claims = jose.decodeJwt(idToken);
  const header = jose.decodeProtectedHeader(idToken);
  const now = Math.floor(Date.now() / 1000);
  let key = keys[0];
  let kid = header.kid;
  if (mode === 'issuer') claims.iss = 'http://127.0.0.1:1/another-issuer';
  else if (mode === 'audience') claims.aud = 'another-client';
  else if (mode === 'nonce') claims.nonce = 'not-the-nonce-that-was-sent';
  else if (mode === 'expiry') Object.assign(claims, { iat: now - 3600, exp: now - 1800 });
  else if (mode === 'signature') key = await newKey(); // same kid, another key
  else if (mode === 'unknown-key') { key = await newKey(); kid = key.kid; }
  else throw new Error(`unknown tamper mode ${mode}`);
  const privateKey = await jose.importJWK(key, 'RS256');
  return new jose.SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid }).sign(privateKey);
}

async function body(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString();
  if ((req.headers['content-type'] || '').startsWith('application/json')) {
    return text ? JSON.parse(text) : {};
  }
  return Object.fromEntries(new URLSearchParams(text));
}

function send(res, status, type, text) {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
  res.end(text);
}

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function loginPage(uid, clientId) {
  const field = (name, label, value = '') => `<p><label>${label}
    <input name="${name}" value="${escape(value)}"></label></p>`;
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Test provider sign-in</title></head><body><main>
<h1>Test provider sign-in</h1><p>Client: ${escape(clientId)}</p>
<form method="post" action="/interaction/${escape(uid)}">
${field('sub', 'Subject')}
${field('email', 'E-mail')}
<p><label><input type="checkbox" name="email_verified" value="1" checked> E-mail verified</label></p>
${field('upn', 'UPN')}
${field('groups', 'Groups (comma-separated)')}
${field('amr', 'amr (comma-separated)', 'pwd')}
${field('acr', 'acr')}
<button type="submit">Sign in</button>
</form></main></body></html>`;
}

async function interaction(req, res, uid) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return send(res, 400, 'text/plain', 'wrong interaction');
  if (req.method === 'GET') {
    return send(res, 200, 'text/html; charset=utf-8', loginPage(uid, details.params.client_id));
  }
  const form = await body(req);
  const list = (value) => (value || '').split(',').map((v) => v.trim()).filter(Boolean);
  const claims = {};
  if (form.email) Object.assign(claims, { email: form.email, email_verified: !!form.email_verified });
  if (form.upn) claims.upn = form.upn;
  if (form.groups) claims.groups = list(form.groups);
  accounts.set(form.sub, claims);
  const grant = new provider.Grant({ accountId: form.sub, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const grantId = await grant.save();
  const login = { accountId: form.sub };
  if (form.amr) login.amr = list(form.amr);
  if (form.acr) login.acr = form.acr;
  return provider.interactionFinished(
    req,
    res,
    { login, consent: { grantId } },
    { mergeWithLastSubmission: false },
  );
}

async function control(req, res, path) {
  if (req.method === 'GET' && path === 'stats') {
    return send(res, 200, 'application/json', JSON.stringify(stats));
  }
  if (req.method !== 'POST') return send(res, 405, 'text/plain', 'POST');
  const data = await body(req);
  if (path === 'clients') {
    const index = clients.findIndex((c) => c.client_id === data.client_id);
    if (index >= 0) clients.splice(index, 1);
    clients.push({
      client_id: data.client_id,
      client_secret: data.client_secret,
      redirect_uris: data.redirect_uris,
      post_logout_redirect_uris: data.post_logout_redirect_uris || [],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    });
    provider = build();
  } else if (path === 'tamper') {
    tamper = data.mode || null;
  } else if (path === 'rotate') {
    const fresh = await newKey();
    keys = data.keep_old === false ? [fresh] : [fresh, ...keys];
    provider = build();
    return send(res, 200, 'application/json', JSON.stringify({ kid: fresh.kid }));
  } else {
    return send(res, 404, 'text/plain', 'unknown switch');
  }
  return send(res, 200, 'application/json', '{}');
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, issuer);
  try {
    const match = url.pathname.match(/^\/interaction\/([^/]+)$/);
    if (match) return await interaction(req, res, match[1]);
    if (url.pathname.startsWith('/__test/')) {
      return await control(req, res, url.pathname.slice('/__test/'.length));
    }
    return provider.callback()(req, res);
  } catch (error) {
    console.error(error);
    return send(res, 500, 'text/plain', String(error));
  }
});

server.listen(port, '127.0.0.1', () => {
  console.log(`listening ${issuer}`);
});
