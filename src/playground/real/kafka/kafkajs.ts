/**
 * kafkajs is CommonJS, and Node's ESM loader sees only some of its exports by name (not the ACL enums,
 * which its index spreads in): every value comes from the default export here, and each enum keeps its
 * type under the same name.
 */
import kafkajs from 'kafkajs';

export type { Admin, AclEntry, AclFilter, Consumer, KafkaConfig, Producer } from 'kafkajs';

export const Kafka = kafkajs.Kafka;
export type Kafka = InstanceType<typeof kafkajs.Kafka>;
export const logLevel = kafkajs.logLevel;
export const AssignerProtocol = kafkajs.AssignerProtocol;
export const AclResourceTypes = kafkajs.AclResourceTypes;
export type AclResourceTypes = import('kafkajs').AclResourceTypes;
export const AclOperationTypes = kafkajs.AclOperationTypes;
export type AclOperationTypes = import('kafkajs').AclOperationTypes;
export const AclPermissionTypes = kafkajs.AclPermissionTypes;
export type AclPermissionTypes = import('kafkajs').AclPermissionTypes;
export const ResourcePatternTypes = kafkajs.ResourcePatternTypes;
export type ResourcePatternTypes = import('kafkajs').ResourcePatternTypes;
