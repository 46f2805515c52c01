-- Fills the sample schema. psql variable :concepts sets the size: about 0.7 KB of database per
-- concept (3000000 made 2138 MB), so 5000 is a few MB (tests) and 5000000 several GB (benchmarks).
\set ON_ERROR_STOP 1
\if :{?concepts}
\else
\set concepts 5000
\endif

INSERT INTO code_system (url, version, name, status, content)
SELECT 'http://amyterm.example.org/fhir/CodeSystem/cs-' || s, '2026.' || (s % 12 + 1), 'Code system ' || s,
       (ARRAY['draft', 'active', 'retired'])[s % 3 + 1], jsonb_build_object('publisher', 'Amy-Term', 'n', s)
FROM generate_series(1, 20) AS s;

INSERT INTO concept (code_system_id, code, display, definition, properties)
SELECT s % 20 + 1, 'C' || lpad(s::text, 9, '0'),
       'Concept ' || s || ' ' || md5(s::text),
       repeat('Definition of concept ' || s || '. ', 8),
       jsonb_build_object('inactive', s % 17 = 0, 'parent', 'C' || lpad((s / 10)::text, 9, '0'))
FROM generate_series(1, :concepts) AS s;

INSERT INTO value_set (url, version, name, compose)
SELECT 'http://amyterm.example.org/fhir/ValueSet/vs-' || s, '1.' || s, 'Value set ' || s,
       jsonb_build_object('include', jsonb_build_array(jsonb_build_object('system', 'cs-' || (s % 20 + 1))))
FROM generate_series(1, 50) AS s;

INSERT INTO value_set_concept (value_set_id, concept_id)
SELECT (c.id % 50) + 1, c.id FROM concept c WHERE c.id % 3 = 0;

INSERT INTO atc_code (code, level, parent_code, name, ddd)
SELECT chr(64 + s), 1, NULL, 'ATC group ' || chr(64 + s), NULL FROM generate_series(1, 14) AS s;
INSERT INTO atc_code (code, level, parent_code, name, ddd)
SELECT chr(64 + g) || lpad(n::text, 2, '0'), 2, chr(64 + g), 'ATC subgroup ' || g || '.' || n, NULL
FROM generate_series(1, 14) AS g, generate_series(1, 10) AS n;
INSERT INTO atc_code (code, level, parent_code, name, ddd)
SELECT p.code || chr(64 + n), 3, p.code, 'ATC class ' || p.code || chr(64 + n), (n * 10) || ' mg'
FROM atc_code p, generate_series(1, 5) AS n WHERE p.level = 2;

INSERT INTO federation_node (node_id, role, is_self, base_url) VALUES
    ('central-1', 'central', true, 'https://central.amyterm.example.org'),
    ('region-north', 'regional', false, 'https://north.amyterm.example.org'),
    ('region-south', 'regional', false, 'https://south.amyterm.example.org');

INSERT INTO federation_trust (key_id, node_id, public_key_pem, valid_from, valid_until, revoked) VALUES
    ('central-2025', 'central-1', '-----BEGIN PUBLIC KEY-----sample-2025-----END PUBLIC KEY-----', '2025-01-01', '2026-01-01', false),
    ('central-2026', 'central-1', '-----BEGIN PUBLIC KEY-----sample-2026-----END PUBLIC KEY-----', '2026-01-01', NULL, false),
    ('north-2026', 'region-north', '-----BEGIN PUBLIC KEY-----north-2026-----END PUBLIC KEY-----', '2026-01-01', NULL, false);

INSERT INTO federation_bundle_applied (bundle_id, source_node, signed_by, applied_at, sha256)
SELECT 'bundle-' || s, 'central-1', CASE WHEN s < 10 THEN 'central-2025' ELSE 'central-2026' END,
       timestamptz '2025-06-01' + s * interval '7 days', md5(s::text) || md5((s + 1)::text)
FROM generate_series(1, 40) AS s;

INSERT INTO audit_event (occurred_at, actor, action, entity, detail)
SELECT timestamptz '2026-01-01' + s * interval '1 minute', 'user-' || (s % 25), (ARRAY['read', 'create', 'update', 'expand'])[s % 4 + 1],
       'CodeSystem/cs-' || (s % 20 + 1), jsonb_build_object('ip', '10.0.0.' || (s % 250))
FROM generate_series(1, greatest(:concepts / 2, 100)) AS s;

REFRESH MATERIALIZED VIEW concept_count_by_system;
ANALYZE;
