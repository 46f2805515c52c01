-- A schema shaped like Amy-Term's: terminology (code systems, concepts, value sets, ATC),
-- federation state (this node's role, signing-key trust, applied bundles), audit metadata,
-- and the migration table that names the schema version.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE schema_version (
    version     text PRIMARY KEY,
    description text NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE code_system (
    id        bigserial PRIMARY KEY,
    url       text NOT NULL UNIQUE,
    version   text NOT NULL,
    name      text NOT NULL,
    status    text NOT NULL CHECK (status IN ('draft', 'active', 'retired')),
    content   jsonb NOT NULL DEFAULT '{}'::jsonb
);

CREATE TABLE concept (
    id             bigserial PRIMARY KEY,
    code_system_id bigint NOT NULL REFERENCES code_system(id),
    code           text NOT NULL,
    display        text NOT NULL,
    definition     text,
    properties     jsonb NOT NULL DEFAULT '{}'::jsonb,
    UNIQUE (code_system_id, code)
);
CREATE INDEX concept_display_trgm ON concept USING gin (display gin_trgm_ops);

-- images and attachments of concepts (bytea; filled only by the realistic sample)
CREATE TABLE concept_media (
    id         bigserial PRIMARY KEY,
    concept_id bigint NOT NULL REFERENCES concept(id),
    media_type text NOT NULL,
    content    bytea NOT NULL
);

CREATE TABLE value_set (
    id      bigserial PRIMARY KEY,
    url     text NOT NULL UNIQUE,
    version text NOT NULL,
    name    text NOT NULL,
    compose jsonb NOT NULL
);

CREATE TABLE value_set_concept (
    value_set_id bigint NOT NULL REFERENCES value_set(id),
    concept_id   bigint NOT NULL REFERENCES concept(id),
    PRIMARY KEY (value_set_id, concept_id)
);

CREATE TABLE atc_code (
    code        text PRIMARY KEY,
    level       smallint NOT NULL CHECK (level BETWEEN 1 AND 5),
    parent_code text REFERENCES atc_code(code),
    name        text NOT NULL,
    ddd         text
);
CREATE INDEX atc_code_name_trgm ON atc_code USING gin (name gin_trgm_ops);

CREATE TABLE federation_node (
    node_id    text PRIMARY KEY,
    role       text NOT NULL CHECK (role IN ('central', 'regional')),
    is_self    boolean NOT NULL DEFAULT false,
    base_url   text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX federation_node_one_self ON federation_node (is_self) WHERE is_self;

CREATE TABLE federation_trust (
    key_id          text PRIMARY KEY,
    node_id         text NOT NULL REFERENCES federation_node(node_id),
    public_key_pem  text NOT NULL,
    valid_from      timestamptz NOT NULL,
    valid_until     timestamptz,
    revoked         boolean NOT NULL DEFAULT false
);

CREATE TABLE federation_bundle_applied (
    bundle_id   text PRIMARY KEY,
    source_node text NOT NULL REFERENCES federation_node(node_id),
    signed_by   text NOT NULL REFERENCES federation_trust(key_id),
    applied_at  timestamptz NOT NULL,
    sha256      text NOT NULL
);

CREATE TABLE audit_event (
    id          bigserial PRIMARY KEY,
    occurred_at timestamptz NOT NULL,
    actor       text NOT NULL,
    action      text NOT NULL,
    entity      text NOT NULL,
    detail      jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_event_occurred_at ON audit_event (occurred_at);

CREATE MATERIALIZED VIEW concept_count_by_system AS
    SELECT code_system_id, count(*) AS concepts FROM concept GROUP BY code_system_id;

COMMENT ON TABLE federation_bundle_applied IS 'Bundles already applied; never re-applied after a restore';

INSERT INTO schema_version (version, description) VALUES
    ('1.0.0', 'initial terminology schema'),
    ('1.4.0', 'federation and audit'),
    ('2.3.1', 'ATC browser search indexes');
