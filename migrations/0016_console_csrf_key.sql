-- The key of the web console's CSRF tokens: a token is a MAC of the session it belongs to, so any
-- core replica checks a token another one handed out, with nothing stored per token. Kept with the
-- registry's upload-session key: `registry_secret` holds the keys the installation's processes share.
INSERT INTO registry_secret (name, value)
VALUES ('console_csrf', decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'));
