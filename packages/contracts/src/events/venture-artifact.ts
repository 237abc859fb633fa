// Taxonomy 2.2: artifact compilation (artifact.*).
import { Type } from '@sinclair/typebox';
import { BUILD_STATUSES, IR_TYPES, PROVENANCE_PROVIDERS, TARGET_SURFACES } from '../enums.js';
import {
  Count,
  DateTime,
  DurationMs,
  EntityId,
  Enum,
  ErrorCode,
  JsonObject,
  MicroEau,
  Payload,
  Sha256Hex,
  Text,
  Uuid,
} from '../primitives.js';
import { defineEvent } from './definition.js';

const REF = ['EVENT_TAXONOMY 2.2', 'TRACK_A_ARTIFACT_DETERMINISM_SPEC'];
const IR = '2d0f9e8a-7b6c-5d5e-a04f-c3d4e5f6a7b8';
const BUILD = '3e1a0f9b-8c7d-5e6f-b15a-d4e5f6a7b8c9';
const HASH = 'b4e2d3c5f6a7b8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7081';
const SemVer = (d: string) => Type.String({ pattern: '^\\d+\\.\\d+\\.\\d+([-+][0-9A-Za-z.-]+)?$', description: `${d} Semantic version.` });

export const ventureArtifactEvents = [
  defineEvent(
    'venture.artifact.ir_created.v1',
    Payload(
      {
        artifact_ir_id: Uuid('Artifact IR.'),
        ir_type: Enum(IR_TYPES, 'IR family member.'),
        schema_version: SemVer('IR schema version.'),
        content_hash: Sha256Hex('SHA-256 of the canonical IR.'),
        payload_size_bytes: Count('Canonical IR size in bytes.'),
      },
      'Marks artifact IR creation.',
    ),
    REF,
    { artifact_ir_id: IR, ir_type: 'DocSpec', schema_version: '1.0.0', content_hash: HASH, payload_size_bytes: 2048 },
  ),
  defineEvent(
    'venture.artifact.build_started.v1',
    Payload(
      {
        artifact_ir_id: Uuid('Artifact IR.'),
        build_id: Uuid('Build.'),
        toolchain_version: SemVer('Pinned toolchain version.'),
        target_surface: Enum(TARGET_SURFACES, 'Target surface.'),
        estimated_cost_eau: MicroEau('Estimated cost.'),
      },
      'Marks build initialization.',
    ),
    REF,
    { artifact_ir_id: IR, build_id: BUILD, toolchain_version: '1.0.0', target_surface: 'print', estimated_cost_eau: 50000 },
  ),
  defineEvent(
    'venture.artifact.build_completed.v1',
    Payload(
      {
        build_id: Uuid('Build.'),
        artifact_ir_id: Uuid('Artifact IR.'),
        status: Enum(BUILD_STATUSES, 'Outcome.'),
        output_hash: Sha256Hex('SHA-256 of the output bytes.'),
        actual_cost_eau: MicroEau('Cost charged.'),
        duration_ms: DurationMs(),
      },
      'Records build completion.',
    ),
    REF,
    { build_id: BUILD, artifact_ir_id: IR, status: 'succeeded', output_hash: HASH, actual_cost_eau: 48000, duration_ms: 130 },
  ),
  defineEvent(
    'venture.artifact.build_failed.v1',
    Payload(
      {
        build_id: Uuid('Build.'),
        artifact_ir_id: Uuid('Artifact IR.'),
        error_code: ErrorCode(),
        error_message: Text('Cause.'),
        partial_output: JsonObject('What was produced before the failure.'),
      },
      'Records a build failure.',
    ),
    REF,
    { build_id: BUILD, artifact_ir_id: IR, error_code: 'RENDERER_FAILED', error_message: 'ffmpeg exited 1', partial_output: {} },
  ),
  defineEvent(
    'venture.artifact.provenance_attested.v1',
    Payload(
      {
        artifact_id: EntityId('Built artifact.'),
        build_id: Uuid('Build.'),
        provider: Enum(PROVENANCE_PROVIDERS, 'Provider.'),
        model_version: SemVer('Provider model or toolchain version.'),
        signature: Type.String({
          pattern: '^[A-Za-z0-9+/]{86}==$',
          description: 'Ed25519 signature (base64, 64 bytes) over canonical {artifact_id, provider, model_version, timestamp}.',
        }),
        timestamp: DateTime('Attestation time.'),
      },
      'Records signed provenance evidence.',
    ),
    REF,
    {
      artifact_id: 'artifact:' + HASH.slice(0, 16),
      build_id: BUILD,
      provider: 'internal',
      model_version: '1.0.0',
      signature: 'A'.repeat(86) + '==',
      timestamp: '2026-02-21T00:00:00.000Z',
    },
  ),
  defineEvent(
    'venture.artifact.cache_hit.v1',
    Payload(
      {
        artifact_ir_id: Uuid('Artifact IR.'),
        idempotency_key: Type.String({ minLength: 1, maxLength: 256, description: 'Build idempotency key.' }),
        cached_artifact_id: EntityId('Artifact served from cache.'),
        cache_age_ms: Count('Age of the cached artifact in milliseconds.'),
      },
      'Records a deterministic cache hit.',
    ),
    REF,
    { artifact_ir_id: IR, idempotency_key: 'sha256:' + HASH, cached_artifact_id: 'artifact:' + HASH.slice(0, 16), cache_age_ms: 1200 },
  ),
];
