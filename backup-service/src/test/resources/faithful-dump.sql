-- A database using what an application may use: extensions, custom types, several schemas,
-- quoted and non-ASCII identifiers, partitioned tables, row-level security, large objects,
-- triggers, views, sequences, comments and non-ASCII data.
CREATE EXTENSION citext;
CREATE EXTENSION hstore;
CREATE EXTENSION pgcrypto;
CREATE SCHEMA terminology;
CREATE SCHEMA "Audit Log";
CREATE SCHEMA ñandú;

CREATE TYPE terminology.status AS ENUM ('draft', 'active', 'retired');
CREATE TYPE terminology.coding AS (system text, code text);
CREATE DOMAIN terminology.code_text AS text CHECK (VALUE <> '');

CREATE TABLE terminology.concept (
    id bigserial PRIMARY KEY,
    code terminology.code_text NOT NULL UNIQUE,
    display citext,
    status terminology.status DEFAULT 'draft',
    props hstore,
    coding terminology.coding,
    created timestamptz DEFAULT now());
CREATE INDEX concept_display_idx ON terminology.concept (lower(display::text));
COMMENT ON TABLE terminology.concept IS 'Konzepte – 概念';
COMMENT ON COLUMN terminology.concept.display IS 'Anzeige, groß/klein egal';

CREATE TABLE "Audit Log"."Événements" ("ID" int PRIMARY KEY, "Qui?" text, payload jsonb, digest bytea);

CREATE TABLE ñandú.mediciones (tomada date NOT NULL, valor numeric(12, 4), nota text) PARTITION BY RANGE (tomada);
CREATE TABLE ñandú.mediciones_2025 PARTITION OF ñandú.mediciones FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE ñandú.mediciones_2026 PARTITION OF ñandú.mediciones FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');

CREATE TABLE terminology.value_set (id int PRIMARY KEY, owner_region text NOT NULL, name text);
ALTER TABLE terminology.value_set ENABLE ROW LEVEL SECURITY;
CREATE POLICY region_isolation ON terminology.value_set USING (owner_region = current_setting('app.region', true));
-- a role with a grant only: the dump keeps its GRANT, so the manifest names it among the roles a restore needs
DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'faithful_reader') THEN CREATE ROLE faithful_reader NOLOGIN; END IF; END $$;
GRANT SELECT ON terminology.value_set TO faithful_reader;

CREATE TABLE terminology.member (
    value_set int REFERENCES terminology.value_set (id) ON DELETE CASCADE,
    concept bigint REFERENCES terminology.concept (id),
    PRIMARY KEY (value_set, concept));

CREATE FUNCTION terminology.touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.created := now();
    RETURN NEW;
END $$;
CREATE TRIGGER concept_touch BEFORE UPDATE ON terminology.concept FOR EACH ROW EXECUTE FUNCTION terminology.touch();
CREATE SEQUENCE terminology.release_seq START 100;
SELECT setval('terminology.release_seq', 4242);
CREATE VIEW terminology.active_concepts AS SELECT id, code FROM terminology.concept WHERE status = 'active';

INSERT INTO terminology.concept (code, display, status, props, coding, created)
SELECT 'C' || g, 'Anzeige ' || g || ' – ümlaut 概念', (ARRAY['draft', 'active', 'retired'])[1 + g % 3]::terminology.status,
       hstore('k', g::text), ROW('http://snomed.info/sct', g::text)::terminology.coding,
       timestamptz '2026-01-01 00:00:00+00' + g * interval '1 minute'
FROM generate_series(1, 2000) g;
INSERT INTO "Audit Log"."Événements"
SELECT g, 'qui ' || g, jsonb_build_object('n', g, 'ü', 'é'), digest(g::text, 'sha256') FROM generate_series(1, 500) g;
INSERT INTO ñandú.mediciones SELECT date '2025-06-01' + g, g * 1.2345, 'nota ' || g FROM generate_series(1, 400) g;
INSERT INTO terminology.value_set SELECT g, 'region-' || (g % 3), 'VS ' || g FROM generate_series(1, 50) g;
INSERT INTO terminology.member SELECT (g % 50) + 1, g FROM generate_series(1, 1000) g;
SELECT lo_from_bytea(0, convert_to('large object ü 概念', 'UTF8'));
