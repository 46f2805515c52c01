-- Fills the sample schema. psql variable :concepts sets the size: about 0.7 KB of database per
-- concept (3000000 made 2138 MB), so 5000 is a few MB (tests) and 5000000 several GB (benchmarks).
-- psql variable :realistic (default false) chooses the data: false repeats a few phrases and
-- compresses about 11x with zstd -1 (fast, for tests); true draws codes, display texts, definitions,
-- JSON designations and audit details from a vocabulary of some 11,000 syllable-built words,
-- and adds bytea media, so that pg_dump's archive compresses about 3x, as a real terminology does
-- (for benchmarks: docs/performance.md).
\set ON_ERROR_STOP 1
\if :{?concepts}
\else
\set concepts 5000
\endif
\if :{?realistic}
\else
\set realistic false
\endif

INSERT INTO code_system (url, version, name, status, content)
SELECT 'http://amyterm.example.org/fhir/CodeSystem/cs-' || s, '2026.' || (s % 12 + 1), 'Code system ' || s,
       (ARRAY['draft', 'active', 'retired'])[s % 3 + 1], jsonb_build_object('publisher', 'Amy-Term', 'n', s)
FROM generate_series(1, 20) AS s;

\if :realistic
-- the same words on every run (a fixed seed): some 11,000, built from syllables
SELECT setseed(0.42) AS seeded \gset
CREATE TEMP TABLE vocabulary AS
SELECT array_agg(w ORDER BY random()) AS w FROM (
    SELECT DISTINCT (ARRAY['ab','ad','al','an','ar','bi','bro','car','cer','chlo','cy','de','der','di','do','dys','en','ep','er','fi',
                           'gas','glu','he','hy','id','in','is','ka','lar','le','li','lo','ma','me','mi','my','na','ne','neu','no',
                           'ol','om','on','op','os','pa','pe','phy','pla','po','pro','ra','re','ri','ro','sa','se','si','so','ta',
                           'te','ti','to','tri','ul','ur','va','ve','vi','xa','zo','thro','card','gran','hem','lip','nephr','oste'])[1 + floor(random() * 78)::int]
        || (ARRAY['ab','ad','al','an','ar','bi','ca','der','di','do','en','er','fi','ga','ge','li','lo','ma','me','mi','na','no',
                  'pa','pe','ra','re','ri','ro','sa','se','ta','te','ti','to','va','vi','ly','my','ny'])[1 + floor(random() * 39)::int]
        || (ARRAY['itis','osis','emia','oma','al','ic','ine','ase','ide','ate','ia','ism','ous','ar','um','us','y','e','a','on'])[1 + floor(random() * 20)::int] AS w
    FROM generate_series(1, 12000)) words;
-- a pool of phrases of 2 to 9 words; rows are made of phrases drawn from it at random (a lookup
-- per phrase, fast enough for gigabytes), the pool is larger than zstd's window at level 1
CREATE TEMP TABLE word AS SELECT i, w[i] AS w FROM vocabulary, generate_subscripts(w, 1) AS i;
CREATE TEMP TABLE phrase (i int PRIMARY KEY, t text NOT NULL);
INSERT INTO phrase
SELECT p, string_agg(word.w, ' ' ORDER BY k)
FROM (SELECT p, k, 1 + floor((SELECT count(*) FROM word) * random())::int AS wi
      FROM generate_series(1, 200000) AS p, generate_series(1, 9) AS k WHERE k <= 2 + p % 8) AS draw
JOIN word ON word.i = draw.wi
GROUP BY p;
ANALYZE phrase;

-- codes as real systems spell them: SNOMED CT ids, LOINC numbers, ICD-10 codes, local codes;
-- texts are phrases drawn for each row (the "+ s * 0" makes each draw depend on the row)
INSERT INTO concept (code_system_id, code, display, definition, properties)
SELECT s % 20 + 1,
       CASE s % 4 WHEN 0 THEN (s::bigint * 1000 + floor(random() * 1000)::int)::text || '10' || (s % 7)
                  WHEN 1 THEN s || '-' || (s % 10)
                  WHEN 2 THEN chr(65 + s % 26) || (s / 26) || '.' || floor(random() * 10)::int
                  ELSE 'C' || lpad(s::text, 9, '0') END,
       initcap((SELECT t FROM phrase WHERE i = r.display)),
       (SELECT string_agg(initcap(t) || '.', ' ') FROM phrase WHERE i IN (r.sentence1, r.sentence2, r.sentence3)),
       jsonb_build_object('inactive', random() < 0.06, 'parent', 'C' || lpad((s / 10)::text, 9, '0'),
                          'effectiveDate', (date '2002-01-31' + floor(random() * 8700)::int)::text,
                          'designation', (SELECT jsonb_agg(jsonb_build_object(
                              'language', (ARRAY['de', 'fr', 'it', 'es', 'nl', 'sv', 'en-GB'])[1 + (d.i + floor(random() * 7)::int) % 7],
                              'use', jsonb_build_object('system', 'http://snomed.info/sct', 'code', (ARRAY['900000000000013009', '900000000000003001'])[1 + floor(random() * 2)::int]),
                              'value', (SELECT t FROM phrase WHERE i = d.phrase)))
                              FROM (SELECT i, 1 + floor(random() * 200000)::int + s * 0 AS phrase FROM generate_series(1, 1 + floor(random() * 3)::int) AS i) AS d))
FROM generate_series(1, :concepts) AS s,
     LATERAL (SELECT 1 + floor(random() * 200000)::int + s * 0 AS display, 1 + floor(random() * 200000)::int + s * 0 AS sentence1,
                     1 + floor(random() * 200000)::int + s * 0 AS sentence2, 1 + floor(random() * 200000)::int + s * 0 AS sentence3) AS r;

-- one concept in 20 has an image: a PNG-like header and compressed (random) pixel data
INSERT INTO concept_media (concept_id, media_type, content)
SELECT s, 'image/png', '\x89504e470d0a1a0a'::bytea || decode(string_agg(md5(random()::text), ''), 'hex')
FROM generate_series(20, :concepts, 20) AS s, generate_series(1, 64) AS chunk
GROUP BY s;
\else
INSERT INTO concept (code_system_id, code, display, definition, properties)
SELECT s % 20 + 1, 'C' || lpad(s::text, 9, '0'),
       'Concept ' || s || ' ' || md5(s::text),
       repeat('Definition of concept ' || s || '. ', 8),
       jsonb_build_object('inactive', s % 17 = 0, 'parent', 'C' || lpad((s / 10)::text, 9, '0'))
FROM generate_series(1, :concepts) AS s;
\endif

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

\if :realistic
INSERT INTO audit_event (occurred_at, actor, action, entity, detail)
SELECT timestamptz '2026-01-01' + s * interval '1 minute' + random() * interval '59 seconds',
       'user-' || floor(500 * random() ^ 2)::int, (ARRAY['read', 'create', 'update', 'expand', 'validate-code', 'lookup'])[1 + floor(6 * random() ^ 2)::int],
       (ARRAY['CodeSystem/cs-', 'ValueSet/vs-', 'ConceptMap/cm-'])[1 + floor(random() * 3)::int] || (1 + floor(random() * 50)::int),
       jsonb_build_object('ip', '10.' || floor(random() * 256)::int || '.' || floor(random() * 256)::int || '.' || floor(random() * 256)::int,
                          'requestId', md5(random()::text), 'millis', floor(random() * 900)::int,
                          'userAgent', (ARRAY['amyterm-ui/4.2', 'HAPI-FHIR/7.4.0 (FHIR Client)', 'curl/8.5.0', 'python-requests/2.32'])[1 + floor(random() * 4)::int])
FROM generate_series(1, greatest(:concepts / 2, 100)) AS s;
\else
INSERT INTO audit_event (occurred_at, actor, action, entity, detail)
SELECT timestamptz '2026-01-01' + s * interval '1 minute', 'user-' || (s % 25), (ARRAY['read', 'create', 'update', 'expand'])[s % 4 + 1],
       'CodeSystem/cs-' || (s % 20 + 1), jsonb_build_object('ip', '10.0.0.' || (s % 250))
FROM generate_series(1, greatest(:concepts / 2, 100)) AS s;

\endif

REFRESH MATERIALIZED VIEW concept_count_by_system;
ANALYZE;
