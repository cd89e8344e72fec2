/**
 * An error the REST API answers with `{error_code, message}` and an HTTP status. The programmatic admin API throws
 * the same errors, so a test that sets up state directly meets the same rules as one going through HTTP.
 */
export class RestError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'RestError';
  }
}

/** Kafka protocol error codes the data plane can raise. */
export type KafkaErrorCode = 'NETWORK_EXCEPTION' | 'UNKNOWN_TOPIC_OR_PARTITION' | 'INVALID_REQUEST' | 'OFFSET_OUT_OF_RANGE' | 'INVALID_REPLICATION_FACTOR';

/** An error from the data plane (the stand-in for the Kafka protocol), named like the Java client's errors. */
export class KafkaError extends Error {
  constructor(
    readonly code: KafkaErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'KafkaError';
  }
}

/** 404 as the spec's ClusterLinkNotFoundErrorResponse. */
export const notFoundLink = (): RestError => new RestError(404, 404, "The cluster link doesn't exist.");
/** 404 40403, the unknown topic-or-partition error. */
export const unknownTopic = (): RestError => new RestError(404, 40403, 'This server does not host this topic-partition.');
/** A 400 with a Kafka-level code (40002 unless given). */
export const badRequest = (message: string, errorCode = 40002): RestError => new RestError(400, errorCode, message);
