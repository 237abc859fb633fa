// Taxonomy 2.7: privacy and data protection (privacy.*).
import { Type } from '@sinclair/typebox';
import { PII_TYPES, PRIVACY_REQUEST_STATUSES, PRIVACY_REQUEST_TYPES, REMEDIATION_ACTIONS } from '../enums.js';
import { Count, DateTime, EntityId, Enum, Fraction, Payload, Uuid } from '../primitives.js';
import { defineEvent } from './definition.js';

const REF = ['EVENT_TAXONOMY 2.7', 'OPS_COMPLIANCE_SPEC'];
const REQ = '9e7a6f5b-4c3d-5ecf-97b0-d0e1f2a3b4c5';

export const venturePrivacyEvents = [
  defineEvent(
    'venture.privacy.request_received.v1',
    Payload(
      {
        request_id: Uuid('Request.'),
        request_type: Enum(PRIVACY_REQUEST_TYPES, 'Request type.'),
        subject_user_id: EntityId('Data subject.'),
        received_at: DateTime('Received.'),
      },
      'Records a data request (GDPR/CCPA).',
    ),
    REF,
    { request_id: REQ, request_type: 'right_to_access', subject_user_id: 'user:ada', received_at: '2026-02-21T00:00:00.000Z' },
  ),
  defineEvent(
    'venture.privacy.request_processed.v1',
    Payload(
      {
        request_id: Uuid('Request.'),
        status: Enum(PRIVACY_REQUEST_STATUSES, 'Outcome.'),
        data_collected_bytes: Count('Bytes collected or deleted.'),
        completion_timestamp: DateTime('Completed.'),
      },
      'Records request fulfilment.',
    ),
    REF,
    { request_id: REQ, status: 'completed', data_collected_bytes: 4096, completion_timestamp: '2026-02-21T00:05:00.000Z' },
  ),
  defineEvent(
    'venture.privacy.retention_policy_applied.v1',
    Payload(
      {
        policy_id: EntityId('Retention policy.'),
        affected_record_count: Count('Records affected.'),
        data_deleted_bytes: Count('Bytes deleted.'),
        policy_version: Type.Integer({ minimum: 1, maximum: 999_999_999, description: 'Policy version.' }),
      },
      'Records automatic data clean-up.',
    ),
    REF,
    { policy_id: 'retention:events-90d', affected_record_count: 1200, data_deleted_bytes: 800000, policy_version: 1 },
  ),
  defineEvent(
    'venture.privacy.pii_detected.v1',
    Payload(
      {
        artifact_id: EntityId('Artifact scanned.'),
        pii_type: Enum(PII_TYPES, 'PII kind.'),
        detection_confidence: Fraction('Confidence the data is PII, [0, 1].'),
        remediation_action: Enum(REMEDIATION_ACTIONS, 'Action taken.'),
      },
      'Records sensitive data discovered in an artifact.',
    ),
    REF,
    { artifact_id: 'artifact:1', pii_type: 'email', detection_confidence: 0.97, remediation_action: 'auto_remediate' },
  ),
];
