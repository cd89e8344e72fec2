import type { AzureRequestRecord } from './types.js';

/** A parsed request as the emulator's handlers see it. */
export interface EmulatorRequest {
  method: string;
  url: URL;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A handler's answer, plus what to record about the request. */
export interface EmulatorResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  record: Pick<AzureRequestRecord, 'route'> & Partial<AzureRequestRecord>;
}
