// What redact.ts hides and what it leaves alone.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSecretName, Redactor, REDACTED, secretValues } from '../../../src/engine/redact';

test('secret-looking names: whole words in any case and separator, not substrings', () => {
  for (const n of ['SECRET_TOKEN', 'token', 'GITHUB_TOKEN', 'apiKey', 'API_KEY', 'APIKEY', 'x-api-key', 'DB_PASSWORD', 'passwd', 'AUTH', 'X-Auth-Token', 'AWS_SECRET_ACCESS_KEY', 'GOOGLE_APPLICATION_CREDENTIALS', 'PRIVATE_KEY', 'sessionId', 'SESSIONID', 'cookie', 'access_token', 'client.secret']) {
    assert.ok(isSecretName(n), n);
  }
  for (const n of ['KEYBOARD_LAYOUT', 'MONKEY', 'NODE_ENV', 'PORT', 'PATH', 'HOME', 'page', 'sort', 'author', 'tokenizer', 'passing', 'keynote', 'privately', 'PWD', 'OLDPWD']) {
    assert.ok(!isSecretName(n), n);
  }
});

test('secret values of an environment are found and replaced wherever they appear', () => {
  const values = secretValues({ SECRET_TOKEN: 's3cr3t-v4lue', NODE_ENV: 'production', API_KEY: 'abc', EMPTY_TOKEN: '', PWD: '/srv/app', OLDPWD: '/srv', DB_PWD: 'hunter22' });
  assert.deepEqual(values, ['s3cr3t-v4lue', 'hunter22'], 'short values (under 4 characters) are not searched for, non-secret names (the working directory in PWD) are kept');
  const r = new Redactor(values);
  assert.equal(r.text('[stdout] env dump: s3cr3t-v4lue in production'), `[stdout] env dump: ${REDACTED} in production`);
});

test('URLs: the password of the userinfo and secret query values go, the rest stays', () => {
  const r = new Redactor();
  assert.equal(r.text('postgres://app:hunter22@db.local:5432/shop'), `postgres://app:${REDACTED}@db.local:5432/shop`);
  assert.equal(r.text('GET /products?page=2&api_key=XYZ123&sort=asc'), `GET /products?page=2&api_key=${REDACTED}&sort=asc`);
  assert.equal(r.text('http://127.0.0.1:3000/cb?code=1&access_token=abc.def.ghi#frag'), `http://127.0.0.1:3000/cb?code=1&access_token=${REDACTED}#frag`);
  assert.equal(r.text('/search?q=shoes&page=3'), '/search?q=shoes&page=3');
});

test('headers, NAME=value and --flag value', () => {
  const r = new Redactor();
  assert.equal(r.text('Authorization: Bearer abc.def'), `Authorization: ${REDACTED}`);
  assert.equal(r.text('cookie: sid=1; theme=dark'), `cookie: ${REDACTED}`);
  assert.equal(r.text('SECRET_TOKEN=abc123 NODE_ENV=production'), `SECRET_TOKEN=${REDACTED} NODE_ENV=production`);
  assert.equal(r.text('{"password": "pw1", "user": "ann"}'), `{"password": "${REDACTED}", "user": "ann"}`);
  assert.deepEqual(r.args(['server.js', '--token', 'abc', '--port', '3000', '--api-key=zzz']), ['server.js', '--token', REDACTED, '--port', '3000', `--api-key=${REDACTED}`]);
  assert.equal(r.text('select * from users where password = ?'), 'select * from users where password = ?', 'placeholders are not secrets');
});

test('a record is redacted in place: secret keys, strings, command lines; numbers and other text untouched', () => {
  const r = new Redactor(['topsecretvalue']);
  const record = {
    service: { command: 'node', args: ['server.js', '--password', 'pw'], env: { SECRET_TOKEN: 'x', NODE_ENV: 'production' } },
    load: { endpoints: [{ method: 'GET', path: '/items?token=t0k&page=1', requests: 10 }] },
    error: 'The service said topsecretvalue and exited.',
    findings: [{ message: 'connect to mysql://root:rootpw@127.0.0.1/db failed' }],
  };
  r.inPlace(record);
  assert.deepEqual(record.service.args, ['server.js', '--password', REDACTED]);
  assert.deepEqual(record.service.env, { SECRET_TOKEN: REDACTED, NODE_ENV: 'production' });
  assert.equal(record.load.endpoints[0].path, `/items?token=${REDACTED}&page=1`);
  assert.equal(record.load.endpoints[0].requests, 10);
  assert.equal(record.error, `The service said ${REDACTED} and exited.`);
  assert.equal(record.findings[0].message, `connect to mysql://root:${REDACTED}@127.0.0.1/db failed`);
});

test('a command line joined into one string: the value after a secret flag goes', () => {
  const r = new Redactor();
  assert.equal(r.text('node server.js --api-key abc123 --label shown'), `node server.js --api-key ${REDACTED} --label shown`);
  assert.equal(r.text('node server.js --port 3000 -v'), 'node server.js --port 3000 -v');
});
