// A real OpenID provider for the probe's tests: oidc-provider (OpenID Certified) on
// 127.0.0.1, with one client. Prints one JSON line {"issuer": "..."} once it listens, then
// serves until killed (or until its stdin closes, so a test that dies leaves nothing behind).
//
// node tests/probe/provider.mjs '{"client_id": "...", "redirect_uris": [...], "scope": "...", "pkce": true, "tls": false}'
//
// With "tls": true it serves HTTPS with tls/server.pem (for 127.0.0.1, issued by the test CA
// tls/ca.pem; both made once with openssl, valid for 100 years, and only ever used here).
import Provider from 'oidc-provider';
import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';

const spec = JSON.parse(process.argv[2] || '{}');
const dir = new URL('./tls/', import.meta.url);
const server = spec.tls
  ? https.createServer({ key: readFileSync(new URL('server.key', dir)), cert: readFileSync(new URL('server.pem', dir)) })
  : http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `${spec.tls ? 'https' : 'http'}://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: spec.client_id || 'probe-app',
      client_secret: 'a-secret-the-probe-never-sends',
      redirect_uris: spec.redirect_uris || ['http://127.0.0.1:9/callback'],
      response_types: ['code'],
      grant_types: ['authorization_code'],
      scope: spec.scope || 'openid profile email',
    },
  ],
  // The provider knows these scopes; a client is refused one it does not list.
  claims: {
    openid: ['sub'],
    profile: ['name', 'preferred_username'],
    email: ['email', 'email_verified'],
    groups: ['groups'],
  },
  pkce: { methods: ['S256'], required: () => spec.pkce !== false },
});
provider.on('server_error', (_ctx, err) => console.error(err));
server.on('request', provider.callback());
console.log(JSON.stringify({ issuer }));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
